import type { StageContext, StageResult } from '@hitcast/core/stage';
import type { CnnParams } from './params.ts';
import type { CnnRun } from './runs.ts';
import { trainCnnStage } from './train-cnn.ts';

/** Runs stage model-cnn (all runs, or those of `--run`). */
export async function run({ params, inputs, out, backend, resume, options }: StageContext<CnnParams>): Promise<StageResult> {
  const reports = await trainCnnStage({ songsFile: inputs.songs, outDir: out, params, backend: backend!, resume, runs: options.run as CnnRun[] | undefined });
  return {
    inputs: [inputs.songs],
    outputs: reports.map((r) => `${out}/${r.run}/metrics.json`),
    summary: Object.fromEntries(reports.map((r) => [r.run, { test: r.metrics.test, meanBaseline: r.meanBaseline, bestEpoch: r.fit.bestEpoch }])),
  };
}
