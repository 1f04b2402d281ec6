import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { PickleCommandOptions, SpotifyCommandOptions } from './spotify-commands.ts';

/** Registers `hitcast spotify` and `hitcast pickle`; their code loads only when one runs, so other commands start fast. */
export function registerSpotifyCommands(program: Command): void {
  program
    .command('spotify')
    .description('stage data-spotify: convert the Kaggle tracks.csv to DIR/tracks.arrow (+ rejects.csv, manifest.json)')
    .option('--csv <file>', 'the Kaggle tracks.csv (default: from --params, else the committed sample)')
    .requiredOption('--out <dir>', 'output folder')
    .option('--params <file>', 'stage parameters (JSON), e.g. packages/data-spotify/params.json')
    .option('--batch-rows <n>', 'rows per Arrow record batch', positiveInteger)
    .action(async (options: SpotifyCommandOptions) => {
      const { runSpotifyCommand } = await import('./spotify-commands.ts');
      await runSpotifyCommand(options);
    });

  program
    .command('pickle')
    .description("convert one of the original project's Python pickles (.pkl) to an Arrow file, without running Python")
    .argument('<file>', 'the .pkl file')
    .requiredOption('--out <file>', 'the Arrow file to write')
    .action(async (file: string, options: PickleCommandOptions) => {
      const { runPickleCommand } = await import('./spotify-commands.ts');
      await runPickleCommand(file, options);
    });
}

function positiveInteger(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new InvalidArgumentError('must be a positive whole number');
  return value;
}
