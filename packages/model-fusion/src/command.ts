import type { Command } from 'commander';
import { runStageCommand } from '@hitcast/core/stage';
import { parseBackendOption, parseWorkersOption, WORKERS_OPTION_HELP, type BackendName } from '@hitcast/core/tf/backends';
import { FUSION_RUNS, type FusionRun } from './runs.ts';

/**
 * Registers `hitcast train-fusion`: the help texts of stage model-fusion (outside its Nx hash; its behaviour
 * is declared in stage.ts). The training code loads only when the command runs.
 */
export function registerFusionCommands(program: Command): void {
  program
    .command('train-fusion')
    .description('stage model-fusion: concat(CNN 64, Transformer 64) → 64 → 1, trained end to end (combined-naive) or on the frozen pre-trained backbones (fusion-pretrained)')
    .option('--songs <file>', 'songs.arrow from `hitcast spectrograms` (default: artifacts/data-spectrogram/songs.arrow)')
    .option('--cnn <dir>', 'output folder of `hitcast train-cnn`; its params.json gives the CNN architecture (default: artifacts/model-cnn)')
    .option('--text <dir>', 'output folder of `hitcast train-text`; its params.json gives the Transformer architecture (default: artifacts/model-text)')
    .option('--out <dir>', 'output folder, one sub-folder per run (default: artifacts/model-fusion)')
    .option('--params <file>', 'stage parameters (JSON) (default: packages/model-fusion/params.json when run from the checkout, else the built-in defaults)')
    .option('--run <name...>', `runs to train (${FUSION_RUNS.join(', ')})`)
    .option('--resume', 'continue each run from its last checkpoint')
    .option('--backend <name>', 'tfjs backend (tensorflow-gpu, webgpu, tensorflow, wasm, cpu; webgpu also runs on a software adapter when named); default: $HITCAST_BACKEND, else the best that loads', parseBackendOption)
    .option('--workers <n>', WORKERS_OPTION_HELP, parseWorkersOption)
    .action(async (o: { songs?: string; cnn?: string; text?: string; out?: string; params?: string; run?: FusionRun[]; resume?: boolean; backend?: BackendName; workers?: number }) => {
      await runStageCommand(() => import('./stage.ts'), {
        params: o.params,
        out: o.out,
        inputs: { songs: o.songs, cnn: o.cnn, text: o.text },
        backend: o.backend,
        resume: o.resume,
        options: { run: o.run },
        overrides: o.workers ? { workers: o.workers } : {},
      });
    });
}
