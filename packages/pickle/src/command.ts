import type { Command } from 'commander';
import type { PickleCommandOptions } from './pickle-command.ts';

/** Registers `hitcast pickle`; the reader loads only when the command runs. */
export function registerPickleCommand(program: Command): void {
  program
    .command('pickle')
    .description("convert one of the original project's Python pickles (.pkl) to an Arrow file, without running Python")
    .argument('<file>', 'the .pkl file')
    .requiredOption('--out <file>', 'the Arrow file to write')
    .action(async (file: string, options: PickleCommandOptions) => {
      const { runPickleCommand } = await import('./pickle-command.ts');
      await runPickleCommand(file, options);
    });
}
