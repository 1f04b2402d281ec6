import type { Command } from 'commander';
import { parseBackendOption } from '@hitcast/core/tf/backends';
import { FUSION_RUNS } from './runs.ts';
import type { TrainFusionCommandOptions } from './train-fusion-command.ts';

/** Registers `hitcast train-fusion`; the training code loads only when the command runs, so other commands start fast. */
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
    .action(async (options: TrainFusionCommandOptions) => {
      const { runTrainFusionCommand } = await import('./train-fusion-command.ts');
      await runTrainFusionCommand(options);
    });
}
