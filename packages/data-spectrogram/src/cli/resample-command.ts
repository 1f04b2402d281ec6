import { promises as fs } from 'node:fs';
import { HitcastError, writeFileAtomic } from '@hitcast/core';
import { decodeGrayPng, encodeGrayPng, PngDecodeError } from '../png.ts';
import { downsampleSpectrogram } from '../resample/index.ts';

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
