/**
 * Bluestein's chirp-z zoom DFT for any length M (the `chirp` strategy of zoom.ts), run on several
 * independent inputs ("lanes") at once.
 *
 *     out[s] = Σ_{t < inLen} a[inStart + t] · exp(sign · 2πi · (inStart + t) · (outStart + s) / M)
 *
 * With c_m = exp(sign·πi·m²/M), n·k = (n² + k² − (k − n)²)/2 turns the sum into a correlation of the
 * chirped input with conj(c). The input is cut into blocks of B samples; each block's spectrum (size
 * L = B + outLen − 1 rounded up to a power of two) is multiplied by the spectrum G_j of the part of the
 * kernel it meets and accumulated, and one inverse FFT per lane gives every output. With outLen ≪ M this
 * costs about M·log2(L) instead of the 2·(2M)·log2(2M) of a plain Bluestein of size ≥ 2M.
 *
 * Why lanes: the widths of real spectrograms mostly have a large prime factor, so this path does most of
 * the stage's arithmetic. Interleaving `lanes` row pairs as one batched Stockham transform (mixed.ts,
 * batch = lanes) loads each twiddle, chirp value and kernel spectrum G_j once for all lanes and keeps the
 * FFT's inner loops long. Per lane the arithmetic does not depend on the lane count or position, so any
 * grouping of rows gives the same bits.
 *
 * The FFTs of power-of-four sizes run on the WebAssembly SIMD kernel of wasm-radix4.ts (bit-identical to
 * mixed.ts, 2.3× faster); bestChirp's caller prices them accordingly, so L = 4096 is the usual choice.
 *
 * Chirp phases come from exact integer residues (m² mod 2M), so every twiddle is correct to about one ulp.
 */
import { MixedFFT } from './mixed.ts';
import { mod, mulmod } from './modular.ts';
import { laneOffsets, WasmRadix4FFT } from './wasm-radix4.ts';

/** A batched forward FFT over the plan's buffers: the WebAssembly radix-4 for powers of four, else mixed.ts. */
interface BatchedFFT {
  transform(input: Float64Array, out: Float64Array): void;
}

/**
 * exp(sign · πi · m² / M) written to out[2j], out[2j+1] (the Bluestein chirp), for one m: the definition
 * that chirpTable computes incrementally for a whole plan (the tests hold the two to the same bits).
 */
export function chirpAt(m: number, M: number, sign: number, out: Float64Array, j: number): void {
  const twoM = 2 * M;
  const r = mod(m, twoM);
  let q = mulmod(r, r, twoM); // m² mod 2M, exact
  if (q > M) q -= twoM; // angle in (-π, π]
  const angle = (Math.PI * q) / M;
  out[2 * j] = Math.cos(angle);
  out[2 * j + 1] = sign * Math.sin(angle);
}

/**
 * chirpAt(m) for m = 0 … last into out[2m], out[2m + 1]: the same residues q = m² mod 2M, found by
 * adding 2m + 1 instead of a modular product per m, so the same angles and the same bits (this table is
 * most of a new width's set-up, and every song has its own width).
 */
export function chirpTable(M: number, sign: number, out: Float64Array, last: number): void {
  const twoM = 2 * M;
  let q = 0; // m² mod 2M, exact: every value stays below 2M + 2·last + 1 < 2^53
  for (let m = 0; m <= last; m++) {
    const angle = (Math.PI * (q > M ? q - twoM : q)) / M; // in (-π, π], as chirpAt
    out[2 * m] = Math.cos(angle);
    out[2 * m + 1] = sign * Math.sin(angle);
    q += 2 * m + 1;
    while (q >= twoM) q -= twoM;
  }
}

// The two loops of a plan's kernel spectra, as functions of their own: called for every new width, they
// get optimised, where the same loops inside the once-per-plan constructor would not.

/** g[u] = conj(c[m0 + u]) for u < width into one lane of buf (point stride `stride`, parts at oRe, oIm). */
function kernelBlock(table: Float64Array, m0: number, width: number, buf: Float64Array, stride: number, oRe: number, oIm: number): void {
  for (let u = 0, o = 0; u < width; u++, o += stride) {
    const a = 2 * Math.abs(m0 + u);
    buf[o + oRe] = table[a];
    buf[o + oIm] = -table[a + 1];
  }
}

/** G[base + 2u], G[base + 2u + 1] = one lane of spec at point u, divided by L, u < L. */
function scaledSpectrum(spec: Float64Array, stride: number, oRe: number, oIm: number, L: number, G: Float64Array, base: number): void {
  for (let u = 0, o = 0; u < L; u++, o += stride) {
    G[base + 2 * u] = spec[o + oRe] / L;
    G[base + 2 * u + 1] = spec[o + oIm] / L;
  }
}

function nextPow2(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

export interface ChirpShape {
  L: number; // FFT size
  B: number; // input samples per block
  blocks: number;
  cost: number; // model units of zoom.ts (rough ns per lane)
}

/** The cheapest block size for (inLen, outLen) under the cost model given as the per-FFT and per-MAC costs. */
export function bestChirp(inLen: number, outLen: number, costFft: (L: number) => number, macCost: number): ChirpShape {
  let best: ChirpShape | null = null;
  const Lmin = nextPow2(outLen + 1);
  const Lmax = nextPow2(inLen + outLen - 1);
  for (let L = Math.max(Lmin, 2); L <= Lmax; L *= 2) {
    const B = L - outLen + 1;
    if (B < 1) continue;
    const blocks = Math.ceil(inLen / B);
    const cost = (blocks + 1) * costFft(L) + blocks * L * macCost + (inLen + outLen) * macCost;
    if (!best || cost < best.cost) best = { L, B, blocks, cost };
  }
  return best!;
}

/** One precomputed chirp-z zoom DFT for up to `lanes` inputs at once; not re-entrant (one per thread). */
export class ChirpZoom {
  private readonly L: number;
  private readonly B: number;
  private readonly blocks: number;
  private readonly cin: Float64Array; // chirp of each input index
  /** Input arrays in the WebAssembly memory (lanes × inLen each), for callers that can fill them directly; else null. */
  readonly inputs: { re: Float64Array; im: Float64Array } | null;
  private readonly cout: Float64Array; // chirp of each output index
  private readonly G: Float64Array; // blocks × L complex: kernel spectra, 1/L folded in
  private readonly fft: BatchedFFT; // L points × lanes, interleaved
  private readonly wasm: WasmRadix4FFT | null;
  /** With WebAssembly: where G and cin must be in the shared instance's memory when this plan runs. */
  private readonly wasmG: Float64Array | null = null;
  private readonly wasmCin: Float64Array | null = null;
  private readonly buf: Float64Array;
  private readonly spec: Float64Array;
  private readonly acc: Float64Array;
  /** Per lane, where its real and imaginary parts sit within a point's 2·lanes values (the FFT's layout). */
  private readonly laneRe: Int32Array;
  private readonly laneIm: Int32Array;

  constructor(
    readonly M: number,
    readonly sign: 1 | -1,
    readonly inStart: number,
    readonly inLen: number,
    readonly outStart: number,
    readonly outLen: number,
    shape: ChirpShape,
    readonly lanes: number,
  ) {
    const { L, B, blocks } = shape;
    this.L = L;
    this.B = B;
    this.blocks = blocks;
    // Every chirp value the plan needs, computed once: c_m depends on m² only, so c_{-m} = c_m, and the
    // input, output and kernel ranges all fall in |m| ≤ maxAbs (this is most of a new width's set-up).
    const firstKernel = outStart - inStart - (blocks - 1) * B - (B - 1);
    const lastKernel = outStart - inStart + outLen - 1;
    const maxAbs = Math.max(Math.abs(inStart), Math.abs(inStart + inLen - 1), Math.abs(outStart), Math.abs(outStart + outLen - 1), Math.abs(firstKernel), Math.abs(lastKernel));
    const table = new Float64Array(2 * (maxAbs + 1));
    chirpTable(M, sign, table, maxAbs);
    const chirp = (m: number, out: Float64Array, j: number): void => {
      const a = 2 * Math.abs(m);
      out[2 * j] = table[a];
      out[2 * j + 1] = table[a + 1];
    };
    const cin = new Float64Array(2 * inLen);
    for (let t = 0; t < inLen; t++) chirp(inStart + t, cin, t);
    this.cout = new Float64Array(2 * outLen);
    for (let s = 0; s < outLen; s++) chirp(outStart + s, this.cout, s);
    // Same bits either way (wasm-radix4.ts). With WebAssembly the FFT and its buffers are this thread's
    // shared instance for (L, lanes): this plan keeps its own kernel spectra and input chirp here in
    // JavaScript and copies them into the instance's memory when it runs after another plan (bind()).
    if (WasmRadix4FFT.supports(L)) {
      const n = 2 * L * lanes;
      const { fft, buffers } = WasmRadix4FFT.shared(L, lanes, [n, n, n, 2 * L * blocks, 2 * inLen, lanes * inLen, lanes * inLen]);
      this.wasm = fft;
      this.fft = fft;
      let re: Float64Array;
      let im: Float64Array;
      [this.buf, this.spec, this.acc, this.wasmG, this.wasmCin, re, im] = buffers;
      this.inputs = { re, im };
      this.G = new Float64Array(2 * L * blocks);
      this.cin = new Float64Array(2 * inLen);
    } else {
      this.wasm = null;
      this.fft = new MixedFFT(L, lanes);
      this.buf = new Float64Array(2 * L * lanes);
      this.spec = new Float64Array(2 * L * lanes);
      this.acc = new Float64Array(2 * L * lanes);
      this.G = new Float64Array(2 * L * blocks);
      this.cin = new Float64Array(2 * inLen);
      this.inputs = null;
    }
    this.cin.set(cin);
    const layout = this.wasm?.layout ?? 'interleaved';
    this.laneRe = Int32Array.from({ length: lanes }, (_, l) => laneOffsets(layout, l).re);
    this.laneIm = Int32Array.from({ length: lanes }, (_, l) => laneOffsets(layout, l).im);
    // G_j = DFT_L(g_j) / L, g_j[u] = conj(c[outStart - inStart - j·B - (B - 1) + u]), u < B + outLen - 1:
    // `lanes` kernel blocks per batched transform (per lane the same bits as one at a time).
    const { buf, spec, G, laneRe, laneIm } = this;
    const width = B + outLen - 1;
    const stride = 2 * lanes;
    for (let j0 = 0; j0 < blocks; j0 += lanes) {
      buf.fill(0);
      for (let l = 0; l < lanes && j0 + l < blocks; l++) {
        kernelBlock(table, outStart - inStart - (j0 + l) * B - (B - 1), width, buf, stride, laneRe[l], laneIm[l]);
      }
      this.fft.transform(buf, spec);
      for (let l = 0; l < lanes && j0 + l < blocks; l++) scaledSpectrum(spec, stride, laneRe[l], laneIm[l], L, G, 2 * L * (j0 + l));
    }
    buf.fill(0); // run() relies on points [B, L) of buf staying zero (bind() redoes it for a shared instance)
  }

  /** Makes the shared instance's memory hold this plan's data: its kernel spectra, input chirp, zeroed buf. */
  private bind(): void {
    this.wasmG!.set(this.G);
    this.wasmCin!.set(this.cin);
    this.buf.fill(0);
    this.wasm!.owner = this;
  }

  /** buf[i·lanes + ℓ] = (re + i·im)[ℓ·inLen + t0 + i] · cin[t0 + i] in JavaScript, i < n, ℓ < count. */
  private chirpIn(re: Float64Array, im: Float64Array, t0: number, n: number, count: number): void {
    const { inLen, lanes, cin, buf } = this;
    const stride = 2 * lanes;
    for (let l = 0; l < count; l++) {
      const src = l * inLen + t0;
      const [oRe, oIm] = [this.laneRe[l], this.laneIm[l]];
      for (let i = 0, c = 2 * t0, o = 0; i < n; i++, c += 2, o += stride) {
        const ar = re[src + i];
        const ai = im[src + i];
        const cr = cin[c];
        const ci = cin[c + 1];
        buf[o + oRe] = ar * cr - ai * ci;
        buf[o + oIm] = ar * ci + ai * cr;
      }
    }
  }

  /** acc (+)= conj(spec · G_j) in JavaScript, the kernel spectrum loaded once per point for every lane. */
  private macConj(j: number): void {
    const { L, lanes, G, spec, acc } = this;
    const L2 = 2 * L;
    const stride = 2 * lanes;
    const base = L2 * j;
    if (j === 0) {
      for (let u = 0, p = 0; u < L2; u += 2) {
        const gr = G[base + u];
        const gi = G[base + u + 1];
        for (const end = p + stride; p < end; p += 2) {
          const xr = spec[p];
          const xi = spec[p + 1];
          acc[p] = xr * gr - xi * gi;
          acc[p + 1] = -(xr * gi + xi * gr);
        }
      }
    } else {
      for (let u = 0, p = 0; u < L2; u += 2) {
        const gr = G[base + u];
        const gi = G[base + u + 1];
        for (const end = p + stride; p < end; p += 2) {
          const xr = spec[p];
          const xi = spec[p + 1];
          acc[p] += xr * gr - xi * gi;
          acc[p + 1] -= xr * gi + xi * gr;
        }
      }
    }
  }

  /**
   * Lanes ℓ < count: input (re, im)[ℓ·inLen + t], t < inLen; output out[2(ℓ·outLen + s)], [… + 1]. Lanes
   * from count to `lanes` are computed on stale data and not written. Allocates nothing.
   */
  run(re: Float64Array, im: Float64Array, out: Float64Array, count: number): void {
    if (this.wasm && this.wasm.owner !== this) this.bind();
    const { L, B, blocks, inLen, outLen, lanes, cout, buf, spec, acc } = this;
    // The wasm kernels read the copies in the instance's memory; the JavaScript path its own arrays.
    const cin = this.wasmCin ?? this.cin;
    const G = this.wasmG ?? this.G;
    const L2 = 2 * L;
    const stride = 2 * lanes; // from point u to u + 1 in the interleaved layout
    // acc = conj(Σ_j DFT_L(b_j) · G_j); then DFT_L(acc) = conj(L · IDFT_L(Σ …)), the 1/L folded in G.
    for (let j = 0; j < blocks; j++) {
      const t0 = j * B;
      const n = Math.min(B, inLen - t0);
      if (this.wasm && re === this.inputs!.re && im === this.inputs!.im) this.wasm.chirpIn(re, im, t0, inLen, cin, buf, n);
      else this.chirpIn(re, im, t0, n, count);
      // Points [n, L) must be zero: [B, L) always are; a short last block leaves stale [n, B).
      if (n < B) buf.fill(0, n * stride, B * stride);
      this.fft.transform(buf, spec);
      if (this.wasm) {
        if (j === 0) acc.fill(0);
        this.wasm.macConj(spec, G, L2 * j, acc);
      } else this.macConj(j);
    }
    this.fft.transform(acc, spec);
    // y[s] = conj(spec[B - 1 + s]); out[s] = cout[s] · y[s]
    for (let l = 0; l < count; l++) {
      const o = 2 * l * outLen;
      const dIm = this.laneIm[l] - this.laneRe[l];
      for (let s = 0, p = (B - 1) * stride + this.laneRe[l]; s < outLen; s++, p += stride) {
        const yr = spec[p];
        const yi = -spec[p + dIm];
        const cr = cout[2 * s];
        const ci = cout[2 * s + 1];
        out[o + 2 * s] = yr * cr - yi * ci;
        out[o + 2 * s + 1] = yr * ci + yi * cr;
      }
    }
  }
}
