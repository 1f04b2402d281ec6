import { Command, CommanderError } from 'commander';
import { describeError } from '@hitcast/core';
import { registerSpectrogramCommands } from '@hitcast/data-spectrogram/command';
import { registerCnnCommands } from '@hitcast/model-cnn/command';
import { registerFusionCommands } from '@hitcast/model-fusion/command';
import { registerTextCommands } from '@hitcast/model-text/command';
import { registerSpotifyCommands } from '@hitcast/data-spotify/command';
import { registerFetchCommand } from './fetch-command.ts';

/** Builds the `hitcast` program: each stage package registers its own subcommands. */
export function buildProgram(): Command {
  const program = new Command('hitcast')
    .description("hitcast: predict a song's Spotify popularity from its spectrogram and its metadata")
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride();
  registerFetchCommand(program);
  registerSpotifyCommands(program);
  registerSpectrogramCommands(program);
  registerCnnCommands(program);
  registerTextCommands(program);
  registerFusionCommands(program);
  return program;
}

/** Runs the CLI and returns the exit code: 0 on success, 1 on any error (printed without a stack for user errors). */
export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander already printed help, the version, or what was wrong with the arguments.
      return error.exitCode;
    }
    console.error(describeError(error));
    return 1;
  }
}
