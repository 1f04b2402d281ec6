import { readParams } from '@hitcast/core';

export interface SpotifyParams {
  /** The Kaggle tracks.csv (the committed sample by default). */
  csv: string;
  /** Rows per Arrow record batch in tracks.arrow. */
  batchRows: number;
}

export const SPOTIFY_DEFAULTS: SpotifyParams = { csv: 'datasets/spotify/tracks.csv', batchRows: 32_768 };

export function readSpotifyParams(file: string | undefined): SpotifyParams {
  return file ? readParams(file, SPOTIFY_DEFAULTS) : { ...SPOTIFY_DEFAULTS };
}
