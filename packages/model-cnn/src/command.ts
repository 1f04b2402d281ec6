import { Command } from 'commander';
import { writeStageManifest } from '@hitcast/core';
import { parseBackendOption, selectBackend } from '@hitcast/core/tf';
import { readCnnParams } from './params.ts';
import { CNN_RUNS, trainCnnStage, type CnnRun } from './train-cnn.ts';

/** Registers `hitcast train-cnn`. */
export function registerCnnCommands(program: Command): void {
  program
    .command('train-cnn')
    .description('stage model-cnn: train the spectrogram CNN on songs.arrow, without augmentation (cnn-only) and with it (cnn-pretrained)')
    .requiredOption('--songs <file>', 'songs.arrow from `hitcast spectrograms`')
    .requiredOption('--out <dir>', 'output folder (one sub-folder per run: model/, metrics.json, predictions.arrow, checkpoint/)')
    .option('--params <file>', 'stage parameters (JSON), e.g. packages/model-cnn/params.json')
    .option('--run <name...>', `runs to train (${Object.keys(CNN_RUNS).join(', ')})`)
    .option('--resume', 'continue each run from its last checkpoint')
    .option('--backend <name>', 'tfjs backend (tensorflow-gpu, tensorflow, wasm, cpu); default: the best that loads', parseBackendOption)
    .action(async (options: { songs: string; out: string; params?: string; run?: CnnRun[]; resume?: boolean; backend?: ReturnType<typeof parseBackendOption> }) => {
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
    });
}
