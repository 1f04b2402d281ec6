import { writeStageManifest } from '@hitcast/core';
import { runEvalStage } from './eval-stage.ts';
import { readEvalParams } from './params.ts';

/** `hitcast eval`: runs the stage, writes its manifest, and prints the results table to stdout. */
export async function runEvalCommand(options: { songs: string; text: string; runs: string; out: string; params?: string; tuning?: string }): Promise<void> {
  const params = readEvalParams(options.params);
  const result = await runEvalStage({ songsFile: options.songs, textFile: options.text, runsDir: options.runs, outDir: options.out, params, tuningDir: options.tuning });
  await writeStageManifest(options.out, {
    stage: 'eval',
    params: { ...params },
    inputs: [options.songs, options.text, ...result.report.entries.filter((e) => e.kind !== 'baseline').map((e) => `${options.runs}/${e.source}/predictions.arrow`)],
    outputs: result.files,
    summary: { songs: result.report.songs, entries: result.report.entries.map((e) => ({ name: e.name, rmse: e.metrics.rmse, within15: e.metrics.within15 })) },
  });
  process.stdout.write(`\n${result.markdown}\nFull report: ${result.files[3]} (open in a browser); metrics: ${result.files[0]}, ${result.files[1]}\n`);
}
