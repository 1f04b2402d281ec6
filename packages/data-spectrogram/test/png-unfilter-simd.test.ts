import { describe, expect, it } from 'vitest';
import { SeededRng } from '@hitcast/core';
import { unfilter } from '../src/png-gray8.ts';
import { unfilterSimd } from '../src/png-unfilter-simd.ts';

/** PNG's forward filters (1 byte per pixel), written from the specification's definitions. */
function filterImage(pixels: Uint8Array, width: number, height: number, filterOf: (y: number) => number): Uint8Array {
  const raw = new Uint8Array((width + 1) * height);
  const at = (x: number, y: number) => (x >= 0 && y >= 0 ? pixels[y * width + x] : 0);
  for (let y = 0; y < height; y++) {
    const filter = filterOf(y);
    raw[y * (width + 1)] = filter;
    for (let x = 0; x < width; x++) {
      const [a, b, c] = [at(x - 1, y), at(x, y - 1), at(x - 1, y - 1)];
      const p = a + b - c;
      const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
      const paeth = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      const predictor = [0, a, b, (a + b) >> 1, paeth][filter];
      raw[y * (width + 1) + 1 + x] = (at(x, y) - predictor) & 0xff;
    }
  }
  return raw;
}

function randomPixels(rng: SeededRng, n: number, smooth: boolean): Uint8Array {
  const pixels = new Uint8Array(n);
  let v = 128;
  for (let i = 0; i < n; i++) {
    // Smooth images make Paeth pick all three predictors and ties; noise makes the differences large.
    v = smooth ? Math.max(0, Math.min(255, v + Math.round((rng.next() - 0.5) * 12))) : Math.floor(rng.next() * 256);
    pixels[i] = v;
  }
  return pixels;
}

describe('unfilterSimd (eight rows at a time on WebAssembly SIMD)', () => {
  it('is available in this Node (else decoding silently takes the slower JavaScript path)', () => {
    expect(unfilterSimd(new Uint8Array([1, 7]), new Uint8Array(1), 1, 1)).toBe(true);
  });

  // Widths around the 8-column blocks and the padding, heights around the 8-row groups.
  const shapes: [number, number][] = [[1, 1], [2, 3], [7, 8], [8, 9], [9, 7], [15, 16], [16, 17], [63, 5], [64, 24], [65, 25], [200, 41], [1031, 19]];
  for (const [width, height] of shapes) {
    it(`undoes every filter exactly, rows mixed within a group (${width}×${height})`, () => {
      const rng = new SeededRng(width * 1000 + height);
      for (const smooth of [true, false]) {
        const pixels = randomPixels(rng, width * height, smooth);
        const filters = Array.from({ length: height }, () => Math.floor(rng.next() * 5));
        const raw = filterImage(pixels, width, height, (y) => filters[y]);
        const simd = new Uint8Array(width * height);
        expect(unfilterSimd(raw, simd, width, height)).toBe(true);
        expect(simd).toEqual(pixels);
        const js = new Uint8Array(width * height);
        unfilter(raw, js, width, height);
        expect(js).toEqual(pixels);
      }
    });
  }

  it('gives each filter alone the right bytes (whole groups of one filter, incl. the first row)', () => {
    const rng = new SeededRng(5);
    const [width, height] = [77, 16];
    for (let filter = 0; filter <= 4; filter++) {
      const pixels = randomPixels(rng, width * height, true);
      const out = new Uint8Array(width * height);
      unfilterSimd(filterImage(pixels, width, height, () => filter), out, width, height);
      expect(out).toEqual(pixels);
    }
  });

  it('leaves nothing of a larger earlier image in a smaller later one (memory reused across calls)', () => {
    const rng = new SeededRng(9);
    const big = randomPixels(rng, 3000 * 20, false);
    unfilterSimd(filterImage(big, 3000, 20, () => 4), new Uint8Array(big.length), 3000, 20);
    const small = randomPixels(rng, 37 * 11, true);
    const out = new Uint8Array(small.length);
    unfilterSimd(filterImage(small, 37, 11, (y) => (y % 2 ? 4 : 3)), out, 37, 11);
    expect(out).toEqual(small);
  });

  it('names the row of an unknown filter type', () => {
    const raw = filterImage(new Uint8Array(4 * 10), 4, 10, () => 1);
    raw[6 * 5] = 9;
    expect(() => unfilterSimd(raw, new Uint8Array(40), 4, 10)).toThrow('unknown row filter 9 in row 6');
  });
});
