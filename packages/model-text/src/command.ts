import type { Command } from 'commander';
import { parseBackendOption } from '@hitcast/core/tf/backends';
import type { TrainTextCommandOptions } from './train-text-command.ts';

/** Registers `hitcast train-text`; the training code loads only when the command runs, so other commands start fast. */
export function registerTextCommands(program: Command): void {
  program
    .command('train-text')
    .description('stage model-text: train the WordPiece tokenizer and the text Transformer (pre-trained on the text set; naive run on the merged set) and write DIR/tokenizer.json, DIR/<run>/{model,metrics.json,predictions.arrow}')
    .requiredOption('--songs <file>', 'songs.arrow (merged set) from `hitcast spectrograms`')
    .requiredOption('--text <file>', 'text.arrow (tracks outside the merged set) from `hitcast spectrograms`')
    .requiredOption('--out <dir>', 'output folder')
    .option('--params <file>', 'stage parameters (JSON), e.g. packages/model-text/params.json')
    .option('--resume', 'continue each run from its last checkpoint and reuse tokenizer.json')
    .option('--backend <name>', 'tfjs backend: tensorflow-gpu, tensorflow, wasm or cpu (default: the best that works here)', parseBackendOption)
    .action(async (options: TrainTextCommandOptions) => {
      const { runTrainTextCommand } = await import('./train-text-command.ts');
      await runTrainTextCommand(options);
    });
}
