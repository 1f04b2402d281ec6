/**
 * A song's inputs as a model bundle needs them, checked and prepared the way the training stages
 * prepared theirs:
 * - the spectrogram PNG down-sampled to the stored size (256 × 1024) with the data-spectrogram stage's
 *   scipy-exact resampler — skipped when the PNG already has that size — then to the CNN's input size
 *   with the same resampler, as model-cnn does (both steps: `downsampleSpectrogram`);
 * - artist, title and year checked here, then tokenised by the bundle's tokenizer.
 * Pure functions except `readSpectrogram`, which reads the file.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { HitcastError } from '@hitcast/core/errors';
import { downsampleSpectrogram } from '@hitcast/data-spectrogram/downsample';
import { decodeGrayPng, PngDecodeError, type GrayImage } from '@hitcast/data-spectrogram/png';
import type { SpectrogramInputSpec } from './bundle-format.ts';

/** Release years accepted as input. The tokenizer reads years past its own range as its last year. */
export const YEAR_MIN = 1900;
export const YEAR_MAX = 2100;

/** A song as given on the command line or in a CSV row: every field optional, as typed. */
export interface SongRequest {
  spectrogram?: string;
  artist?: string;
  title?: string;
  year?: string | number;
}

/** Artist, title and year, checked; `artists` as the tokenizer takes them (Spotify's list joined by ", "). */
export interface SongText {
  artists: string[];
  title: string;
  year: number;
}

/** A spectrogram at the CNN's input size, and how it got there. */
export interface PreparedSpectrogram {
  /** model.height × model.width gray values, row-major (rows = frequency, as in the PNG). */
  pixels: Uint8Array;
  source: { width: number; height: number };
  /** The down-sampling steps applied, e.g. "35000×256 → 1024×256" (width × height, as `hitcast resample` prints). */
  steps: string[];
}

export function parseYear(value: string | number | undefined): number {
  const text = String(value ?? '').trim();
  if (!text) throw new HitcastError('the release year is missing', { fix: `give the year the song came out, ${YEAR_MIN}–${YEAR_MAX} (e.g. --year 1987)` });
  const year = Number(text);
  if (!/^[+-]?\d+$/.test(text) || !Number.isSafeInteger(year)) {
    throw new HitcastError(`the release year "${text}" is not a whole number`, { fix: `give a four-digit year, ${YEAR_MIN}–${YEAR_MAX} (e.g. 1987)` });
  }
  if (year < YEAR_MIN || year > YEAR_MAX) throw new HitcastError(`the release year ${year} is outside ${YEAR_MIN}–${YEAR_MAX}`, { fix: `give the year the song came out, ${YEAR_MIN}–${YEAR_MAX}` });
  return year;
}

/** Checks artist, title and year. Unknown words are fine (the tokenizer splits them into known pieces). */
export function checkSongText(request: SongRequest): SongText {
  const artist = (request.artist ?? '').trim();
  const title = (request.title ?? '').trim();
  if (!artist) throw new HitcastError('the artist is empty', { fix: 'give the artist as Spotify credits it; several artists separated by ", " (e.g. "Queen, David Bowie")' });
  if (!title) throw new HitcastError('the title is empty', { fix: "give the song's title" });
  // One string, as the tokenizer joins Spotify's artist list: "A, B" reads exactly like ['A', 'B'].
  return { artists: [artist], title, year: parseYear(request.year) };
}

const size = (width: number, height: number) => `${width}×${height}`;

/** Decodes PNG bytes; a corrupt or truncated file is a HitcastError naming `file`. */
export function decodeSpectrogram(bytes: Uint8Array, file: string): GrayImage {
  try {
    return decodeGrayPng(bytes);
  } catch (error) {
    if (error instanceof PngDecodeError) {
      throw new HitcastError(`${file}: ${error.message}`, { fix: 'give a complete PNG spectrogram (8- or 16-bit grayscale, as in the Kaggle set; colour is read as luminance)' });
    }
    throw error;
  }
}

/** Both down-sampling steps, as the data-spectrogram and model-cnn stages apply them. */
export function prepareSpectrogram(image: GrayImage, spec: SpectrogramInputSpec): PreparedSpectrogram {
  const { stored, model } = spec;
  const steps: string[] = [];
  let pixels = image.pixels;
  // An 8-bit PNG of the stored size is taken as already down-sampled by step 1 (as `hitcast resample`
  // writes it); anything else goes through step 1, which also stretches 16-bit values to 8 bits.
  if (image.width !== stored.width || image.height !== stored.height || !(pixels instanceof Uint8Array)) {
    pixels = downsampleSpectrogram(pixels, image.height, image.width, stored);
    steps.push(`${size(image.width, image.height)} → ${size(stored.width, stored.height)}`);
  }
  if (stored.width !== model.width || stored.height !== model.height) {
    pixels = downsampleSpectrogram(pixels, stored.height, stored.width, model);
    steps.push(`${size(stored.width, stored.height)} → ${size(model.width, model.height)}`);
  }
  return { pixels: pixels as Uint8Array, source: { width: image.width, height: image.height }, steps };
}

/** Reads, decodes and prepares one spectrogram file. */
export async function readSpectrogram(file: string, spec: SpectrogramInputSpec, shownAs = file): Promise<PreparedSpectrogram> {
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      const resolved = path.resolve(file) !== path.resolve(shownAs);
      throw new HitcastError(`spectrogram ${shownAs} does not exist${resolved ? ` (looked for ${file})` : ''}`, {
        fix: resolved ? "check the path: paths in a --csv file are relative to the CSV file's folder" : 'check the path',
      });
    }
    if (code === 'EISDIR') throw new HitcastError(`spectrogram ${shownAs} is a folder, not a PNG file`, { fix: 'give the path of one PNG file' });
    throw new HitcastError(`cannot read spectrogram ${shownAs}: ${(error as Error).message}`, { fix: 'check that the file is readable' });
  }
  return prepareSpectrogram(decodeSpectrogram(bytes, shownAs), spec);
}
