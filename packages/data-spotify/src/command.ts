import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { runStageCommand } from '@hitcast/core/stage';

/**
 * Registers `hitcast spotify`: the help texts of stage data-spotify (outside its Nx hash; its behaviour is
 * declared in stage.ts). Its code loads only when it runs, so other commands start fast.
 */
export function registerSpotifyCommands(program: Command): void {
  program
    .command('spotify')
    .description('stage data-spotify: convert the Kaggle tracks.csv to DIR/tracks.arrow (+ rejects.csv, manifest.json)')
    .option('--csv <file>', 'the Kaggle tracks.csv (default: from --params, else the committed sample)')
    .option('--out <dir>', 'output folder (default: artifacts/data-spotify)')
    .option('--params <file>', 'stage parameters (JSON) (default: packages/data-spotify/params.json when run from the checkout, else the built-in defaults)')
    .option('--batch-rows <n>', 'rows per Arrow record batch', positiveInteger)
    .action(async (o: { csv?: string; out?: string; params?: string; batchRows?: number }) => {
      const overrides = { ...(o.csv ? { csv: o.csv } : {}), ...(o.batchRows ? { batchRows: o.batchRows } : {}) };
      await runStageCommand(() => import('./stage.ts'), { params: o.params, out: o.out, overrides });
    });
}

function positiveInteger(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new InvalidArgumentError('must be a positive whole number');
  return value;
}
