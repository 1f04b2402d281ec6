import { promises as fs } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Command, InvalidArgumentError } from 'commander';
import { HitcastError, writeFileAtomic, writeStageManifest } from '@hitcast/core';
import { readSpectrogramParams } from './params.ts';
import { decodeGrayPng, encodeGrayPng, PngDecodeError } from './png.ts';
import { downsampleSpectrogram } from './resample/index.ts';
import { buildMergedDataset } from './spectrogram-stage.ts';

/** Registers `hitcast resample` and `hitcast spectrograms`. */
export function registerSpectrogramCommands(program: Command): void {
  program
    .command('resample')
    .description('down-sample one spectrogram PNG exactly as scipy.signal.resample does (time axis, then frequency), min-max to 8-bit')
    .argument('<in.png>', '8/16-bit grayscale PNG (colour is converted to luminance)')
    .requiredOption('--out <out.png>', '8-bit grayscale PNG to write')
    .option('--width <n>', 'output columns (time)', positiveInteger, 1024)
    .option('--height <n>', 'output rows (frequency)', positiveInteger, 256)
    .action(async (input: string, options: { out: string; width: number; height: number }) => {
      let image;
      try {
        image = decodeGrayPng(await fs.readFile(input));
      } catch (error) {
        if (error instanceof PngDecodeError) throw new HitcastError(`${input}: ${error.message}`, { fix: 'check that the file is a complete PNG' });
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new HitcastError(`${input} does not exist`);
        throw error;
      }
      const pixels = downsampleSpectrogram(image.pixels, image.height, image.width, { width: options.width, height: options.height });
      await writeFileAtomic(options.out, encodeGrayPng(pixels, options.width, options.height));
      console.log(`${input}: ${image.width}×${image.height} → ${options.out}: ${options.width}×${options.height}`);
    });

  program
    .command('spectrograms')
    .description('stage data-spectrogram: match spectrogram PNGs to Spotify tracks and write DIR/songs.arrow, DIR/text.arrow, DIR/report.csv')
    .option('--src <dir>', 'folder of <year>/<Artist>_-_<Title>.png (default: from --params, else datasets/spectrograms)')
    .requiredOption('--tracks <file>', 'tracks.arrow from `hitcast spotify`')
    .requiredOption('--out <dir>', 'output folder (its songs.arrow is reused as the per-file cache)')
    .option('--params <file>', 'stage parameters (JSON), e.g. packages/data-spectrogram/params.json')
    .option('--workers <n>', 'worker threads', positiveInteger)
    .action(async (options: { src?: string; tracks: string; out: string; params?: string; workers?: number }) => {
      const params = readSpectrogramParams(options.params);
      if (options.src) params.src = options.src;
      if (options.workers) params.workers = options.workers;
      params.workers = Math.min(params.workers, availableParallelism());
      const summary = await buildMergedDataset({ ...params, tracksFile: options.tracks, outDir: options.out });
      await writeStageManifest(options.out, {
        stage: 'data-spectrogram',
        params: { ...params },
        inputs: [options.tracks],
        outputs: [summary.songsFile, summary.textFile, summary.reportFile],
        summary: { ...summary },
      });
      const distinct = summary.files - summary.unparsableNames - summary.duplicates;
      console.log(`${params.src}: ${summary.files} files, ${distinct} distinct songs, ${summary.duplicates} charted twice, ${summary.unparsableNames} with unreadable names`);
      console.log(`  matched ${summary.matched} (${(100 * summary.matchRate).toFixed(1)}%; exact artist + title strings would find ${summary.exactStringMatches})`);
      console.log(`  ${summary.songs} songs written to ${summary.songsFile} (${summary.reused} reused from the last run, ${summary.resampled} resampled, ${summary.decodeFailures} unreadable PNGs skipped)`);
      console.log(`  ${summary.textRows} tracks written to ${summary.textFile} (merged songs removed, in every version)`);
      console.log(`  per-file report: ${summary.reportFile}; ${summary.seconds.toFixed(1)} s`);
    });
}

function positiveInteger(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new InvalidArgumentError('must be a positive whole number');
  return value;
}
