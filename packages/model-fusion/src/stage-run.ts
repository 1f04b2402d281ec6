import { existsSync } from 'node:fs';
import path from 'node:path';
import { HitcastError } from '@hitcast/core/errors';
import type { StageContext, StageResult } from '@hitcast/core/stage';
import { readCnnParams } from '@hitcast/model-cnn';
import { readTextParams } from '@hitcast/model-text';
import type { FusionParams } from './params.ts';
import type { FusionRun } from './runs.ts';
import { trainFusionStage } from './train-fusion.ts';

/** Runs stage model-fusion (all runs, or those of `--run`) on the backbones' stages' outputs. */
export async function run({ params, inputs, out, backend, resume, options }: StageContext<FusionParams>): Promise<StageResult> {
  const cnnParamsFile = path.join(inputs.cnn, 'params.json');
  const textParamsFile = path.join(inputs.text, 'params.json');
  for (const [file, option, stage] of [[cnnParamsFile, '--cnn', 'train-cnn'], [textParamsFile, '--text', 'train-text']]) {
    if (!existsSync(file)) {
      throw new HitcastError(`${file} is missing: fusion builds the backbone's architecture from the parameters its stage wrote there`, {
        fix: `point ${option} at the output folder of \`hitcast ${stage}\`, or run that stage first`,
      });
    }
  }
  const reports = await trainFusionStage({
    songsFile: inputs.songs,
    cnnDir: inputs.cnn,
    textDir: inputs.text,
    outDir: out,
    params,
    cnnParams: readCnnParams(cnnParamsFile),
    textParams: readTextParams(textParamsFile),
    backend: backend!,
    resume,
    runs: options.run as FusionRun[] | undefined,
  });
  return {
    inputs: [inputs.songs, cnnParamsFile, textParamsFile],
    outputs: reports.map((r) => `${out}/${r.run}/metrics.json`),
    summary: Object.fromEntries(reports.map((r) => [r.run, { test: r.metrics.test, meanBaseline: r.meanBaseline, bestEpoch: r.fit.bestEpoch }])),
  };
}
