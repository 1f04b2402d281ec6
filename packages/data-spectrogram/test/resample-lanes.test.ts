/**
 * Row groups (ROW_LANES pairs per forward transform, the chirp-z batched across them): every grouping must
 * give the bits of one row at a time, for every strategy and for tiny, odd, prime, smooth and
 * up-sampled widths. scipy agreement itself is checked by resample.test.ts's golden vectors.
 */
import { describe, expect, it } from 'vitest';
import { resample1d, resampleRows, resampleRowsRange, ROW_LANES, zoomPlan, type ZoomStrategy } from '../src/resample/index.ts';
import { floatSignal, relErr } from './fixtures/scipy/load.ts';

/** The DFT by its definition (float64), for the zoom plans. */
function naiveZoom(M: number, re: Float64Array, im: Float64Array, outStart: number, outLen: number): Float64Array {
  const out = new Float64Array(2 * outLen);
  for (let s = 0; s < outLen; s++) {
    let sr = 0;
    let si = 0;
    for (let t = 0; t < re.length; t++) {
      const nk = (((t * (outStart + s)) % M) + M) % M;
      const a = (-2 * Math.PI * nk) / M;
      sr += re[t] * Math.cos(a) - im[t] * Math.sin(a);
      si += re[t] * Math.sin(a) + im[t] * Math.cos(a);
    }
    out[2 * s] = sr;
    out[2 * s + 1] = si;
  }
  return out;
}

describe('row groups', () => {
  it('resampleRows gives the bits of one pair at a time (and resample1d\'s values), for any row count and width', () => {
    const widths = [1, 2, 3, 7, 500, 1023, 1024, 1025, 1009, 4099, 4000, 6000, 3001];
    for (const cols of widths) {
      for (const rows of [1, 2, 2 * ROW_LANES - 1, 2 * ROW_LANES + 1, 4 * ROW_LANES + 3]) {
        const image = floatSignal(rows * cols, rows + cols);
        const grouped = resampleRows(image, rows, cols, 1024);
        const pairByPair = new Float64Array(rows * 1024);
        for (let p = 0; p < Math.ceil(rows / 2); p++) resampleRowsRange(image, rows, cols, 1024, pairByPair, p, p + 1);
        expect(grouped, `${rows}×${cols}`).toEqual(pairByPair);
        for (const r of [0, rows - 1]) {
          const row = resample1d(image.subarray(r * cols, (r + 1) * cols), 1024);
          expect(relErr(grouped.subarray(r * 1024, (r + 1) * 1024), row), `${rows}×${cols}, row ${r}`).toBeLessThan(1e-12);
        }
      }
    }
  });

  it('a batched zoom plan equals the single-input plan bit for bit, and the DFT, for a partial group too', () => {
    const seen = new Set<ZoomStrategy>();
    for (const [M, outStart, outLen] of [
      [3001, -512, 1025], // prime: chirp-z
      [4099, -512, 1025],
      [2311, -100, 201],
      [4000, -512, 1025], // smooth: pruned, one input after another
      [7, -3, 7], // tiny: direct
    ] as const) {
      const lanes = 4;
      const batched = zoomPlan(M, -1, 0, M, outStart, outLen, lanes);
      const single = zoomPlan(M, -1, 0, M, outStart, outLen);
      seen.add(batched.strategy);
      expect(batched.strategy).toBe(single.strategy);
      for (const count of [lanes, lanes - 1, 1]) {
        const re = floatSignal(M * lanes, M + count);
        const im = floatSignal(M * lanes, M + count + 1);
        const out = new Float64Array(2 * outLen * lanes);
        batched.run(re, im, out, count);
        for (let l = 0; l < count; l++) {
          const r = re.slice(l * M, (l + 1) * M);
          const i = im.slice(l * M, (l + 1) * M);
          const one = new Float64Array(2 * outLen);
          single.run(r, i, one);
          const lane = out.subarray(2 * l * outLen, 2 * (l + 1) * outLen);
          expect(lane, `M=${M} lane ${l} of ${count}`).toEqual(one);
          if (l === 0) expect(relErr(lane, naiveZoom(M, r, i, outStart, outLen))).toBeLessThan(1e-12);
        }
      }
    }
    for (const s of ['chirp', 'pruned', 'direct'] as const) expect(seen.has(s), s).toBe(true);
  });
});
