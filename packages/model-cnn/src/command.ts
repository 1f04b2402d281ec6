import type { Command } from 'commander';
import { runStageCommand } from '@hitcast/core/stage';
import { parseBackendOption, parseWorkersOption, WORKERS_OPTION_HELP, type BackendName } from '@hitcast/core/tf/backends';
import { CNN_RUNS, type CnnRun } from './runs.ts';

/**
 * Registers `hitcast train-cnn`: the help texts of stage model-cnn (outside its Nx hash; its behaviour is
 * declared in stage.ts). The training code loads only when the command runs.
 */
export function registerCnnCommands(program: Command): void {
  program
    .command('train-cnn')
    .description('stage model-cnn: train the spectrogram CNN on songs.arrow, without augmentation (cnn-only) and with it (cnn-pretrained)')
    .option('--songs <file>', 'songs.arrow from `hitcast spectrograms` (default: artifacts/data-spectrogram/songs.arrow)')
    .option('--out <dir>', 'output folder, one sub-folder per run: model/, metrics.json, predictions.arrow, checkpoint/ (default: artifacts/model-cnn)')
    .option('--params <file>', 'stage parameters (JSON) (default: packages/model-cnn/params.json when run from the checkout, else the built-in defaults)')
    .option('--run <name...>', `runs to train (${Object.keys(CNN_RUNS).join(', ')})`)
    .option('--resume', 'continue each run from its last checkpoint')
    .option('--backend <name>', 'tfjs backend (tensorflow-gpu, webgpu, tensorflow, wasm, cpu; webgpu also runs on a software adapter when named); default: $HITCAST_BACKEND, else the best that loads', parseBackendOption)
    .option('--workers <n>', WORKERS_OPTION_HELP, parseWorkersOption)
    .action(async (o: { songs?: string; out?: string; params?: string; run?: CnnRun[]; resume?: boolean; backend?: BackendName; workers?: number }) => {
      await runStageCommand(() => import('./stage.ts'), { params: o.params, out: o.out, inputs: { songs: o.songs }, backend: o.backend, resume: o.resume, options: { run: o.run }, overrides: o.workers ? { workers: o.workers } : {} });
    });
}
