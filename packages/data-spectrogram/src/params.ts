import { readParams } from '@hitcast/core';
import { DEFAULT_FILE_PATTERN } from './song-file-name.ts';

export interface SpectrogramParams {
  /** Folder of year folders of spectrogram PNGs. */
  src: string;
  /** How file paths give year, artist and title. */
  filePattern: string;
  /** Output size: columns (time) … */
  width: number;
  /** … and rows (frequency). */
  height: number;
  /** Spotify release year allowed from chart year − yearsBefore … */
  yearsBefore: number;
  /** … to chart year + yearsAfter. */
  yearsAfter: number;
  /** Worker threads for decoding and resampling. */
  workers: number;
}

export const SPECTROGRAM_DEFAULTS: SpectrogramParams = {
  src: 'datasets/spectrograms',
  filePattern: DEFAULT_FILE_PATTERN,
  width: 1024,
  height: 256,
  yearsBefore: 2,
  yearsAfter: 1,
  workers: 2,
};

export function readSpectrogramParams(file: string | undefined): SpectrogramParams {
  return file ? readParams(file, SPECTROGRAM_DEFAULTS) : { ...SPECTROGRAM_DEFAULTS };
}
