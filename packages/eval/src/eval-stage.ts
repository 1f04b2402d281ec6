import { promises as fs } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '@hitcast/core';
import { evaluate } from './evaluate.ts';
import { readArtistHistory, readMergedSongs } from './inputs.ts';
import { outputPath, writeMetricsArrow, writeMetricsJson } from './metrics-artifact.ts';
import type { EvalParams } from './params.ts';
import { renderReportHtml } from './report-html.ts';
import { renderMarkdown } from './report-md.ts';
import { EVALUATED_RUNS, loadRun } from './runs.ts';
import { readTuningSummaries } from './tuning-summaries.ts';
import type { EvalReport } from './types.ts';

export interface EvalStageOptions {
  /** songs.arrow of data-spectrogram (the merged set). */
  songsFile: string;
  /** text.arrow of data-spectrogram (the artist baseline's history). */
  textFile: string;
  /** The folder holding model-text/, model-cnn/ and model-fusion/ run folders (artifacts/). */
  runsDir: string;
  outDir: string;
  params: EvalParams;
  /** Tuning summaries (`<dir>/<model>/summary.json`), when a study exists. */
  tuningDir?: string;
  progress?: boolean;
}

export interface EvalStageResult {
  report: EvalReport;
  markdown: string;
  files: string[];
}

/** Stage eval: reads every run and the data, judges them on the shared test split, writes the four outputs. */
export async function runEvalStage(options: EvalStageOptions): Promise<EvalStageResult> {
  const merged = await readMergedSongs(options.songsFile);
  const runs = await Promise.all(EVALUATED_RUNS.map((spec) => loadRun(options.runsDir, spec)));
  const artists = new Set(merged.songs.flatMap((s) => s.artists));
  const artistHistory = await readArtistHistory(options.textFile, artists, options.progress ?? true);
  const tuning = await readTuningSummaries(options.tuningDir);
  const report = evaluate({ merged, runs, artistHistory, tuning, params: options.params });

  await fs.mkdir(options.outDir, { recursive: true });
  const markdown = renderMarkdown(report);
  const files = [outputPath(options.outDir, 'metricsArrow'), outputPath(options.outDir, 'metricsJson'), outputPath(options.outDir, 'markdown'), outputPath(options.outDir, 'html')];
  await writeMetricsArrow(files[0], report);
  await writeMetricsJson(files[1], report);
  await writeFileAtomic(files[2], markdown);
  await writeFileAtomic(files[3], await renderReportHtml(report));
  return { report, markdown, files: files.map((f) => path.normalize(f)) };
}
