import { Command } from 'commander';
import { writeStageManifest } from '@hitcast/core';
import { parseBackendOption, selectBackend } from '@hitcast/core/tf';
import { readCnnParams } from '@hitcast/model-cnn';
import { readTextParams } from '@hitcast/model-text';
import { readFusionParams } from './params.ts';
import { FUSION_RUNS, trainFusionStage, type FusionRun } from './train-fusion.ts';

/** Registers `hitcast train-fusion`. */
export function registerFusionCommands(program: Command): void {
  program
    .command('train-fusion')
    .description('stage model-fusion: concat(CNN 64, Transformer 64) → 64 → 1, trained end to end (combined-naive) or on the frozen pre-trained backbones (fusion-pretrained)')
    .requiredOption('--songs <file>', 'songs.arrow from `hitcast spectrograms`')
    .requiredOption('--cnn <dir>', 'output folder of `hitcast train-cnn`')
    .requiredOption('--text <dir>', 'output folder of `hitcast train-text`')
    .requiredOption('--out <dir>', 'output folder (one sub-folder per run)')
    .option('--params <file>', 'stage parameters (JSON), e.g. packages/model-fusion/params.json')
    .option('--cnn-params <file>', 'the CNN architecture, e.g. packages/model-cnn/params.json')
    .option('--text-params <file>', 'the Transformer architecture, e.g. packages/model-text/params.json')
    .option('--run <name...>', `runs to train (${FUSION_RUNS.join(', ')})`)
    .option('--resume', 'continue each run from its last checkpoint')
    .option('--backend <name>', 'tfjs backend (tensorflow-gpu, tensorflow, wasm, cpu); default: the best that loads', parseBackendOption)
    .action(async (options: { songs: string; cnn: string; text: string; out: string; params?: string; cnnParams?: string; textParams?: string; run?: FusionRun[]; resume?: boolean; backend?: ReturnType<typeof parseBackendOption> }) => {
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
    });
}
