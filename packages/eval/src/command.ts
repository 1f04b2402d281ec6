import type { Command } from 'commander';

/** Registers `hitcast eval`; the stage's modules load only when it runs, so other commands start fast. */
export function registerEvalCommands(program: Command): void {
  program
    .command('eval')
    .description('stage eval: every configuration, backbone and baseline on the shared test split, with bootstrap intervals → metrics.arrow, metrics.json, report.md, report.html')
    .requiredOption('--songs <file>', 'songs.arrow from `hitcast spectrograms` (the merged set)')
    .requiredOption('--text <file>', 'text.arrow from `hitcast spectrograms` (for the artist-history baseline)')
    .option('--runs <dir>', 'folder holding the model stages\' outputs (model-text/, model-cnn/, model-fusion/)', 'artifacts')
    .requiredOption('--out <dir>', 'output folder, e.g. artifacts/eval')
    .option('--params <file>', 'stage parameters (JSON), e.g. packages/eval/params.json')
    .option('--tuning <dir>', 'tuning studies (<dir>/<model>/summary.json), shown in the report when present')
    .action(async (options: { songs: string; text: string; runs: string; out: string; params?: string; tuning?: string }) => {
      const { runEvalCommand } = await import('./eval-command.ts');
      await runEvalCommand(options);
    });
}
