/**
 * scipy.signal.resample (scipy 1.10, FFT method, window=None, real input) re-implemented exactly:
 *
 *     X = rfft(x)                                   # N = len(x)
 *     m = min(N, num); Y = zeros(num//2 + 1); Y[:m//2+1] = X[:m//2+1]
 *     if m even:  num < N → Y[m/2] *= 2   (down-sampling: the kept edge bin also stands for its mirror)
 *                 N < num → Y[m/2] *= 0.5 (up-sampling: the old Nyquist bin is split in two)
 *                 N == num → unchanged
 *     y = irfft(Y, num) * (num / N)                 # irfft ignores Im(Y[0]) and, num even, Im(Y[num/2])
 *
 * num == N: Y = X unchanged and the imaginary parts irfft ignores are exactly zero for real input, so
 * scipy's round trip is the identity in exact arithmetic; scipy returns the input plus ~1e-16 relative
 * round-off, we return the input exactly (skipping both transforms — scipy still does them).
 *
 * Two real rows are resampled at once: z = x1 + i·x2 gives X1[k] = (Z[k] + conj Z[-k]) / 2 and
 * X2[k] = (Z[k] - conj Z[-k]) / 2i, and the two Hermitian output spectra go through one complex inverse
 * (y1 = Re, y2 = Im). Only the bins k ∈ [-h, h], h = m//2, are ever computed (see zoom.ts).
 *
 * Rows go through in groups of ROW_LANES pairs: the forward zoom DFT of a group is one batched transform
 * when its strategy batches (the chirp-z, which most spectrogram widths take); per pair the arithmetic is
 * the same whatever the group, so the result does not depend on how rows are grouped or split.
 */
import { MixedFFT, smoothRadices } from './mixed.ts';
import { laneOffsets, WasmRadix4FFT } from './wasm-radix4.ts';
import { Lru, zoomPlan, type ZoomPlan } from './zoom.ts';

export type RealArray = Float64Array | Float32Array | Uint8Array | Uint16Array;

/** Row pairs per group in the row pass (see the header): enough to share the chirp's tables, small enough for L2. */
export const ROW_LANES = 4;

/**
 * The resampler of up to `lanes` pairs of real rows of length N to num samples; owns its scratch (not
 * re-entrant).
 */
export class PairResampler {
  /** Pair ℓ's row 1 (real part) at [ℓ·N, (ℓ+1)·N) and row 2 (imaginary part) likewise; fill before `run`. */
  readonly inRe: Float64Array;
  readonly inIm: Float64Array;
  /** Output of pair ℓ from 2ℓ·num, interleaved: out[2ℓ·num + 2i] is row 1's sample i, [… + 1] row 2's. */
  readonly out: Float64Array;
  readonly h: number;
  private readonly fwd: ZoomPlan;
  private readonly inv: ZoomPlan;
  private readonly fullForward: boolean;
  private readonly Z: Float64Array;
  private readonly zLen: number;
  private readonly wRe: Float64Array;
  private readonly wIm: Float64Array;
  private readonly invLen: number;
  private readonly nyqFactor: number;
  private readonly invNum: number;
  private readonly fac: number;
  private readonly identity: boolean;
  /** The inverse of all lanes as one batched WebAssembly transform, where num is a power of four; else null. */
  private readonly batchedInverse: BatchedInverse | null;

  constructor(
    readonly N: number,
    readonly num: number,
    readonly lanes = 1,
  ) {
    if (!Number.isInteger(N) || N < 1) throw new RangeError(`resample: input length must be a positive integer, got ${N}`);
    if (!Number.isInteger(num) || num < 1) throw new RangeError(`resample: num must be a positive integer, got ${num}`);
    const m = Math.min(N, num);
    const h = Math.floor(m / 2);
    this.h = h;
    this.identity = N === num;
    // Forward: bins [-h, h] of the length-N DFT; for even N ≤ num that is every bin (h = N/2 twice).
    this.fullForward = 2 * h + 1 > N;
    this.fwd = this.fullForward ? zoomPlan(N, -1, 0, N, 0, N, lanes) : zoomPlan(N, -1, 0, N, -h, 2 * h + 1, lanes);
    this.zLen = this.fullForward ? N : 2 * h + 1;
    this.Z = new Float64Array(2 * this.zLen * lanes);
    // Inverse: non-zero bins [-h, h] of the length-num spectrum (they wrap into one when h = num/2).
    this.invLen = Math.min(2 * h + 1, num);
    this.inv = zoomPlan(num, 1, -h, this.invLen, 0, num);
    this.wRe = new Float64Array(this.invLen);
    this.wIm = new Float64Array(this.invLen);
    this.nyqFactor = m % 2 === 0 ? (num < N ? 2 : N < num ? 0.5 : 1) : 1;
    this.invNum = 1 / num;
    this.fac = num / N; // scipy: y *= (float(num) / float(Nx))
    // Filled straight into the forward plan's own input arrays when it has them (chirp-z: no copy).
    const inputs = this.identity ? null : this.fwd.inputs;
    this.inRe = inputs?.re ?? new Float64Array(N * lanes);
    this.inIm = inputs?.im ?? new Float64Array(N * lanes);
    this.out = new Float64Array(2 * num * lanes);
    this.batchedInverse = !this.identity && lanes > 1 && WasmRadix4FFT.supports(num) ? batchedInverse(num, lanes) : null;
  }

  /** Resamples pairs ℓ < count (default: all lanes) of (inRe, inIm) into out. Allocates nothing for one lane. */
  run(count = this.lanes): void {
    const { N, num } = this;
    if (this.identity) {
      const { inRe, inIm, out } = this;
      for (let i = 0; i < N * count; i++) {
        out[2 * i] = inRe[i];
        out[2 * i + 1] = inIm[i];
      }
      return;
    }
    this.fwd.run(this.inRe, this.inIm, this.Z, count);
    if (this.batchedInverse) this.inverseBatched(count);
    else for (let l = 0; l < count; l++) this.inverse(2 * l * this.zLen, 2 * l * num);
  }

  /**
   * The inverse of lanes ℓ < count at once: each lane's spectrum W (as `inverse` builds it) goes into the
   * batched transform's input at its frequency's position, conjugated (DFT⁺(w) = conj DFT⁻(conj w), as the
   * zoom plan's full transform does it); one forward WebAssembly transform; conjugated and scaled out.
   */
  private inverseBatched(count: number): void {
    const { num, h, invLen, wRe, wIm, invNum, fac } = this;
    const { fft, input, output, offsets } = this.batchedInverse!;
    const stride = 2 * this.lanes;
    if (count < this.lanes) input.fill(0);
    const start = (((-h % num) + num) % num); // where frequency −h goes
    for (let l = 0; l < count; l++) {
      this.spectrum(2 * l * this.zLen);
      const { re, im } = offsets[l];
      if (invLen < num) for (let p = 0; p < num; p++) (input[p * stride + re] = 0), (input[p * stride + im] = 0);
      for (let t = 0, p = start; t < invLen; t++) {
        input[p * stride + re] = wRe[t];
        input[p * stride + im] = -wIm[t];
        if (++p === num) p = 0;
      }
    }
    fft.transform(input, output);
    const out = this.out;
    for (let l = 0; l < count; l++) {
      const { re, im } = offsets[l];
      const o = 2 * l * num;
      for (let q = 0; q < num; q++) {
        out[o + 2 * q] = output[q * stride + re] * invNum * fac;
        out[o + 2 * q + 1] = -output[q * stride + im] * invNum * fac;
      }
    }
  }

  /** The two output spectra of the pair whose forward bins start at Z[z0], inverse-transformed into out[o0…]. */
  private inverse(z0: number, o0: number): void {
    this.spectrum(z0);
    const { num, wRe, wIm } = this;
    const out = o0 === 0 ? this.out : this.out.subarray(o0, o0 + 2 * num);
    this.inv.run(wRe, wIm, out);
    const invNum = this.invNum;
    const fac = this.fac;
    for (let i = 0; i < 2 * num; i++) out[i] = out[i] * invNum * fac;
  }

  /** W = Y1 + i·Y2, the pair's two output spectra in one (bins −h … h, into wRe/wIm), from Z[z0 …]. */
  private spectrum(z0: number): void {
    const { N, num, h, wRe, wIm, invLen } = this;
    const Z = z0 === 0 ? this.Z : this.Z.subarray(z0);
    const full = this.fullForward;
    const nyqEven = num % 2 === 0 && h === num / 2; // Y[h] is the output's Nyquist bin: imag ignored
    for (let k = 0; k <= h; k++) {
      const ip = full ? k : k + h;
      const im = full ? (k === 0 ? 0 : N - k) : h - k;
      const a = Z[2 * ip];
      const b = Z[2 * ip + 1];
      const c = Z[2 * im];
      const d = Z[2 * im + 1];
      // X1 = (Z[k] + conj Z[-k]) / 2, X2 = (Z[k] - conj Z[-k]) / 2i
      let p1r = (a + c) * 0.5;
      let p1i = (b - d) * 0.5;
      let p2r = (b + d) * 0.5;
      let p2i = (c - a) * 0.5;
      if (k === h && this.nyqFactor !== 1) {
        const f = this.nyqFactor;
        p1r *= f;
        p1i *= f;
        p2r *= f;
        p2i *= f;
      }
      if (k === 0 || (k === h && nyqEven)) {
        // irfft reads only the real part of the DC and (even num) Nyquist bins
        const pos = (k + h) % invLen;
        wRe[pos] = p1r;
        wIm[pos] = p2r;
      } else {
        // W[k] = Y1 + i·Y2, W[-k] = conj(Y1) + i·conj(Y2)
        wRe[k + h] = p1r - p2i;
        wIm[k + h] = p1i + p2r;
        wRe[h - k] = p1r + p2i;
        wIm[h - k] = p2r - p1i;
      }
    }
  }
}

interface BatchedInverse {
  fft: WasmRadix4FFT;
  input: Float64Array;
  output: Float64Array;
  offsets: { re: number; im: number }[];
}
/** One batched inverse per (num, lanes) and thread: it keeps nothing between runs, so every width shares it. */
const batchedInverses = new Map<string, BatchedInverse>();
function batchedInverse(num: number, lanes: number): BatchedInverse {
  const key = `${num},${lanes}`;
  let inverse = batchedInverses.get(key);
  if (!inverse) {
    // Its own instance, not WasmRadix4FFT.shared: a chirp-z plan of the same size keeps data in that one.
    const fft = new WasmRadix4FFT(num, lanes, [2 * num * lanes, 2 * num * lanes]);
    const [input, output] = fft.buffers;
    inverse = { fft, input, output, offsets: Array.from({ length: lanes }, (_, l) => laneOffsets(fft.layout, l)) };
    batchedInverses.set(key, inverse);
  }
  return inverse;
}

const resamplers = new Lru<string, PairResampler>(16);

/** A cached resampler for (N → num) and `lanes` pairs, one per thread (LRU: a dataset has many widths). */
export function pairResampler(N: number, num: number, lanes = 1): PairResampler {
  return resamplers.get(`${N},${num},${lanes}`, () => new PairResampler(N, num, lanes));
}

/** Frees every cached resampler (and nothing else). */
export function clearResamplers(): void {
  resamplers.clear();
  batchers.clear();
}

/** scipy.signal.resample(x, num) for a real 1-D signal, in float64. */
export function resample1d(x: ArrayLike<number>, num: number): Float64Array {
  const r = pairResampler(x.length, num);
  const re = r.inRe;
  for (let i = 0; i < x.length; i++) re[i] = x[i];
  r.inIm.fill(0);
  r.run();
  const y = new Float64Array(num);
  for (let i = 0; i < num; i++) y[i] = r.out[2 * i];
  return y;
}

function checkShape(image: ArrayLike<number>, rows: number, cols: number): void {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 1 || cols < 1)
    throw new RangeError(`resample: bad image shape ${rows}×${cols}`);
  if (image.length !== rows * cols)
    throw new RangeError(`resample: image has ${image.length} values, expected ${rows}×${cols} = ${rows * cols}`);
}

/**
 * Rows [2·pairStart, min(2·pairEnd, rows)) of `src` (rows × cols, row-major) resampled along axis 1 into
 * the same rows of `dst` (rows × newCols). Rows are always paired (0,1), (2,3), …, a lone last row with
 * zeros, so any split into pair ranges gives bit-identical results.
 */
export function resampleRowsRange(
  src: RealArray,
  rows: number,
  cols: number,
  newCols: number,
  dst: Float64Array,
  pairStart: number,
  pairEnd: number,
): void {
  const rowEnd = Math.min(2 * pairEnd, rows);
  if (cols === newCols) {
    // identity (see the header): the rows themselves, as float64
    dst.set(src.subarray(2 * pairStart * cols, rowEnd * cols), 2 * pairStart * cols);
    return;
  }
  const r = pairResampler(cols, newCols, ROW_LANES);
  const { inRe, inIm, out } = r;
  for (let groupRow = 2 * pairStart; groupRow < rowEnd; groupRow += 2 * ROW_LANES) {
    const groupEnd = Math.min(groupRow + 2 * ROW_LANES, rowEnd);
    const pairs = Math.ceil((groupEnd - groupRow) / 2);
    for (let l = 0; l < pairs; l++) {
      const row = groupRow + 2 * l;
      // TypedArray.set converts uint8/uint16/float32 natively (one small view object per row).
      inRe.set(src.subarray(row * cols, row * cols + cols), l * cols);
      if (row + 1 < groupEnd) inIm.set(src.subarray((row + 1) * cols, (row + 2) * cols), l * cols);
      else inIm.fill(0, l * cols, (l + 1) * cols);
    }
    r.run(pairs);
    for (let l = 0; l < pairs; l++) {
      const row = groupRow + 2 * l;
      const o = 2 * l * newCols;
      const o1 = row * newCols;
      for (let i = 0; i < newCols; i++) dst[o1 + i] = out[o + 2 * i];
      if (row + 1 < groupEnd) {
        const o2 = o1 + newCols;
        for (let i = 0; i < newCols; i++) dst[o2 + i] = out[o + 2 * i + 1];
      }
    }
  }
}

/** Column pairs per batched block: 32 pairs × 256 rows × 16 B = 128 KiB per buffer. */
const COLUMN_BLOCK = 32;

/**
 * B column pairs of a row-major image resampled at once (N → num, both smooth): read as complex, two
 * adjacent real columns are exactly one interleaved complex column, so the B packed columns of a block
 * form one batched Stockham transform (mixed.ts, batch = B) with contiguous access, no gathers; the
 * inverse writes the two real columns back as (Re, Im). Per column, the arithmetic does not depend on B
 * or on the block's position, so any split of the columns gives the same bits.
 */
export class BatchColumnResampler {
  readonly h: number;
  private readonly fwd: MixedFFT;
  private readonly inv: MixedFFT;
  private readonly xin: Float64Array;
  private readonly Y: Float64Array;
  private readonly W: Float64Array;
  private readonly y: Float64Array;
  private readonly nyqFactor: number;
  private readonly nyqEven: boolean;
  private readonly invNum: number;
  private readonly fac: number;

  static supports(N: number, num: number): boolean {
    return smoothRadices(N) !== null && smoothRadices(num) !== null;
  }

  constructor(
    readonly N: number,
    readonly num: number,
    readonly B: number,
  ) {
    const m = Math.min(N, num);
    this.h = Math.floor(m / 2);
    this.fwd = new MixedFFT(N, B);
    this.inv = new MixedFFT(num, B);
    this.xin = new Float64Array(2 * N * B);
    this.Y = new Float64Array(2 * N * B);
    this.W = new Float64Array(2 * num * B); // rows outside [-h, h] stay zero forever
    this.y = new Float64Array(2 * num * B);
    this.nyqFactor = m % 2 === 0 ? (num < N ? 2 : N < num ? 0.5 : 1) : 1;
    this.nyqEven = num % 2 === 0 && this.h === num / 2;
    this.invNum = 1 / num;
    this.fac = num / N;
  }

  /** Column pairs [j0, j0 + w) (w ≤ B) of src (N × cols) into the same columns of dst (num × cols). */
  run(src: RealArray, cols: number, dst: Float64Array, j0: number, w: number): void {
    const { N, num, B, h, xin, Y, W, y } = this;
    const B2 = 2 * B;
    const w2 = 2 * w;
    const c0 = 2 * j0;
    for (let i = 0; i < N; i++) {
      const o = i * B2;
      const p = i * cols + c0;
      for (let j = 0; j < w2; j++) xin[o + j] = src[p + j];
      for (let j = w2; j < B2; j++) xin[o + j] = 0;
    }
    this.fwd.transform(xin, Y);
    const f = this.nyqFactor;
    for (let k = 0; k <= h; k++) {
      const ip = k * B2;
      const im = (k === 0 ? 0 : N - k) * B2;
      const dc = k === 0 || (k === h && this.nyqEven);
      const wp = ((k + num) % num) * B2;
      const wm = ((num - k) % num) * B2;
      const scale = k === h ? f : 1;
      for (let j = 0; j < B2; j += 2) {
        const a = Y[ip + j];
        const b = Y[ip + j + 1];
        const c = Y[im + j];
        const d = Y[im + j + 1];
        let p1r = (a + c) * 0.5;
        let p1i = (b - d) * 0.5;
        let p2r = (b + d) * 0.5;
        let p2i = (c - a) * 0.5;
        if (scale !== 1) {
          p1r *= scale;
          p1i *= scale;
          p2r *= scale;
          p2i *= scale;
        }
        // conj(W): the forward FFT of conj(W) is conj(IDFT_unnormalised(W))
        if (dc) {
          W[wp + j] = p1r;
          W[wp + j + 1] = -p2r;
        } else {
          W[wp + j] = p1r - p2i;
          W[wp + j + 1] = -(p1i + p2r);
          W[wm + j] = p1r + p2i;
          W[wm + j + 1] = -(p2r - p1i);
        }
      }
    }
    this.inv.transform(W, y);
    const invNum = this.invNum;
    const fac = this.fac;
    for (let t = 0; t < num; t++) {
      const o = t * B2;
      const p = t * cols + c0;
      for (let j = 0; j < w2; j += 2) {
        dst[p + j] = y[o + j] * invNum * fac;
        dst[p + j + 1] = -y[o + j + 1] * invNum * fac;
      }
    }
  }
}

const batchers = new Lru<string, BatchColumnResampler>(16);

function batchColumnResampler(N: number, num: number, B: number): BatchColumnResampler {
  return batchers.get(`${N},${num},${B}`, () => new BatchColumnResampler(N, num, B));
}

/**
 * Columns [2·pairStart, min(2·pairEnd, cols)) of `src` (rows × cols) resampled along axis 0 into the same
 * columns of `dst` (newRows × cols). Columns are paired (0,1), (2,3), … like rows; full pairs go through
 * the batched path when both lengths are smooth, a lone last column through PairResampler. Which path a
 * column takes depends only on the shape, so any split into pair ranges gives bit-identical results.
 */
export function resampleColumnsRange(
  src: RealArray,
  rows: number,
  cols: number,
  newRows: number,
  dst: Float64Array,
  pairStart: number,
  pairEnd: number,
): void {
  const fullPairs = Math.floor(cols / 2);
  let col = 2 * pairStart;
  const colEnd = Math.min(2 * pairEnd, cols);
  if (rows === newRows) {
    // identity (see the header): the columns themselves, as float64
    for (let i = 0; i < rows; i++) {
      const o = i * cols;
      for (let c = col; c < colEnd; c++) dst[o + c] = src[o + c];
    }
    return;
  }
  if (BatchColumnResampler.supports(rows, newRows)) {
    const lastFull = Math.min(pairEnd, fullPairs);
    for (let j = pairStart; j < lastFull; j += COLUMN_BLOCK) {
      const w = Math.min(COLUMN_BLOCK, lastFull - j);
      batchColumnResampler(rows, newRows, w).run(src, cols, dst, j, w);
    }
    col = Math.max(col, 2 * lastFull);
  }
  if (col >= colEnd) return;
  const r = pairResampler(rows, newRows);
  const { inRe, inIm, out } = r;
  for (; col < colEnd; col += 2) {
    const two = col + 1 < colEnd;
    if (two) {
      for (let i = 0, p = col; i < rows; i++, p += cols) {
        inRe[i] = src[p];
        inIm[i] = src[p + 1];
      }
    } else {
      for (let i = 0, p = col; i < rows; i++, p += cols) inRe[i] = src[p];
      inIm.fill(0);
    }
    r.run();
    if (two) {
      for (let i = 0, p = col; i < newRows; i++, p += cols) {
        dst[p] = out[2 * i];
        dst[p + 1] = out[2 * i + 1];
      }
    } else {
      for (let i = 0, p = col; i < newRows; i++, p += cols) dst[p] = out[2 * i];
    }
  }
}

/** scipy.signal.resample(image, newCols, axis=1) for a rows × cols row-major image (float64 result). */
export function resampleRows(image: RealArray, rows: number, cols: number, newCols: number): Float64Array {
  checkShape(image, rows, cols);
  const dst = new Float64Array(rows * newCols);
  resampleRowsRange(image, rows, cols, newCols, dst, 0, Math.ceil(rows / 2));
  return dst;
}

/** scipy.signal.resample(image, newRows, axis=0) for a rows × cols row-major image (float64 result). */
export function resampleColumns(image: RealArray, rows: number, cols: number, newRows: number): Float64Array {
  checkShape(image, rows, cols);
  const dst = new Float64Array(newRows * cols);
  resampleColumnsRange(image, rows, cols, newRows, dst, 0, Math.ceil(cols / 2));
  return dst;
}
