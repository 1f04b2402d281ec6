import { writeStageManifest } from '@hitcast/core';
import { selectBackend, type BackendName } from '@hitcast/core/tf';
import { readCnnParams } from './params.ts';
import type { CnnRun } from './runs.ts';
import { trainCnnStage } from './train-cnn.ts';

export interface TrainCnnCommandOptions {
  songs: string;
  out: string;
  params?: string;
  run?: CnnRun[];
  resume?: boolean;
  backend?: BackendName;
}

/** `hitcast train-cnn`: trains the runs and writes the stage manifest. */
export async function runTrainCnnCommand(options: TrainCnnCommandOptions): Promise<void> {
  const params = readCnnParams(options.params);
  const backend = await selectBackend(options.backend);
  const reports = await trainCnnStage({ songsFile: options.songs, outDir: options.out, params, backend: backend.name, resume: Boolean(options.resume), runs: options.run });
  await writeStageManifest(options.out, {
    stage: 'model-cnn',
    params: { ...params, backend: backend.name },
    inputs: [options.songs],
    outputs: reports.map((r) => `${options.out}/${r.run}/metrics.json`),
    summary: Object.fromEntries(reports.map((r) => [r.run, { test: r.metrics.test, meanBaseline: r.meanBaseline, bestEpoch: r.fit.bestEpoch }])),
  });
}
