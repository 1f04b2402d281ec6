import { describe, expect, it } from 'vitest';
import {
  downsampleSpectrogram,
  PairResampler,
  resample1d,
  resampleColumns,
  resampleRows,
  toUint8,
  zoomPlan,
  type ZoomStrategy,
} from '../src/resample/index.ts';
import { MixedFFT } from '../src/resample/mixed.ts';
import {
  floatSignal,
  input1d,
  readF64,
  readJson,
  readU8Delta,
  relErr,
  sha256,
  spectrogramImage,
  type Case1d,
  type Case2d,
  type PipelineCase,
} from './fixtures/scipy/load.ts';

const TOL = 1e-12; // observed ~1e-15 relative to the largest output

const cases1d = readJson<{ cases: Case1d[] }>('resample1d.json').cases;
const cases2d = readJson<{ cases: Case2d[] }>('resample2d.json').cases;
const pipeline = readJson<{ cases: PipelineCase[] }>('pipeline.json').cases;

describe('resample1d matches scipy.signal.resample', () => {
  it.each(cases1d.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const x = input1d(c);
    if (c.xSha256) expect(sha256(x)).toBe(c.xSha256);
    const y = resample1d(x, c.num);
    expect(y.length).toBe(c.num);
    expect(relErr(y, c.y)).toBeLessThan(TOL);
  });

  it('covers every Nyquist branch: down to even, up from even, equal, odd', () => {
    const seen = new Set<string>();
    for (const c of cases1d) {
      const m = Math.min(c.N, c.num);
      const kind = m % 2 === 1 ? 'odd' : c.num < c.N ? 'even-down' : c.N < c.num ? 'even-up' : 'even-equal';
      seen.add(`${kind}/${c.N % 2 ? 'N odd' : 'N even'}/${c.num % 2 ? 'num odd' : 'num even'}`);
    }
    for (const k of ['even-down', 'even-up', 'even-equal']) expect([...seen].some((s) => s.startsWith(k))).toBe(true);
    expect(seen.size).toBeGreaterThanOrEqual(8);
  });

  it('accepts any numeric array and leaves it alone', () => {
    const x = [1, 2, 3, 4, 5, 6, 7];
    const y1 = resample1d(x, 3);
    const y2 = resample1d(Float32Array.from(x), 3);
    expect(Array.from(y1)).toEqual(Array.from(y2));
    expect(x).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('rejects bad lengths', () => {
    expect(() => resample1d([], 3)).toThrow(RangeError);
    expect(() => resample1d([1, 2], 0)).toThrow(RangeError);
    expect(() => resample1d([1, 2], 2.5)).toThrow(RangeError);
  });

  it('keeps the first sample for up-sampling of a band-limited signal (scipy property)', () => {
    const x = floatSignal(64, 7);
    const y = resample1d(x, 640); // up by 10: every 10th output is an input sample (periodic sinc)
    const h = resample1d(y, 64); // and back down exactly (no Nyquist bin here: 64 even → split/merge)
    expect(relErr(h, x)).toBeLessThan(1e-13);
  });
});

describe('2-D resampling matches scipy', () => {
  it.each(cases2d.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const g = floatSignal(c.rows * c.cols, c.seed);
    expect(sha256(g)).toBe(c.inputSha256);
    const expected = readF64(c.expected);
    let out: Float64Array;
    if (c.op === 'rows') out = resampleRows(g, c.rows, c.cols, c.newCols);
    else if (c.op === 'cols') out = resampleColumns(g, c.rows, c.cols, c.newRows);
    else out = resampleColumns(resampleRows(g, c.rows, c.cols, c.newCols), c.rows, c.newCols, c.newRows);
    expect(out.length).toBe(c.newRows * c.newCols);
    expect(relErr(out, expected)).toBeLessThan(TOL);
  });

  it('pairs rows/columns: an odd count (lone last row/column) gives the same rows as resample1d', () => {
    const rows = 5;
    const cols = 37;
    const img = floatSignal(rows * cols, 99);
    const out = resampleRows(img, rows, cols, 16);
    for (let r = 0; r < rows; r++) {
      const y = resample1d(img.subarray(r * cols, (r + 1) * cols), 16);
      expect(relErr(out.subarray(r * 16, (r + 1) * 16), y)).toBeLessThan(1e-14);
    }
    const outC = resampleColumns(img, rows, cols, 9);
    for (let c = 0; c < cols; c++) {
      const col = Float64Array.from({ length: rows }, (_, i) => img[i * cols + c]);
      const y = resample1d(col, 9);
      expect(relErr(Float64Array.from({ length: 9 }, (_, i) => outC[i * cols + c]), y)).toBeLessThan(1e-14);
    }
  });

  it('checks shapes', () => {
    expect(() => resampleRows(new Float64Array(10), 3, 3, 2)).toThrow(RangeError);
    expect(() => resampleColumns(new Float64Array(9), 3, 3, 0)).toThrow(RangeError);
  });
});

describe('uint8 spectrogram pipeline matches scipy', () => {
  it.each(pipeline.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const img = spectrogramImage(c.height, c.width, c.seed);
    expect(sha256(img)).toBe(c.inputSha256);
    const expected = readU8Delta(c.expected, 1024);
    const out = downsampleSpectrogram(img, c.height, c.width);
    expect(out.length).toBe(256 * 1024);
    let differ = 0;
    let maxDiff = 0;
    for (let i = 0; i < out.length; i++) {
      const d = Math.abs(out[i] - expected[i]);
      if (d) differ++;
      maxDiff = Math.max(maxDiff, d);
    }
    // The contract is ±1 gray level; in practice no pixel differs except where scipy's own result is
    // round-off (identity lengths: scipy returns the integer-valued input plus ~1e-16 noise, we return it
    // exactly, and the truncating cast sees the sign of scipy's noise where (v - min)·255/(max - min) is whole).
    expect(maxDiff).toBeLessThanOrEqual(1);
    if (c.width !== 1024) expect(differ).toBe(0);
    else expect(differ).toBeLessThan(out.length / 100);
    // Float64 / Float32 / Uint16 inputs of the same values give the same bytes (float64 path for all).
    expect(downsampleSpectrogram(Float32Array.from(img), c.height, c.width)).toEqual(out);
    expect(downsampleSpectrogram(Uint16Array.from(img), c.height, c.width)).toEqual(out);
  });

  it('maps a constant image to zeros (scipy: 0/0 or stretched round-off)', () => {
    for (const w of [3001, 1024, 35]) {
      const img = new Uint8Array(256 * w).fill(7);
      const out = downsampleSpectrogram(img, 256, w);
      expect(out.every((v) => v === 0)).toBe(true);
    }
    // variation entirely above the new Nyquist frequency is removed: constant up to round-off too
    const w = 2048;
    const img = new Uint8Array(256 * w);
    for (let i = 0; i < img.length; i++) img[i] = (i % w) % 2 ? 9 : 3;
    expect(downsampleSpectrogram(img, 256, w).every((v) => v === 0)).toBe(true);
  });

  it('toUint8 is numpy\'s ((v - min) * 255 / (max - min)).astype(uint8)', () => {
    const v = Float64Array.from([-1, 0, 0.5, 1, 2.9999999, 3]);
    // (v+1)*255/4: 0, 63.75, 95.625, 127.5, 254.99999..., 255
    expect(Array.from(toUint8(v))).toEqual([0, 63, 95, 127, 254, 255]);
    expect(Array.from(toUint8(new Float64Array(3).fill(4)))).toEqual([0, 0, 0]);
    expect(toUint8(new Float64Array(0)).length).toBe(0);
  });

  it('other target sizes and tiny images', () => {
    const img = spectrogramImage(9, 31, 5);
    const out = downsampleSpectrogram(img, 9, 31, { width: 8, height: 4 });
    expect(out.length).toBe(32);
    expect(Math.max(...out)).toBeGreaterThanOrEqual(254);
    expect(Math.min(...out)).toBe(0);
    expect(() => downsampleSpectrogram(img, 9, 30)).toThrow(RangeError);
  });
});

describe('transform plans', () => {
  function naiveZoom(M: number, sign: number, re: Float64Array, im: Float64Array, inStart: number, outStart: number, outLen: number): Float64Array {
    const out = new Float64Array(2 * outLen);
    for (let s = 0; s < outLen; s++) {
      let sr = 0;
      let si = 0;
      for (let t = 0; t < re.length; t++) {
        const nk = ((((inStart + t) * (outStart + s)) % M) + M) % M;
        const a = (sign * 2 * Math.PI * nk) / M;
        sr += re[t] * Math.cos(a) - im[t] * Math.sin(a);
        si += re[t] * Math.sin(a) + im[t] * Math.cos(a);
      }
      out[2 * s] = sr;
      out[2 * s + 1] = si;
    }
    return out;
  }

  it('every strategy agrees with a naive DFT', () => {
    const seen = new Set<ZoomStrategy>();
    const shapes: [number, 1 | -1, number, number, number, number][] = [
      [1, -1, 0, 1, 0, 1],
      [7, -1, 0, 7, -3, 7],
      [64, 1, -10, 21, 0, 64],
      [1000, -1, 0, 1000, -40, 81],
      [1000, -1, 0, 1000, 0, 1000],
      [3000, -1, 0, 3000, -512, 1025],
      [3001, -1, 0, 3001, -512, 1025],
      [2999, 1, -300, 601, 0, 2999],
      [4096, -1, 0, 4096, -512, 1025],
      [1331, -1, 0, 1331, -100, 201],
    ];
    for (const [M, sign, inStart, inLen, outStart, outLen] of shapes) {
      const p = zoomPlan(M, sign, inStart, inLen, outStart, outLen);
      seen.add(p.strategy);
      const re = floatSignal(inLen, M);
      const im = floatSignal(inLen, M + 1);
      const out = new Float64Array(2 * outLen);
      p.run(re, im, out);
      expect(relErr(out, naiveZoom(M, sign, re, im, inStart, outStart, outLen)), `${M} ${p.strategy}`).toBeLessThan(1e-12);
    }
    for (const s of ['direct', 'mixed', 'pruned', 'chirp'] as const) expect(seen.has(s), s).toBe(true);
  });

  it('mixed-radix FFT: every radix kernel', () => {
    for (const n of [2, 3, 4, 5, 7, 8, 11, 16, 24, 30, 32, 40, 49, 77, 128, 210, 1000, 1024, 961]) {
      const f = new MixedFFT(n);
      const x = floatSignal(2 * n, n);
      const out = new Float64Array(2 * n);
      f.transform(x, out);
      const re = x.filter((_, i) => i % 2 === 0);
      const im = x.filter((_, i) => i % 2 === 1);
      expect(relErr(out, naiveZoom(n, -1, re, im, 0, 0, n)), `n=${n}`).toBeLessThan(1e-12);
      const out2 = new Float64Array(2 * n);
      f.transformSplit(re, im, out2);
      expect(out2).toEqual(out);
    }
  });

  it('PairResampler resamples two rows at once exactly like one at a time', () => {
    const r = new PairResampler(101, 40);
    const a = floatSignal(101, 1);
    const b = floatSignal(101, 2);
    r.inRe.set(a);
    r.inIm.set(b);
    r.run();
    const ya = resample1d(a, 40);
    const yb = resample1d(b, 40);
    expect(relErr(r.out.filter((_, i) => i % 2 === 0), ya)).toBeLessThan(1e-14);
    expect(relErr(r.out.filter((_, i) => i % 2 === 1), yb)).toBeLessThan(1e-14);
  });
});
