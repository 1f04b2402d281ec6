import { availableParallelism } from 'node:os';
import type { StageContext, StageResult } from '@hitcast/core/stage';
import type { SpectrogramParams } from './params.ts';
import { buildMergedDataset } from './spectrogram-stage.ts';

/** Runs stage data-spectrogram and prints its summary. */
export async function run({ params, inputs, out }: StageContext<SpectrogramParams>): Promise<StageResult> {
  const workers = Math.min(params.workers, availableParallelism());
  const summary = await buildMergedDataset({ ...params, workers, tracksFile: inputs.tracks, outDir: out });
  const distinct = summary.files - summary.unparsableNames - summary.duplicates;
  console.log(`${params.src}: ${summary.files} files, ${distinct} distinct songs, ${summary.duplicates} charted twice, ${summary.unparsableNames} with unreadable names`);
  console.log(`  matched ${summary.matched} (${(100 * summary.matchRate).toFixed(1)}%; exact artist + title strings would find ${summary.exactStringMatches})`);
  console.log(`  ${summary.songs} songs written to ${summary.songsFile} (${summary.reused} reused from the last run, ${summary.resampled} resampled, ${summary.decodeFailures} unreadable PNGs skipped)`);
  console.log(`  ${summary.textRows} tracks written to ${summary.textFile} (merged songs removed, in every version)`);
  console.log(`  per-file report: ${summary.reportFile}; ${summary.seconds.toFixed(1)} s`);
  return { inputs: [inputs.tracks], outputs: [summary.songsFile, summary.textFile, summary.reportFile], summary: { ...summary } };
}
