import type { Command } from 'commander';
import { parseBackendOption } from '@hitcast/core/tf/backends';
import { CNN_RUNS } from './runs.ts';
import type { TrainCnnCommandOptions } from './train-cnn-command.ts';

/** Registers `hitcast train-cnn`; the training code loads only when the command runs, so other commands start fast. */
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
    .action(async (options: TrainCnnCommandOptions) => {
      const { runTrainCnnCommand } = await import('./train-cnn-command.ts');
      await runTrainCnnCommand(options);
    });
}
