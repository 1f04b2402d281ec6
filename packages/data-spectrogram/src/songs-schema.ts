import { Field, FixedSizeList, Float32, Int16, makeData, makeVector, Uint8, Utf8 } from 'apache-arrow';
import { sourceHash, utf8ListType, type ArtifactSpec } from '@hitcast/core';
import { TRACKS_SPEC } from '@hitcast/data-spotify';

export function pixelsType(width: number, height: number): FixedSizeList<Uint8> {
  return new FixedSizeList(width * height, new Field('item', new Uint8(), false));
}

/** A FixedSizeList<Uint8> column from one pixel array per row. */
export function pixelsColumn(rows: Uint8Array[], width: number, height: number) {
  const size = width * height;
  const flat = new Uint8Array(rows.length * size);
  rows.forEach((pixels, i) => flat.set(pixels, i * size));
  return makeData({ type: pixelsType(width, height), length: rows.length, nullCount: 0, child: makeVector(flat).data[0] });
}

/**
 * songs.arrow: one row per Billboard spectrogram matched to a Spotify track. `spectrogram` is row-major,
 * `height` rows (frequency, in the PNG's row order: top row first, high frequencies first) × `width` columns (time); the shape is in the
 * schema metadata (`hitcast.spectrogram_shape`). `source_sha256` + the resample parameters in the
 * metadata let the next run reuse a row instead of resampling the file again.
 */
export function songsSpec(width: number, height: number): ArtifactSpec {
  return {
    name: 'songs',
    version: 1,
    fields: [
      new Field('id', new Utf8(), false),
      new Field('title', new Utf8(), false),
      new Field('artist', new Utf8(), false),
      new Field('artists', utf8ListType(), false),
      new Field('year', new Int16(), false),
      new Field('chart_year', new Int16(), false),
      new Field('popularity', new Float32(), false),
      new Field('source_file', new Utf8(), false),
      new Field('source_sha256', new Utf8(), false),
      new Field('spectrogram', pixelsType(width, height), false),
    ],
  };
}

/** text.arrow: the Spotify tracks minus every song of the merged set (same columns as tracks.arrow). */
export const TEXT_SPEC: ArtifactSpec = { ...TRACKS_SPEC, name: 'text' };

/**
 * What made a stored spectrogram row: the output size and a hash of the code that decodes and down-samples
 * a PNG (spectrogram-worker.ts and everything it imports: png.ts, the resampler, fast-png and fft.js
 * versions). songs.arrow carries it in its metadata, and the next run reuses earlier rows only when it
 * matches, so changing that code re-resamples every file, with no number to remember to bump.
 */
export function resampleSignature(width: number, height: number): string {
  pixelCodeHash ??= sourceHash(new URL('./spectrogram-worker.ts', import.meta.url)).hash.slice(0, 16);
  return `scipy-fft ${width}x${height} code ${pixelCodeHash}`;
}

let pixelCodeHash: string | undefined;
