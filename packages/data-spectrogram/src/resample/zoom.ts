/**
 * "Zoom" DFTs: a complex DFT of any length M, restricted to a contiguous range of input indices and a
 * contiguous range of output indices (both taken modulo M, so ranges like [-h, h] are fine):
 *
 *     out[s] = Σ_{t < inLen} a[inStart + t] · exp(sign · 2πi · (inStart + t) · (outStart + s) / M)
 *
 * unnormalised, for s < outLen. This is all that Fourier resampling needs: the forward transform of a
 * row only feeds the lowest min(N, num)/2 + 1 bins into the output, and the inverse transform only has
 * that many non-zero bins. Five strategies; the cheapest by a simple operation-count model wins (never
 * by timing, so the choice — and with it every bit of the result — is deterministic):
 *
 * - `direct`: O(inLen · outLen) sums over an exact twiddle table (tiny sizes).
 * - `pow2`:   M is a power of two: one fft.js transform of size M.
 * - `mixed`:  M has only prime factors ≤ 31: one mixed-radix transform of size M (mixed.ts).
 * - `pruned`: M smooth, full input, few outputs: leaf FFTs merged with output pruning (pruned.ts);
 *             35000 → bins [-512, 512] costs about 0.6 of a full FFT of 35000.
 * - `chirp`:  any M: Bluestein's chirp-z in blocks on power-of-two FFTs (chirp.ts), several inputs
 *             ("lanes") at once.
 *
 * A plan made for `lanes` inputs runs up to that many at once (`run(re, im, out, count)`, lane ℓ's data
 * at ℓ·inLen and ℓ·outLen): the chirp strategy batches them, the others run them one after another.
 */
import FFT from 'fft.js';
import { bestChirp, ChirpZoom } from './chirp.ts';
import { MixedFFT, mixedCost, smoothRadices } from './mixed.ts';
import { mod, mulmod } from './modular.ts';
import { PrunedDFT, bestPruned, MIXED_FLOP_COST } from './pruned.ts';
import { WasmRadix4FFT } from './wasm-radix4.ts';

export type ZoomStrategy = 'direct' | 'pow2' | 'mixed' | 'pruned' | 'chirp';

/** A small LRU map: plans are cached per length, and a dataset of spectrograms has many lengths. */
export class Lru<K, V> {
  private readonly map = new Map<K, V>();
  constructor(private readonly limit: number) {}
  get(key: K, make: () => V): V {
    let v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
      return v;
    }
    v = make();
    this.map.set(key, v);
    if (this.map.size > this.limit) this.map.delete(this.map.keys().next().value as K);
    return v;
  }
  clear(): void {
    this.map.clear();
  }
  get size(): number {
    return this.map.size;
  }
}

const fftCache = new Lru<number, FFT>(16);
/** A shared fft.js instance per power-of-two size (its tables are read-only once built). */
export function fftOf(size: number): FFT {
  return fftCache.get(size, () => new FFT(size));
}

export function isPow2(n: number): boolean {
  return n > 0 && (n & (n - 1)) === 0;
}

// Cost model, in rough nanoseconds on V8 (only relative values matter).
const FFT_COST = 1.2; // per L·log2(L) of an fft.js complex transform
const MAC_COST = 1.5; // per complex multiply(-accumulate) over typed arrays
const costFft = (L: number): number => FFT_COST * L * Math.log2(Math.max(L, 2));
/** The chirp-z's power-of-two FFTs: powers of four run on the WebAssembly kernel at ~0.45 of the JavaScript time (measured). */
const WASM_FFT_SPEEDUP = 0.45;
const costChirpFft = (L: number): number => costFft(L) * (WasmRadix4FFT.supports(L) ? WASM_FFT_SPEEDUP : 1);

/** One precomputed zoom DFT. `run` allocates nothing; a plan is not re-entrant (one per thread). */
export class ZoomPlan {
  readonly strategy: ZoomStrategy;
  // direct
  private tw: Float64Array | null = null;
  // pow2 / mixed / pruned
  private mixed: MixedFFT | null = null;
  private pruned: PrunedDFT | null = null;
  private buf: Float64Array | null = null;
  private spec: Float64Array | null = null;
  private fft: FFT | null = null;
  private chirp: ChirpZoom | null = null;

  constructor(
    readonly M: number,
    readonly sign: 1 | -1,
    readonly inStart: number,
    readonly inLen: number,
    readonly outStart: number,
    readonly outLen: number,
    readonly lanes = 1,
  ) {
    if (!(M >= 1) || !Number.isInteger(M)) throw new RangeError(`zoom DFT length must be a positive integer, got ${M}`);
    if (inLen < 1 || inLen > M || outLen < 1 || outLen > M) throw new RangeError('zoom DFT ranges out of bounds');
    const directCost = inLen * outLen * MAC_COST;
    const pow2Cost = isPow2(M) && M >= 2 ? costFft(M) + (M + outLen) * 0.5 : Infinity;
    const radices = M >= 2 ? smoothRadices(M) : null;
    const mixedCostNs = radices ? mixedCost(radices, M) * MIXED_FLOP_COST + (M + outLen) * 0.5 : Infinity;
    const prunedShape = sign < 0 && M >= 2 && inStart === 0 && inLen === M && outLen < M ? bestPruned(M, outLen) : null;
    const prunedCost = prunedShape ? prunedShape.cost : Infinity;
    const chirp = M >= 2 ? bestChirp(inLen, outLen, costChirpFft, MAC_COST) : null;
    const chirpCost = chirp ? chirp.cost : Infinity;
    const options: [ZoomStrategy, number][] = [
      ['direct', directCost],
      ['pow2', pow2Cost],
      ['mixed', mixedCostNs],
      ['pruned', prunedCost],
      ['chirp', chirpCost],
    ];
    let pick = options[0];
    for (const o of options) if (o[1] < pick[1]) pick = o;
    this.strategy = pick[0];

    if (this.strategy === 'direct') {
      const tw = new Float64Array(2 * M);
      for (let m = 0; m < M; m++) {
        // exp(sign·2πi·m/M), angle folded into (-π, π] for accuracy
        const q = 2 * m > M ? m - M : m;
        const angle = (2 * Math.PI * q) / M;
        tw[2 * m] = Math.cos(angle);
        tw[2 * m + 1] = sign * Math.sin(angle);
      }
      this.tw = tw;
    } else if (this.strategy === 'pow2' || this.strategy === 'mixed') {
      this.buf = new Float64Array(2 * M);
      this.spec = new Float64Array(2 * M);
      if (this.strategy === 'pow2') this.fft = fftOf(M);
      else this.mixed = new MixedFFT(M);
    } else if (this.strategy === 'pruned') {
      this.pruned = new PrunedDFT(M, outStart, outLen, prunedShape!);
    } else {
      this.chirp = new ChirpZoom(M, sign, inStart, inLen, outStart, outLen, chirp!, lanes);
    }
  }

  /**
   * Input arrays (lanes × inLen, real and imaginary parts) that `run` reads fastest — the chirp-z's, in its
   * WebAssembly memory — or null: then any arrays will do.
   */
  get inputs(): { re: Float64Array; im: Float64Array } | null {
    return this.chirp?.inputs ?? null;
  }

  /**
   * out[2s], out[2s+1] = the zoomed DFT of the complex input (re[t], im[t]), t < inLen, for `count` ≤
   * lanes inputs: lane ℓ reads re/im from ℓ·inLen and writes out from 2·ℓ·outLen. Inputs are not modified.
   */
  run(re: Float64Array, im: Float64Array, out: Float64Array, count = 1): void {
    if (count > this.lanes) throw new RangeError(`zoom DFT: ${count} inputs for a plan of ${this.lanes}`);
    if (this.chirp) this.chirp.run(re, im, out, count);
    else if (count === 1) this.runOne(re, im, out);
    else {
      const { inLen, outLen } = this;
      for (let l = 0; l < count; l++) {
        this.runOne(re.subarray(l * inLen, (l + 1) * inLen), im.subarray(l * inLen, (l + 1) * inLen), out.subarray(2 * l * outLen, 2 * (l + 1) * outLen));
      }
    }
  }

  private runOne(re: Float64Array, im: Float64Array, out: Float64Array): void {
    if (this.strategy === 'direct') this.runDirect(re, im, out);
    else if (this.strategy === 'pow2' || this.strategy === 'mixed') this.runFull(re, im, out);
    else this.runPruned(re, im, out);
  }

  private runDirect(re: Float64Array, im: Float64Array, out: Float64Array): void {
    const { M, inLen, outLen } = this;
    const tw = this.tw!;
    const n0 = mod(this.inStart, M);
    for (let s = 0; s < outLen; s++) {
      const k = mod(this.outStart + s, M);
      let idx = mulmod(n0, k, M); // (inStart + t)·k mod M, stepped by k
      let sr = 0;
      let si = 0;
      for (let t = 0; t < inLen; t++) {
        const wr = tw[2 * idx];
        const wi = tw[2 * idx + 1];
        const ar = re[t];
        const ai = im[t];
        sr += ar * wr - ai * wi;
        si += ar * wi + ai * wr;
        idx += k;
        if (idx >= M) idx -= M;
      }
      out[2 * s] = sr;
      out[2 * s + 1] = si;
    }
  }

  private runPruned(re: Float64Array, im: Float64Array, out: Float64Array): void {
    if (this.sign < 0) {
      this.pruned!.run(re, im, out);
      return;
    }
    throw new Error('pruned zoom DFT is forward-only');
  }

  private runFull(re: Float64Array, im: Float64Array, out: Float64Array): void {
    const { M, inLen, outLen } = this;
    const buf = this.buf!;
    const spec = this.spec!;
    // sign +1: DFT⁺(a) = conj(DFT⁻(conj a)), conjugation is exact.
    const c = this.sign > 0 ? -1 : 1;
    if (inLen < M) buf.fill(0);
    let p = mod(this.inStart, M);
    for (let t = 0; t < inLen; t++) {
      buf[2 * p] = re[t];
      buf[2 * p + 1] = c * im[t];
      if (++p === M) p = 0;
    }
    if (this.mixed) this.mixed.transform(buf, spec);
    else this.fft!.transform(spec, buf);
    let q = mod(this.outStart, M);
    for (let s = 0; s < outLen; s++) {
      out[2 * s] = spec[2 * q];
      out[2 * s + 1] = c * spec[2 * q + 1];
      if (++q === M) q = 0;
    }
  }
}

const planCache = new Lru<string, ZoomPlan>(32);

/** A cached plan (per thread): plans hold their own scratch, so they must not be used re-entrantly. */
export function zoomPlan(M: number, sign: 1 | -1, inStart: number, inLen: number, outStart: number, outLen: number, lanes = 1): ZoomPlan {
  const key = `${M},${sign},${inStart},${inLen},${outStart},${outLen},${lanes}`;
  return planCache.get(key, () => new ZoomPlan(M, sign, inStart, inLen, outStart, outLen, lanes));
}

/** Drops every cached plan (frees their tables; the next call rebuilds). */
export function clearZoomPlans(): void {
  planCache.clear();
  fftCache.clear();
}
