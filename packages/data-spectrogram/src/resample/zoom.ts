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
 * - `chirp`:  any M: Bluestein's chirp-z on power-of-two FFTs (fft.js, or the radix-8-first mixed FFT
 *             for odd exponents), with the convolution split into input blocks of B samples whose
 *             spectra (size L ≥ B + outLen - 1) are accumulated before a single inverse FFT. With
 *             outLen ≪ M this costs about M·log2(L) instead of the 2·(2M)·log2(2M) of a plain Bluestein
 *             of size ≥ 2M (34567 samples → 1025 bins: 6 FFTs of 8192 instead of 2 of 131072); with a
 *             single block it *is* the plain Bluestein.
 *
 * Chirp phases are computed from exact integer residues (m² mod 2M), never from a drifting recurrence,
 * so every twiddle is correct to about one ulp.
 */
import FFT from 'fft.js';
import { MixedFFT, mixedCost, smoothRadices } from './mixed.ts';
import { PrunedDFT, bestPruned, MIXED_FLOP_COST } from './pruned.ts';

export type ZoomStrategy = 'direct' | 'pow2' | 'mixed' | 'pruned' | 'chirp';

/** ((a mod m) + m) mod m for integers that are exact doubles. */
function mod(a: number, m: number): number {
  const r = a % m;
  return r < 0 ? r + m : r;
}

/** (a · b) mod m for 0 ≤ a, b < m, exact for any m < 2^53 (BigInt fallback above 2^26). */
function mulmod(a: number, b: number, m: number): number {
  if (m <= 67_108_864) return (a * b) % m;
  return Number((BigInt(a) * BigInt(b)) % BigInt(m));
}

/** exp(sign · πi · m² / M) written to out[2j], out[2j+1] (the Bluestein chirp). */
function chirpAt(m: number, M: number, sign: number, out: Float64Array, j: number): void {
  const twoM = 2 * M;
  const r = mod(m, twoM);
  let q = mulmod(r, r, twoM); // m² mod 2M, exact
  if (q > M) q -= twoM; // angle in (-π, π]
  const angle = (Math.PI * q) / M;
  out[2 * j] = Math.cos(angle);
  out[2 * j + 1] = sign * Math.sin(angle);
}

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

/** A forward power-of-two complex FFT, `transform(input, out)`. */
interface Pow2Transform {
  transform(input: Float64Array, out: Float64Array): void;
}

/**
 * The power-of-two FFT for chirp convolutions: fft.js (radix-4), except for odd exponents ≥ 3, where
 * fft.js needs a radix-2 pass and the mixed-radix FFT's twiddle-free radix-8 first stage is ~10% faster.
 */
function pow2Transform(L: number): Pow2Transform {
  if (Math.log2(L) % 2 === 1 && L >= 8) return new MixedFFT(L);
  const f = fftOf(L);
  return { transform: (input, out) => f.transform(out, input) };
}

export function isPow2(n: number): boolean {
  return n > 0 && (n & (n - 1)) === 0;
}

function nextPow2(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

// Cost model, in rough nanoseconds on V8 (only relative values matter).
const FFT_COST = 1.2; // per L·log2(L) of an fft.js complex transform
const MAC_COST = 1.5; // per complex multiply(-accumulate) over typed arrays
const costFft = (L: number): number => FFT_COST * L * Math.log2(Math.max(L, 2));

interface ChirpShape {
  L: number;
  B: number;
  blocks: number;
  cost: number;
}

function bestChirp(inLen: number, outLen: number): ChirpShape {
  let best: ChirpShape | null = null;
  const Lmin = nextPow2(outLen + 1);
  const Lmax = nextPow2(inLen + outLen - 1);
  for (let L = Math.max(Lmin, 2); L <= Lmax; L *= 2) {
    const B = L - outLen + 1;
    if (B < 1) continue;
    const blocks = Math.ceil(inLen / B);
    const cost = (blocks + 1) * costFft(L) + blocks * L * MAC_COST + (inLen + outLen) * MAC_COST;
    if (!best || cost < best.cost) best = { L, B, blocks, cost };
  }
  return best!;
}

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
  // chirp
  private L = 0;
  private B = 0;
  private blocks = 0;
  private cin: Float64Array | null = null;
  private cout: Float64Array | null = null;
  private G: Float64Array | null = null;
  private acc: Float64Array | null = null;
  private fft: FFT | null = null;
  private conv: Pow2Transform | null = null;

  constructor(
    readonly M: number,
    readonly sign: 1 | -1,
    readonly inStart: number,
    readonly inLen: number,
    readonly outStart: number,
    readonly outLen: number,
  ) {
    if (!(M >= 1) || !Number.isInteger(M)) throw new RangeError(`zoom DFT length must be a positive integer, got ${M}`);
    if (inLen < 1 || inLen > M || outLen < 1 || outLen > M) throw new RangeError('zoom DFT ranges out of bounds');
    const directCost = inLen * outLen * MAC_COST;
    const pow2Cost = isPow2(M) && M >= 2 ? costFft(M) + (M + outLen) * 0.5 : Infinity;
    const radices = M >= 2 ? smoothRadices(M) : null;
    const mixedCostNs = radices ? mixedCost(radices, M) * MIXED_FLOP_COST + (M + outLen) * 0.5 : Infinity;
    const prunedShape = sign < 0 && M >= 2 && inStart === 0 && inLen === M && outLen < M ? bestPruned(M, outLen) : null;
    const prunedCost = prunedShape ? prunedShape.cost : Infinity;
    const chirp = M >= 2 ? bestChirp(inLen, outLen) : null;
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
      const { L, B, blocks } = chirp!;
      this.L = L;
      this.B = B;
      this.blocks = blocks;
      const conv = pow2Transform(L);
      this.conv = conv;
      const cin = new Float64Array(2 * inLen);
      for (let t = 0; t < inLen; t++) chirpAt(inStart + t, M, sign, cin, t);
      const cout = new Float64Array(2 * outLen);
      for (let s = 0; s < outLen; s++) chirpAt(outStart + s, M, sign, cout, s);
      this.cin = cin;
      this.cout = cout;
      // G_j = DFT_L(g_j) / L, g_j[u] = conj(c[outStart - inStart - j·B - (B - 1) + u]), u < B + outLen - 1.
      const G = new Float64Array(2 * L * blocks);
      const g = new Float64Array(2 * L);
      const gs = new Float64Array(2 * L);
      const width = B + outLen - 1;
      const one = new Float64Array(2);
      for (let j = 0; j < blocks; j++) {
        g.fill(0);
        const m0 = outStart - inStart - j * B - (B - 1);
        for (let u = 0; u < width; u++) {
          chirpAt(m0 + u, M, sign, one, 0);
          g[2 * u] = one[0];
          g[2 * u + 1] = -one[1];
        }
        conv.transform(g, gs);
        const base = 2 * L * j;
        for (let u = 0; u < 2 * L; u++) G[base + u] = gs[u] / L;
      }
      this.G = G;
      this.buf = new Float64Array(2 * L);
      this.spec = new Float64Array(2 * L);
      this.acc = new Float64Array(2 * L);
    }
  }

  /**
   * out[2s], out[2s+1] = the zoomed DFT of the complex input (re[t], im[t]), t < inLen. `out` must hold
   * 2·outLen values. Inputs are not modified.
   */
  run(re: Float64Array, im: Float64Array, out: Float64Array): void {
    if (this.strategy === 'direct') this.runDirect(re, im, out);
    else if (this.strategy === 'pow2' || this.strategy === 'mixed') this.runFull(re, im, out);
    else if (this.strategy === 'pruned') this.runPruned(re, im, out);
    else this.runChirp(re, im, out);
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

  private runChirp(re: Float64Array, im: Float64Array, out: Float64Array): void {
    const { L, B, blocks, inLen, outLen } = this;
    const cin = this.cin!;
    const cout = this.cout!;
    const G = this.G!;
    const buf = this.buf!;
    const spec = this.spec!;
    const acc = this.acc!;
    const conv = this.conv!;
    const L2 = 2 * L;
    // acc = conj(Σ_j DFT_L(b_j) · G_j); then DFT_L(acc) = conj(L · IDFT_L(Σ ...)) / L folded in G.
    for (let j = 0; j < blocks; j++) {
      const t0 = j * B;
      const t1 = Math.min(t0 + B, inLen);
      const n = t1 - t0;
      for (let i = 0; i < n; i++) {
        const t = t0 + i;
        const ar = re[t];
        const ai = im[t];
        const cr = cin[2 * t];
        const ci = cin[2 * t + 1];
        buf[2 * i] = ar * cr - ai * ci;
        buf[2 * i + 1] = ar * ci + ai * cr;
      }
      // Positions [n, L) must be zero: [B, L) always are; a short last block leaves stale [n, B).
      if (n < B) buf.fill(0, 2 * n, 2 * B);
      conv.transform(buf, spec);
      const base = L2 * j;
      if (j === 0) {
        for (let u = 0; u < L2; u += 2) {
          const xr = spec[u];
          const xi = spec[u + 1];
          const gr = G[base + u];
          const gi = G[base + u + 1];
          acc[u] = xr * gr - xi * gi;
          acc[u + 1] = -(xr * gi + xi * gr);
        }
      } else {
        for (let u = 0; u < L2; u += 2) {
          const xr = spec[u];
          const xi = spec[u + 1];
          const gr = G[base + u];
          const gi = G[base + u + 1];
          acc[u] += xr * gr - xi * gi;
          acc[u + 1] -= xr * gi + xi * gr;
        }
      }
    }
    conv.transform(acc, spec);
    // y[s] = conj(spec[B - 1 + s]); out[s] = cout[s] · y[s]
    let p = 2 * (B - 1);
    for (let s = 0; s < outLen; s++, p += 2) {
      const yr = spec[p];
      const yi = -spec[p + 1];
      const cr = cout[2 * s];
      const ci = cout[2 * s + 1];
      out[2 * s] = yr * cr - yi * ci;
      out[2 * s + 1] = yr * ci + yi * cr;
    }
  }
}

const planCache = new Lru<string, ZoomPlan>(32);

/** A cached plan (per thread): plans hold their own scratch, so they must not be used re-entrantly. */
export function zoomPlan(M: number, sign: 1 | -1, inStart: number, inLen: number, outStart: number, outLen: number): ZoomPlan {
  const key = `${M},${sign},${inStart},${inLen},${outStart},${outLen}`;
  return planCache.get(key, () => new ZoomPlan(M, sign, inStart, inLen, outStart, outLen));
}

/** Drops every cached plan (frees their tables; the next call rebuilds). */
export function clearZoomPlans(): void {
  planCache.clear();
  fftCache.clear();
}
