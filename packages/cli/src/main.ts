import { Command, CommanderError } from 'commander';
import { describeError, isHitcastError } from '@hitcast/core/errors';
import { registerSpectrogramCommands } from '@hitcast/data-spectrogram/command';
import { registerSpotifyCommands } from '@hitcast/data-spotify/command';
import { registerEvalCommands } from '@hitcast/eval/command';
import { registerCnnCommands } from '@hitcast/model-cnn/command';
import { registerFusionCommands } from '@hitcast/model-fusion/command';
import { registerTextCommands } from '@hitcast/model-text/command';
import { registerPickleCommand } from '@hitcast/pickle/command';
import { registerPredictCommands } from '@hitcast/predict/command';
import { registerTuneCommands } from '@hitcast/tuning/command';
import { registerFetchCommand } from './fetch-command.ts';

/**
 * Builds the `hitcast` program: each stage package registers its own subcommands. A package's
 * `command` module only declares its commands and options (it imports commander and types, nothing
 * heavy) and loads its implementation with `import()` when its command runs, so `hitcast --help` and
 * every command start without loading tfjs, Arrow or the other stages.
 */
export function buildProgram(): Command {
  const program = new Command('hitcast')
    .description("hitcast: predict a song's Spotify popularity from its spectrogram and its metadata")
    .version('0.1.0')
    .showHelpAfterError()
    .enablePositionalOptions() // lets a subcommand's subcommand (tune apply) have options of the same name
    .exitOverride();
  registerFetchCommand(program);
  registerSpotifyCommands(program);
  registerPickleCommand(program);
  registerSpectrogramCommands(program);
  registerCnnCommands(program);
  registerTextCommands(program);
  registerFusionCommands(program);
  registerTuneCommands(program);
  registerEvalCommands(program);
  registerPredictCommands(program);
  return program;
}

/**
 * Runs the CLI and returns the exit code: 0 on success, 1 on any error (printed without a stack for user
 * errors), or the error's own `exitCode` where a command gives one (e.g. `predict --csv`: 2 = some rows failed).
 */
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
    return isHitcastError(error) && error.exitCode !== undefined ? error.exitCode : 1;
  }
}
