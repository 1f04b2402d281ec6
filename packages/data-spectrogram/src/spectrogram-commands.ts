import { promises as fs } from 'node:fs';
import { availableParallelism } from 'node:os';
import { HitcastError, writeFileAtomic, writeStageManifest } from '@hitcast/core';
import { readSpectrogramParams } from './params.ts';
import { decodeGrayPng, encodeGrayPng, PngDecodeError } from './png.ts';
import { downsampleSpectrogram } from './resample/index.ts';
import { buildMergedDataset } from './spectrogram-stage.ts';

export interface ResampleCommandOptions {
  out: string;
  width: number;
  height: number;
}

/** `hitcast resample`: one PNG down-sampled to another. */
export async function runResampleCommand(input: string, options: ResampleCommandOptions): Promise<void> {
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
}

export interface SpectrogramsCommandOptions {
  src?: string;
  tracks: string;
  out: string;
  params?: string;
  workers?: number;
}

/** `hitcast spectrograms`: stage data-spectrogram, its manifest and a summary. */
export async function runSpectrogramsCommand(options: SpectrogramsCommandOptions): Promise<void> {
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
}
