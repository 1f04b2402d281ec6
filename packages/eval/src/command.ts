import type { Command } from 'commander';
import { runStageCommand } from '@hitcast/core/stage';

/**
 * Registers `hitcast eval`: the help texts of stage eval (outside its Nx hash; its behaviour is declared in
 * stage.ts). The stage's modules load only when it runs, so other commands start fast.
 */
export function registerEvalCommands(program: Command): void {
  program
    .command('eval')
    .description('stage eval: every configuration, backbone and baseline on the shared test split, with bootstrap intervals → metrics.arrow, metrics.json, report.md, report.html')
    .option('--songs <file>', 'songs.arrow from `hitcast spectrograms`, the merged set (default: artifacts/data-spectrogram/songs.arrow)')
    .option('--text <file>', 'text.arrow from `hitcast spectrograms`, for the artist-history baseline (default: artifacts/data-spectrogram/text.arrow)')
    .option('--runs <dir>', "folder holding the model stages' outputs: model-text/, model-cnn/, model-fusion/ (default: artifacts)")
    .option('--out <dir>', 'output folder (default: artifacts/eval)')
    .option('--params <file>', 'stage parameters (JSON) (default: packages/eval/params.json when run from the checkout, else the built-in defaults)')
    .option('--tuning <dir>', 'tuning studies (<dir>/<model>/summary.json), shown in the report when present (default: artifacts/tuning)')
    .action(async (o: { songs?: string; text?: string; runs?: string; out?: string; params?: string; tuning?: string }) => {
      await runStageCommand(() => import('./stage.ts'), { params: o.params, out: o.out, inputs: { songs: o.songs, text: o.text, runs: o.runs, tuning: o.tuning } });
    });
}
