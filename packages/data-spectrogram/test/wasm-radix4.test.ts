/**
 * The WebAssembly radix-4 kernel must give mixed.ts's bits exactly (it replaces it inside the chirp-z for
 * powers of four), and the chirp-z must give the DFT on both of its FFT paths.
 */
import { describe, expect, it } from 'vitest';
import { ChirpZoom, bestChirp, chirpAt, chirpTable } from '../src/resample/chirp.ts';
import { MixedFFT } from '../src/resample/mixed.ts';
import { laneOffsets, WasmRadix4FFT, type BatchLayout } from '../src/resample/wasm-radix4.ts';
import { floatSignal, relErr } from './fixtures/scipy/load.ts';

/** Interleaved (mixed.ts's batched layout) → `layout`, or back with `inverse`. */
function relayout(x: Float64Array, batch: number, layout: BatchLayout, inverse = false): Float64Array {
  const out = new Float64Array(x.length);
  for (let u = 0; u < x.length / (2 * batch); u++) {
    for (let l = 0; l < batch; l++) {
      const { re, im } = laneOffsets(layout, l);
      const [a, b] = [2 * batch * u + 2 * l, 2 * batch * u + re];
      const [c, d] = [2 * batch * u + 2 * l + 1, 2 * batch * u + im];
      if (inverse) [out[a], out[c]] = [x[b], x[d]];
      else [out[b], out[d]] = [x[a], x[c]];
    }
  }
  return out;
}

describe('WasmRadix4FFT', () => {
  it('is available here (Node ≥ 20 has WebAssembly SIMD) and only for powers of four', () => {
    expect(WasmRadix4FFT.supports(4096)).toBe(true);
    expect(WasmRadix4FFT.supports(4)).toBe(true);
    for (const n of [1, 2, 8, 2048, 8192, 3000]) expect(WasmRadix4FFT.supports(n), String(n)).toBe(false);
  });

  it('equals MixedFFT bit for bit, single and batched, in both layouts, and leaves its input alone', () => {
    const cases: [number, number, BatchLayout][] = [[4, 1, 'interleaved'], [16, 3, 'interleaved'], [256, 1, 'interleaved'], [1024, 2, 'interleaved'], [4096, 4, 'interleaved'], [16384, 1, 'interleaved'], [16, 2, 'pairs'], [1024, 2, 'pairs'], [4096, 4, 'pairs'], [64, 6, 'pairs'], [256, 8, 'pairs']];
    for (const [n, batch, layout] of cases) {
      const x = floatSignal(2 * n * batch, n + batch);
      const expected = new Float64Array(2 * n * batch);
      new MixedFFT(n, batch).transform(x, expected);
      const wasm = new WasmRadix4FFT(n, batch, [2 * n * batch, 2 * n * batch], layout);
      expect(wasm.layout).toBe(layout);
      const [input, output] = wasm.buffers;
      input.set(relayout(x, batch, layout));
      wasm.transform(input, output);
      expect(relayout(output, batch, layout, true), `n=${n} batch=${batch} ${layout}`).toEqual(expected);
      expect(relayout(input, batch, layout, true)).toEqual(x);
    }
    // even batches with kernels take the pairs layout by default
    expect([2, 4, 6, 8].map(WasmRadix4FFT.layoutFor)).toEqual(['pairs', 'pairs', 'pairs', 'pairs']);
    expect([1, 3, 10].map(WasmRadix4FFT.layoutFor)).toEqual(['interleaved', 'interleaved', 'interleaved']);
  });

  // 3 and 4: lanes written out (one kernel per batch up to 8); 9: the kernel that loops over lanes
  it.each([3, 4, 9])('macConj accumulates conj(spec · g) with the rounding of the scalar formula (batch %i)', (batch) => {
    const n = 64;
    const wasm = new WasmRadix4FFT(n, batch, [2 * n * batch, 4 * n, 2 * n * batch]);
    const [spec, g, acc] = wasm.buffers;
    spec.set(floatSignal(2 * n * batch, 1));
    g.set(floatSignal(4 * n, 2));
    acc.set(floatSignal(2 * n * batch, 3));
    const expected = Float64Array.from(acc);
    const gStart = 2 * n; // the second of two kernel spectra
    for (let u = 0; u < n; u++) {
      const gr = g[gStart + 2 * u];
      const gi = g[gStart + 2 * u + 1];
      for (let l = 0; l < batch; l++) {
        const { re, im } = laneOffsets(wasm.layout, l); // batch 4: the pairs layout
        const [p, q] = [2 * batch * u + re, 2 * batch * u + im];
        expected[p] += spec[p] * gr - spec[q] * gi;
        expected[q] -= spec[p] * gi + spec[q] * gr;
      }
    }
    wasm.macConj(spec, g, gStart, acc);
    expect(acc).toEqual(expected);
  });
});

describe('ChirpZoom', () => {
  it('builds its chirp table with the bits of chirpAt (incremental residues, any length, both signs)', () => {
    for (const M of [1, 2, 3, 7, 1000, 35000, 38011, 40_000_001]) {
      const last = Math.min(3 * M, 60_000); // past 2M where M allows: the residue wraps
      for (const sign of [1, -1]) {
        const table = new Float64Array(2 * (last + 1));
        chirpTable(M, sign, table, last);
        const expected = new Float64Array(2 * (last + 1));
        for (let m = 0; m <= last; m++) chirpAt(m, M, sign, expected, m);
        expect(table, `M=${M} sign=${sign}`).toEqual(expected);
      }
    }
  });

  it.each([3, 4, 9])('reads its own WebAssembly input arrays with the bits of the JavaScript input product (%i lanes)', (lanes) => {
    const [M, outStart, outLen] = [3001, -512, 1025];
    const B = 4096 - outLen + 1;
    const zoom = new ChirpZoom(M, -1, 0, M, outStart, outLen, { L: 4096, B, blocks: Math.ceil(M / B), cost: 0 }, lanes);
    const { re, im } = zoom.inputs!;
    re.set(floatSignal(M * lanes, 11));
    im.set(floatSignal(M * lanes, 12));
    const viaWasm = new Float64Array(2 * outLen * lanes);
    zoom.run(re, im, viaWasm, lanes);
    const viaJs = new Float64Array(2 * outLen * lanes);
    zoom.run(Float64Array.from(re), Float64Array.from(im), viaJs, lanes);
    expect(viaWasm).toEqual(viaJs);
  });


  it('plans sharing one WebAssembly instance give their own results in any order (and after a larger plan replaced it)', () => {
    const [outStart, outLen, lanes] = [-512, 1025, 4];
    const B = 4096 - outLen + 1;
    const plan = (M: number) => new ChirpZoom(M, -1, 0, M, outStart, outLen, { L: 4096, B, blocks: Math.ceil(M / B), cost: 0 }, lanes);
    const runOn = (zoom: ChirpZoom, M: number, seed: number) => {
      const { re, im } = zoom.inputs!;
      re.set(floatSignal(M * lanes, seed));
      im.set(floatSignal(M * lanes, seed + 1));
      const out = new Float64Array(2 * outLen * lanes);
      zoom.run(re, im, out, lanes);
      return out;
    };
    const a = plan(3001);
    const first = runOn(a, 3001, 21);
    const b = plan(2711); // same instance, other kernel spectra and chirp
    const fromB = runOn(b, 2711, 23);
    expect(runOn(a, 3001, 21)).toEqual(first); // a copied its data back in
    const big = plan(40_009); // more than the shared instance holds: a new one for later plans
    runOn(big, 40_009, 25);
    expect(runOn(a, 3001, 21)).toEqual(first);
    expect(runOn(b, 2711, 23)).toEqual(fromB);
    // and each equals the JavaScript input path of the same plan
    const viaJs = new Float64Array(2 * outLen * lanes);
    a.run(floatSignal(3001 * lanes, 21), floatSignal(3001 * lanes, 22), viaJs, lanes);
    expect(viaJs).toEqual(first);
  });

  function naive(M: number, re: Float64Array, im: Float64Array, outStart: number, outLen: number): Float64Array {
    const out = new Float64Array(2 * outLen);
    for (let s = 0; s < outLen; s++) {
      for (let t = 0; t < re.length; t++) {
        const a = (-2 * Math.PI * ((((t * (outStart + s)) % M) + M) % M)) / M;
        out[2 * s] += re[t] * Math.cos(a) - im[t] * Math.sin(a);
        out[2 * s + 1] += re[t] * Math.sin(a) + im[t] * Math.cos(a);
      }
    }
    return out;
  }

  it('gives the DFT with any block size: powers of four (WebAssembly) and other powers of two (mixed.ts)', () => {
    const [M, outStart, outLen] = [5003, -200, 401];
    const re = floatSignal(2 * M, 7);
    const im = floatSignal(2 * M, 8);
    const expected = naive(M, re.subarray(0, M), im.subarray(0, M), outStart, outLen);
    for (const L of [1024, 2048, 4096, 8192]) {
      const B = L - outLen + 1;
      const zoom = new ChirpZoom(M, -1, 0, M, outStart, outLen, { L, B, blocks: Math.ceil(M / B), cost: 0 }, 2);
      const out = new Float64Array(4 * outLen);
      zoom.run(re, im, out, 2);
      expect(relErr(out.subarray(0, 2 * outLen), expected), `L=${L}`).toBeLessThan(1e-12);
    }
    // the model's own choice is one of these shapes
    expect([1024, 2048, 4096, 8192]).toContain(bestChirp(M, outLen, (L) => L * Math.log2(L), 1).L);
  });
});
