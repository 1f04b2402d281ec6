import type { Command } from 'commander';
import { runStageCommand } from '@hitcast/core/stage';
import { parseBackendOption, parseWorkersOption, WORKERS_OPTION_HELP, type BackendName } from '@hitcast/core/tf/backends';

/**
 * Registers `hitcast train-text`: the help texts of stage model-text (outside its Nx hash; its behaviour is
 * declared in stage.ts). The training code loads only when the command runs.
 */
export function registerTextCommands(program: Command): void {
  program
    .command('train-text')
    .description('stage model-text: train the WordPiece tokenizer on text.arrow, then the Transformer pre-trained on the text set (text-pretrained) and from scratch on the merged set (text-only)')
    .option('--songs <file>', 'songs.arrow from `hitcast spectrograms` (default: artifacts/data-spectrogram/songs.arrow)')
    .option('--text <file>', 'text.arrow from `hitcast spectrograms` (default: artifacts/data-spectrogram/text.arrow)')
    .option('--out <dir>', 'output folder: tokenizer.json and one sub-folder per run (default: artifacts/model-text)')
    .option('--params <file>', 'stage parameters (JSON) (default: packages/model-text/params.json when run from the checkout, else the built-in defaults)')
    .option('--resume', 'continue each run from its last checkpoint and reuse tokenizer.json')
    .option('--backend <name>', 'tfjs backend (tensorflow-gpu, webgpu, tensorflow, wasm, cpu; webgpu also runs on a software adapter when named); default: $HITCAST_BACKEND, else the best that loads', parseBackendOption)
    .option('--workers <n>', WORKERS_OPTION_HELP, parseWorkersOption)
    .action(async (o: { songs?: string; text?: string; out?: string; params?: string; resume?: boolean; backend?: BackendName; workers?: number }) => {
      await runStageCommand(() => import('./stage.ts'), { params: o.params, out: o.out, inputs: { songs: o.songs, text: o.text }, backend: o.backend, resume: o.resume, overrides: o.workers ? { workers: o.workers } : {} });
    });
}
