import type { StageContext, StageResult } from '@hitcast/core/stage';
import { runEvalStage } from './eval-stage.ts';
import type { EvalParams } from './params.ts';

/** Runs stage eval and prints the results table to stdout (the last thing the pipeline prints). */
export async function run({ params, inputs, out }: StageContext<EvalParams>): Promise<StageResult> {
  const result = await runEvalStage({ songsFile: inputs.songs, textFile: inputs.text, runsDir: inputs.runs, outDir: out, params, tuningDir: inputs.tuning });
  process.stdout.write(`\n${result.markdown}\nFull report: ${result.files[3]} (open in a browser); metrics: ${result.files[0]}, ${result.files[1]}\n`);
  return {
    inputs: [inputs.songs, inputs.text, ...result.report.entries.filter((e) => e.kind !== 'baseline').map((e) => `${inputs.runs}/${e.source}/predictions.arrow`)],
    outputs: result.files,
    summary: { songs: result.report.songs, entries: result.report.entries.map((e) => ({ name: e.name, rmse: e.metrics.rmse, within15: e.metrics.within15 })) },
  };
}
