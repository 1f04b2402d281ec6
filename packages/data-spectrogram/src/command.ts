import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { runStageCommand } from '@hitcast/core/stage';
import type { ResampleCommandOptions } from './cli/resample-command.ts';

/** Registers `hitcast resample` and `hitcast spectrograms`; their code loads only when one runs, so other commands start fast. */
export function registerSpectrogramCommands(program: Command): void {
  program
    .command('resample')
    .description('down-sample one spectrogram PNG exactly as scipy.signal.resample does (time axis, then frequency), min-max to 8-bit')
    .argument('<in.png>', '8/16-bit grayscale PNG (colour is converted to luminance)')
    .requiredOption('--out <out.png>', '8-bit grayscale PNG to write')
    .option('--width <n>', 'output columns (time)', positiveInteger, 1024)
    .option('--height <n>', 'output rows (frequency)', positiveInteger, 256)
    .action(async (input: string, options: ResampleCommandOptions) => {
      const { runResampleCommand } = await import('./cli/resample-command.ts');
      await runResampleCommand(input, options);
    });

  program
    .command('spectrograms')
    .description('stage data-spectrogram: match spectrogram PNGs to Spotify tracks and write DIR/songs.arrow, DIR/text.arrow, DIR/report.csv')
    .option('--src <dir>', 'folder of <year>/<Artist>_-_<Title>.png (default: from --params, else datasets/spectrograms)')
    .option('--tracks <file>', 'tracks.arrow from `hitcast spotify` (default: artifacts/data-spotify/tracks.arrow)')
    .option('--out <dir>', 'output folder; its songs.arrow is reused as the per-file cache (default: artifacts/data-spectrogram)')
    .option('--params <file>', 'stage parameters (JSON) (default: packages/data-spectrogram/params.json when run from the checkout, else the built-in defaults)')
    .option('--workers <n>', 'worker threads', positiveInteger)
    .action(async (o: { src?: string; tracks?: string; out?: string; params?: string; workers?: number }) => {
      const overrides = { ...(o.src ? { src: o.src } : {}), ...(o.workers ? { workers: o.workers } : {}) };
      await runStageCommand(() => import('./stage.ts'), { params: o.params, out: o.out, inputs: { tracks: o.tracks }, overrides });
    });
}

function positiveInteger(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new InvalidArgumentError('must be a positive whole number');
  return value;
}
