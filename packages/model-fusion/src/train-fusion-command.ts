import { writeStageManifest } from '@hitcast/core';
import { selectBackend, type BackendName } from '@hitcast/core/tf';
import { readCnnParams } from '@hitcast/model-cnn';
import { readTextParams } from '@hitcast/model-text';
import { readFusionParams } from './params.ts';
import type { FusionRun } from './runs.ts';
import { trainFusionStage } from './train-fusion.ts';

export interface TrainFusionCommandOptions {
  songs: string;
  cnn: string;
  text: string;
  out: string;
  params?: string;
  cnnParams?: string;
  textParams?: string;
  run?: FusionRun[];
  resume?: boolean;
  backend?: BackendName;
}

/** `hitcast train-fusion`: trains the runs and writes the stage manifest. */
export async function runTrainFusionCommand(options: TrainFusionCommandOptions): Promise<void> {
  const params = readFusionParams(options.params);
  const backend = await selectBackend(options.backend);
  const reports = await trainFusionStage({
    songsFile: options.songs,
    cnnDir: options.cnn,
    textDir: options.text,
    outDir: options.out,
    params,
    cnnParams: readCnnParams(options.cnnParams),
    textParams: readTextParams(options.textParams),
    backend: backend.name,
    resume: Boolean(options.resume),
    runs: options.run,
  });
  await writeStageManifest(options.out, {
    stage: 'model-fusion',
    params: { ...params, backend: backend.name },
    inputs: [options.songs],
    outputs: reports.map((r) => `${options.out}/${r.run}/metrics.json`),
    summary: Object.fromEntries(reports.map((r) => [r.run, { test: r.metrics.test, meanBaseline: r.meanBaseline, bestEpoch: r.fit.bestEpoch }])),
  });
}
