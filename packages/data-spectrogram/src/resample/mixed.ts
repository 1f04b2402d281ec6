/**
 * A mixed-radix complex FFT (Stockham autosort, decimation in time) for lengths whose prime factors are
 * at most MAX_PRIME: radix-8 (twiddle-free first stage only), 4, 2, 3 and 5 butterflies written out, any
 * other prime p by an O(p²) butterfly. Forward sign only (exp(-2πi·nk/n)); callers conjugate for the
 * inverse. Twiddles come from exact tables (cos/sin of 2π·j/L per stage, angles folded into (-π, π]),
 * so the accuracy matches a textbook FFT (~1e-15 relative at n = 35000). Batched mode runs R interleaved
 * transforms (the leaves of pruned.ts, the column blocks of resample.ts) in one pass; transformSplit
 * reads separate real/imaginary arrays in its first stage (two packed real rows, no interleaving pass).
 *
 * Layout after stage q (sub-transform length L = p₁…p_q, r = n / L): Y[f·r + k] is the length-L DFT of
 * x[k + r·m] (m < L) at frequency f. A stage of radix p maps Y_{q-1} to Y_q by
 *   Y_q[(f1 + Ls·f2)·r + k] = Σ_c ω_p^{c·f2} · ω_L^{c·f1} · Y_{q-1}[(f1·p + c)·r + k],   Ls = L / p,
 * whose inner loop over k is contiguous in both arrays. The last stage (r = 1) leaves the DFT in
 * natural order: no bit reversal.
 */

export const MAX_PRIME = 31;

/** Radices in the order the stages use them (8s first, then 4 or 2, 3, 5, …), or null if not smooth. */
export function smoothRadices(n: number, maxPrime = MAX_PRIME): number[] | null {
  if (!Number.isInteger(n) || n < 1) return null;
  const out: number[] = [];
  let m = n;
  let twos = 0;
  while (m % 2 === 0) {
    twos++;
    m /= 2;
  }
  // Powers of two as 4s, with one twiddle-free radix-8 first stage when the exponent is odd (≥ 3).
  if (twos % 2 === 1 && twos >= 3) {
    out.push(8);
    twos -= 3;
  }
  for (; twos >= 2; twos -= 2) out.push(4);
  if (twos === 1) out.push(2);
  for (let p = 3; p <= maxPrime && m > 1; p += 2) {
    while (m % p === 0) {
      out.push(p);
      m /= p;
    }
  }
  return m === 1 ? out : null;
}

/**
 * Rough cost (flops per point) of a radix-p stage, for planning. The generic O(p) butterfly runs at about
 * half the speed per flop of the written-out ones (measured: 7, 11, 13, 17, 29, 31 against 4, 5, 8), so its
 * flop count is doubled; without that, widths such as 33124 = 4·7²·13² took the pruned path at 1.3× the
 * time of the chirp-z.
 */
export function radixCost(p: number): number {
  switch (p) {
    case 2:
      return 5;
    case 3:
      return 12.5;
    case 4:
      return 8.5;
    case 8:
      return 12;
    case 5:
      return 14;
    default:
      return 2.2 * (6 + 2.2 * p);
  }
}

/** Estimated cost in model units (≈ flops) of one transform of length n with these radices. */
export function mixedCost(radices: number[], n: number): number {
  let c = 0;
  for (const p of radices) c += radixCost(p);
  return n * (c + 2);
}

interface Stage {
  p: number;
  Ls: number;
  r: number;
  tw: Float64Array; // [(f1·(p-1) + c-1)·2] = ω_L^{c·f1}
}

export class MixedFFT {
  readonly radices: number[];
  private readonly stages: Stage[];
  private readonly work: Float64Array;
  private readonly work2: Float64Array;
  private readonly gen: Float64Array; // scratch for generic butterflies: 2p inputs + 2(p-1) sums/differences
  private readonly genTw: Map<number, Float64Array> = new Map(); // cos/sin(2π·j/p)

  /**
   * A transform of length n; with batch = R > 1, R interleaved transforms at once: input x[ℓ + R·m]
   * (m < n, i.e. one array of n·R complex values in natural order) gives out[f·R + ℓ] = DFT_n of the ℓ-th
   * decimated sequence at f. That is the first stages of a length-n·R Stockham FFT.
   */
  constructor(
    readonly n: number,
    readonly batch = 1,
  ) {
    const radices = smoothRadices(n);
    if (!radices) throw new RangeError(`MixedFFT: ${n} has a prime factor above ${MAX_PRIME}`);
    this.radices = radices;
    const stages: Stage[] = [];
    let L = 1;
    let maxP = 2;
    for (const p of radices) {
      const Ls = L;
      L *= p;
      const r = (n / L) * batch;
      const tw = new Float64Array(2 * Ls * (p - 1));
      for (let f1 = 0; f1 < Ls; f1++) {
        for (let c = 1; c < p; c++) {
          // ω_L^{c·f1} = exp(-2πi·(c·f1 mod L)/L), angle folded into (-π, π]
          let q = (c * f1) % L;
          if (2 * q > L) q -= L;
          const angle = (2 * Math.PI * q) / L;
          const j = 2 * (f1 * (p - 1) + c - 1);
          tw[j] = Math.cos(angle);
          tw[j + 1] = -Math.sin(angle);
        }
      }
      stages.push({ p, Ls, r, tw });
      if (p > maxP) maxP = p;
      if (p > 5 && !this.genTw.has(p)) {
        const g = new Float64Array(2 * p);
        for (let j = 0; j < p; j++) {
          let q = j;
          if (2 * q > p) q -= p;
          const angle = (2 * Math.PI * q) / p;
          g[2 * j] = Math.cos(angle);
          g[2 * j + 1] = Math.sin(angle);
        }
        this.genTw.set(p, g);
      }
    }
    this.stages = stages;
    this.work = new Float64Array(2 * n * batch);
    this.work2 = new Float64Array(2 * n * batch);
    this.gen = new Float64Array(4 * maxP);
  }

  /**
   * out = DFT(input) (forward, unnormalised), both interleaved complex of length n. `input` is not
   * modified; `out` must not alias it.
   */
  transform(input: Float64Array, out: Float64Array): void {
    const stages = this.stages;
    const ns = stages.length;
    if (ns === 0) {
      out.set(input.subarray(0, 2 * this.batch));
      return;
    }
    // Ping-pong so that the last stage writes `out`.
    let src: Float64Array = input;
    for (let s = 0; s < ns; s++) {
      const remaining = ns - 1 - s;
      const dst = remaining === 0 ? out : remaining % 2 === 1 ? this.work : this.work2;
      this.stage(stages[s], src, dst);
      src = dst;
    }
  }

  /** Like `transform`, from a split input: real parts in re[0..n·batch), imaginary parts in im. */
  transformSplit(re: Float64Array, im: Float64Array, out: Float64Array): void {
    const stages = this.stages;
    const ns = stages.length;
    const first = ns > 0 ? stages[0].p : 0;
    if (first !== 8 && first !== 4 && first !== 2) {
      const w = ns % 2 === 0 ? this.work : this.work2; // not the first stage's destination
      const total = this.n * this.batch;
      for (let i = 0; i < total; i++) {
        w[2 * i] = re[i];
        w[2 * i + 1] = im[i];
      }
      this.transform(w, out);
      return;
    }
    const dst0 = ns === 1 ? out : (ns - 1) % 2 === 1 ? this.work : this.work2;
    if (first === 8) firstSplit8(stages[0], re, im, dst0);
    else if (first === 4) firstSplit4(stages[0], re, im, dst0);
    else firstSplit2(stages[0], re, im, dst0);
    let src = dst0;
    for (let s = 1; s < ns; s++) {
      const remaining = ns - 1 - s;
      const dst = remaining === 0 ? out : remaining % 2 === 1 ? this.work : this.work2;
      this.stage(stages[s], src, dst);
      src = dst;
    }
  }

  private stage(st: Stage, x: Float64Array, y: Float64Array): void {
    switch (st.p) {
      case 2:
        radix2(st, x, y);
        break;
      case 3:
        radix3(st, x, y);
        break;
      case 4:
        radix4(st, x, y);
        break;
      case 8:
        radix8(st, x, y);
        break;
      case 5:
        radix5(st, x, y);
        break;
      default:
        radixGeneric(st, x, y, this.gen, this.genTw.get(st.p)!);
    }
  }
}

function radix2(st: Stage, x: Float64Array, y: Float64Array): void {
  const { Ls, r, tw } = st;
  const r2 = 2 * r;
  const outStride = 2 * Ls * r; // f2 step in y
  for (let f1 = 0; f1 < Ls; f1++) {
    const w1r = tw[2 * f1];
    const w1i = tw[2 * f1 + 1];
    const x0 = 4 * f1 * r;
    const x1 = x0 + r2;
    const y0 = 2 * f1 * r;
    const y1 = y0 + outStride;
    if (f1 === 0) {
      for (let k = 0; k < r2; k += 2) {
        const a0r = x[x0 + k];
        const a0i = x[x0 + k + 1];
        const a1r = x[x1 + k];
        const a1i = x[x1 + k + 1];
        y[y0 + k] = a0r + a1r;
        y[y0 + k + 1] = a0i + a1i;
        y[y1 + k] = a0r - a1r;
        y[y1 + k + 1] = a0i - a1i;
      }
    } else {
      for (let k = 0; k < r2; k += 2) {
        const a0r = x[x0 + k];
        const a0i = x[x0 + k + 1];
        const br = x[x1 + k];
        const bi = x[x1 + k + 1];
        const a1r = br * w1r - bi * w1i;
        const a1i = br * w1i + bi * w1r;
        y[y0 + k] = a0r + a1r;
        y[y0 + k + 1] = a0i + a1i;
        y[y1 + k] = a0r - a1r;
        y[y1 + k + 1] = a0i - a1i;
      }
    }
  }
}

const S3 = Math.sqrt(3) / 2;

function radix3(st: Stage, x: Float64Array, y: Float64Array): void {
  const { Ls, r, tw } = st;
  const r2 = 2 * r;
  const os = 2 * Ls * r;
  for (let f1 = 0; f1 < Ls; f1++) {
    const w1r = tw[4 * f1];
    const w1i = tw[4 * f1 + 1];
    const w2r = tw[4 * f1 + 2];
    const w2i = tw[4 * f1 + 3];
    const x0 = 6 * f1 * r;
    const x1 = x0 + r2;
    const x2 = x1 + r2;
    const y0 = 2 * f1 * r;
    const y1 = y0 + os;
    const y2 = y1 + os;
    for (let k = 0; k < r2; k += 2) {
      const a0r = x[x0 + k];
      const a0i = x[x0 + k + 1];
      let br = x[x1 + k];
      let bi = x[x1 + k + 1];
      const a1r = br * w1r - bi * w1i;
      const a1i = br * w1i + bi * w1r;
      br = x[x2 + k];
      bi = x[x2 + k + 1];
      const a2r = br * w2r - bi * w2i;
      const a2i = br * w2i + bi * w2r;
      const tr = a1r + a2r;
      const ti = a1i + a2i;
      const mr = a0r - 0.5 * tr;
      const mi = a0i - 0.5 * ti;
      const nr = S3 * (a1r - a2r);
      const ni = S3 * (a1i - a2i);
      y[y0 + k] = a0r + tr;
      y[y0 + k + 1] = a0i + ti;
      // b1 = m - i·n, b2 = m + i·n
      y[y1 + k] = mr + ni;
      y[y1 + k + 1] = mi - nr;
      y[y2 + k] = mr - ni;
      y[y2 + k + 1] = mi + nr;
    }
  }
}

function radix4(st: Stage, x: Float64Array, y: Float64Array): void {
  const { Ls, r, tw } = st;
  const r2 = 2 * r;
  const os = 2 * Ls * r;
  for (let f1 = 0; f1 < Ls; f1++) {
    const x0 = 8 * f1 * r;
    const x1 = x0 + r2;
    const x2 = x1 + r2;
    const x3 = x2 + r2;
    const y0 = 2 * f1 * r;
    const y1 = y0 + os;
    const y2 = y1 + os;
    const y3 = y2 + os;
    if (f1 === 0) {
      for (let k = 0; k < r2; k += 2) {
        const a0r = x[x0 + k];
        const a0i = x[x0 + k + 1];
        const a1r = x[x1 + k];
        const a1i = x[x1 + k + 1];
        const a2r = x[x2 + k];
        const a2i = x[x2 + k + 1];
        const a3r = x[x3 + k];
        const a3i = x[x3 + k + 1];
        const t0r = a0r + a2r;
        const t0i = a0i + a2i;
        const t1r = a0r - a2r;
        const t1i = a0i - a2i;
        const t2r = a1r + a3r;
        const t2i = a1i + a3i;
        const t3r = a1r - a3r;
        const t3i = a1i - a3i;
        y[y0 + k] = t0r + t2r;
        y[y0 + k + 1] = t0i + t2i;
        // b1 = t1 - i·t3
        y[y1 + k] = t1r + t3i;
        y[y1 + k + 1] = t1i - t3r;
        y[y2 + k] = t0r - t2r;
        y[y2 + k + 1] = t0i - t2i;
        // b3 = t1 + i·t3
        y[y3 + k] = t1r - t3i;
        y[y3 + k + 1] = t1i + t3r;
      }
    } else {
      const j = 6 * f1;
      const w1r = tw[j];
      const w1i = tw[j + 1];
      const w2r = tw[j + 2];
      const w2i = tw[j + 3];
      const w3r = tw[j + 4];
      const w3i = tw[j + 5];
      for (let k = 0; k < r2; k += 2) {
        const a0r = x[x0 + k];
        const a0i = x[x0 + k + 1];
        let br = x[x1 + k];
        let bi = x[x1 + k + 1];
        const a1r = br * w1r - bi * w1i;
        const a1i = br * w1i + bi * w1r;
        br = x[x2 + k];
        bi = x[x2 + k + 1];
        const a2r = br * w2r - bi * w2i;
        const a2i = br * w2i + bi * w2r;
        br = x[x3 + k];
        bi = x[x3 + k + 1];
        const a3r = br * w3r - bi * w3i;
        const a3i = br * w3i + bi * w3r;
        const t0r = a0r + a2r;
        const t0i = a0i + a2i;
        const t1r = a0r - a2r;
        const t1i = a0i - a2i;
        const t2r = a1r + a3r;
        const t2i = a1i + a3i;
        const t3r = a1r - a3r;
        const t3i = a1i - a3i;
        y[y0 + k] = t0r + t2r;
        y[y0 + k + 1] = t0i + t2i;
        y[y1 + k] = t1r + t3i;
        y[y1 + k + 1] = t1i - t3r;
        y[y2 + k] = t0r - t2r;
        y[y2 + k + 1] = t0i - t2i;
        y[y3 + k] = t1r - t3i;
        y[y3 + k + 1] = t1i + t3r;
      }
    }
  }
}

const C51 = Math.cos((2 * Math.PI) / 5);
const C52 = Math.cos((4 * Math.PI) / 5);
const S51 = Math.sin((2 * Math.PI) / 5);
const S52 = Math.sin((4 * Math.PI) / 5);

function radix5(st: Stage, x: Float64Array, y: Float64Array): void {
  const { Ls, r, tw } = st;
  const r2 = 2 * r;
  const os = 2 * Ls * r;
  for (let f1 = 0; f1 < Ls; f1++) {
    const j = 8 * f1;
    const w1r = tw[j];
    const w1i = tw[j + 1];
    const w2r = tw[j + 2];
    const w2i = tw[j + 3];
    const w3r = tw[j + 4];
    const w3i = tw[j + 5];
    const w4r = tw[j + 6];
    const w4i = tw[j + 7];
    const x0 = 10 * f1 * r;
    const x1 = x0 + r2;
    const x2 = x1 + r2;
    const x3 = x2 + r2;
    const x4 = x3 + r2;
    const y0 = 2 * f1 * r;
    const y1 = y0 + os;
    const y2 = y1 + os;
    const y3 = y2 + os;
    const y4 = y3 + os;
    for (let k = 0; k < r2; k += 2) {
      const a0r = x[x0 + k];
      const a0i = x[x0 + k + 1];
      let br = x[x1 + k];
      let bi = x[x1 + k + 1];
      const a1r = br * w1r - bi * w1i;
      const a1i = br * w1i + bi * w1r;
      br = x[x2 + k];
      bi = x[x2 + k + 1];
      const a2r = br * w2r - bi * w2i;
      const a2i = br * w2i + bi * w2r;
      br = x[x3 + k];
      bi = x[x3 + k + 1];
      const a3r = br * w3r - bi * w3i;
      const a3i = br * w3i + bi * w3r;
      br = x[x4 + k];
      bi = x[x4 + k + 1];
      const a4r = br * w4r - bi * w4i;
      const a4i = br * w4i + bi * w4r;
      const t1r = a1r + a4r;
      const t1i = a1i + a4i;
      const t2r = a2r + a3r;
      const t2i = a2i + a3i;
      const t3r = a1r - a4r;
      const t3i = a1i - a4i;
      const t4r = a2r - a3r;
      const t4i = a2i - a3i;
      const m1r = a0r + C51 * t1r + C52 * t2r;
      const m1i = a0i + C51 * t1i + C52 * t2i;
      const m2r = a0r + C52 * t1r + C51 * t2r;
      const m2i = a0i + C52 * t1i + C51 * t2i;
      const n1r = S51 * t3r + S52 * t4r;
      const n1i = S51 * t3i + S52 * t4i;
      const n2r = S52 * t3r - S51 * t4r;
      const n2i = S52 * t3i - S51 * t4i;
      y[y0 + k] = a0r + t1r + t2r;
      y[y0 + k + 1] = a0i + t1i + t2i;
      // b1 = m1 - i·n1, b4 = m1 + i·n1, b2 = m2 - i·n2, b3 = m2 + i·n2
      y[y1 + k] = m1r + n1i;
      y[y1 + k + 1] = m1i - n1r;
      y[y4 + k] = m1r - n1i;
      y[y4 + k + 1] = m1i + n1r;
      y[y2 + k] = m2r + n2i;
      y[y2 + k + 1] = m2i - n2r;
      y[y3 + k] = m2r - n2i;
      y[y3 + k + 1] = m2i + n2r;
    }
  }
}

/** Any odd prime p: b_f = a_0 + Σ_{c=1}^{(p-1)/2} [cos(2πcf/p)(a_c + a_{p-c}) - i·sin(2πcf/p)(a_c - a_{p-c})]. */
function radixGeneric(st: Stage, x: Float64Array, y: Float64Array, a: Float64Array, g: Float64Array): void {
  const { p, Ls, r, tw } = st;
  const r2 = 2 * r;
  const os = 2 * Ls * r;
  const half = (p - 1) >> 1;
  for (let f1 = 0; f1 < Ls; f1++) {
    const tj = 2 * f1 * (p - 1);
    const i0 = 2 * f1 * r * p;
    const o0 = 2 * f1 * r;
    for (let k = 0; k < r2; k += 2) {
      a[0] = x[i0 + k];
      a[1] = x[i0 + k + 1];
      for (let c = 1; c < p; c++) {
        const br = x[i0 + c * r2 + k];
        const bi = x[i0 + c * r2 + k + 1];
        const wr = tw[tj + 2 * (c - 1)];
        const wi = tw[tj + 2 * (c - 1) + 1];
        a[2 * c] = br * wr - bi * wi;
        a[2 * c + 1] = br * wi + bi * wr;
      }
      // sums and differences of the mirrored inputs, once per butterfly: at 2p + 4(c-1)
      let s0r = a[0];
      let s0i = a[1];
      for (let c = 1; c <= half; c++) {
        const ar = a[2 * c];
        const ai = a[2 * c + 1];
        const br = a[2 * (p - c)];
        const bi = a[2 * (p - c) + 1];
        const o = 2 * p + 4 * (c - 1);
        a[o] = ar + br;
        a[o + 1] = ai + bi;
        a[o + 2] = ar - br;
        a[o + 3] = ai - bi;
        s0r += ar + br;
        s0i += ai + bi;
      }
      y[o0 + k] = s0r;
      y[o0 + k + 1] = s0i;
      for (let f = 1; f <= half; f++) {
        let mr = a[0];
        let mi = a[1];
        let nr = 0;
        let ni = 0;
        let idx = 0;
        for (let c = 1; c <= half; c++) {
          idx += f;
          if (idx >= p) idx -= p;
          const cr = g[2 * idx];
          const sn = g[2 * idx + 1];
          const o = 2 * p + 4 * (c - 1);
          mr += cr * a[o];
          mi += cr * a[o + 1];
          nr += sn * a[o + 2];
          ni += sn * a[o + 3];
        }
        // b_f = m - i·n, b_{p-f} = m + i·n
        y[o0 + f * os + k] = mr + ni;
        y[o0 + f * os + k + 1] = mi - nr;
        y[o0 + (p - f) * os + k] = mr - ni;
        y[o0 + (p - f) * os + k + 1] = mi + nr;
      }
    }
  }
}

const H8 = Math.SQRT1_2;

// Radix 8 is only ever the first stage (Ls = 1, no twiddles): see smoothRadices.
// 8-point forward DFT: even half e = DFT4(a0, a2, a4, a6), odd half o_f = W8^f · DFT4(a1, a3, a5, a7)_f,
// b_f = e_f + o_f, b_{f+4} = e_f - o_f, W8 = (1 - i)/√2.

function radix8(st: Stage, x: Float64Array, y: Float64Array): void {
  const r = st.r;
  const r2 = 2 * r;
  const os = 2 * r;
  for (let k = 0; k < r2; k += 2) {
    const o = k;
    const a0r = x[k];
    const a0i = x[k + 1];
    const a1r = x[1 * r2 + k];
    const a1i = x[1 * r2 + k + 1];
    const a2r = x[2 * r2 + k];
    const a2i = x[2 * r2 + k + 1];
    const a3r = x[3 * r2 + k];
    const a3i = x[3 * r2 + k + 1];
    const a4r = x[4 * r2 + k];
    const a4i = x[4 * r2 + k + 1];
    const a5r = x[5 * r2 + k];
    const a5i = x[5 * r2 + k + 1];
    const a6r = x[6 * r2 + k];
    const a6i = x[6 * r2 + k + 1];
    const a7r = x[7 * r2 + k];
    const a7i = x[7 * r2 + k + 1];
    const t0r = a0r + a4r;
    const t0i = a0i + a4i;
    const t1r = a0r - a4r;
    const t1i = a0i - a4i;
    const t2r = a2r + a6r;
    const t2i = a2i + a6i;
    const t3r = a2r - a6r;
    const t3i = a2i - a6i;
    const t4r = a1r + a5r;
    const t4i = a1i + a5i;
    const t5r = a1r - a5r;
    const t5i = a1i - a5i;
    const t6r = a3r + a7r;
    const t6i = a3i + a7i;
    const t7r = a3r - a7r;
    const t7i = a3i - a7i;
    const e0r = t0r + t2r;
    const e0i = t0i + t2i;
    const e2r = t0r - t2r;
    const e2i = t0i - t2i;
    const e1r = t1r + t3i;
    const e1i = t1i - t3r;
    const e3r = t1r - t3i;
    const e3i = t1i + t3r;
    const o0r = t4r + t6r;
    const o0i = t4i + t6i;
    const o2r = t4i - t6i;
    const o2i = t6r - t4r;
    const u1r = t5r + t7i;
    const u1i = t5i - t7r;
    const u3r = t5r - t7i;
    const u3i = t5i + t7r;
    const o1r = (u1r + u1i) * H8;
    const o1i = (u1i - u1r) * H8;
    const o3r = (u3i - u3r) * H8;
    const o3i = -(u3r + u3i) * H8;
    y[o] = e0r + o0r;
    y[o + 1] = e0i + o0i;
    y[o + os] = e1r + o1r;
    y[o + os + 1] = e1i + o1i;
    y[o + 2 * os] = e2r + o2r;
    y[o + 2 * os + 1] = e2i + o2i;
    y[o + 3 * os] = e3r + o3r;
    y[o + 3 * os + 1] = e3i + o3i;
    y[o + 4 * os] = e0r - o0r;
    y[o + 4 * os + 1] = e0i - o0i;
    y[o + 5 * os] = e1r - o1r;
    y[o + 5 * os + 1] = e1i - o1i;
    y[o + 6 * os] = e2r - o2r;
    y[o + 6 * os + 1] = e2i - o2i;
    y[o + 7 * os] = e3r - o3r;
    y[o + 7 * os + 1] = e3i - o3i;
  }
}

function firstSplit8(st: Stage, re: Float64Array, im: Float64Array, y: Float64Array): void {
  const r = st.r;
  const os = 2 * r;
  for (let k = 0; k < r; k++) {
    const o = 2 * k;
    const a0r = re[k];
    const a0i = im[k];
    const a1r = re[1 * r + k];
    const a1i = im[1 * r + k];
    const a2r = re[2 * r + k];
    const a2i = im[2 * r + k];
    const a3r = re[3 * r + k];
    const a3i = im[3 * r + k];
    const a4r = re[4 * r + k];
    const a4i = im[4 * r + k];
    const a5r = re[5 * r + k];
    const a5i = im[5 * r + k];
    const a6r = re[6 * r + k];
    const a6i = im[6 * r + k];
    const a7r = re[7 * r + k];
    const a7i = im[7 * r + k];
    const t0r = a0r + a4r;
    const t0i = a0i + a4i;
    const t1r = a0r - a4r;
    const t1i = a0i - a4i;
    const t2r = a2r + a6r;
    const t2i = a2i + a6i;
    const t3r = a2r - a6r;
    const t3i = a2i - a6i;
    const t4r = a1r + a5r;
    const t4i = a1i + a5i;
    const t5r = a1r - a5r;
    const t5i = a1i - a5i;
    const t6r = a3r + a7r;
    const t6i = a3i + a7i;
    const t7r = a3r - a7r;
    const t7i = a3i - a7i;
    const e0r = t0r + t2r;
    const e0i = t0i + t2i;
    const e2r = t0r - t2r;
    const e2i = t0i - t2i;
    const e1r = t1r + t3i;
    const e1i = t1i - t3r;
    const e3r = t1r - t3i;
    const e3i = t1i + t3r;
    const o0r = t4r + t6r;
    const o0i = t4i + t6i;
    const o2r = t4i - t6i;
    const o2i = t6r - t4r;
    const u1r = t5r + t7i;
    const u1i = t5i - t7r;
    const u3r = t5r - t7i;
    const u3i = t5i + t7r;
    const o1r = (u1r + u1i) * H8;
    const o1i = (u1i - u1r) * H8;
    const o3r = (u3i - u3r) * H8;
    const o3i = -(u3r + u3i) * H8;
    y[o] = e0r + o0r;
    y[o + 1] = e0i + o0i;
    y[o + os] = e1r + o1r;
    y[o + os + 1] = e1i + o1i;
    y[o + 2 * os] = e2r + o2r;
    y[o + 2 * os + 1] = e2i + o2i;
    y[o + 3 * os] = e3r + o3r;
    y[o + 3 * os + 1] = e3i + o3i;
    y[o + 4 * os] = e0r - o0r;
    y[o + 4 * os + 1] = e0i - o0i;
    y[o + 5 * os] = e1r - o1r;
    y[o + 5 * os + 1] = e1i - o1i;
    y[o + 6 * os] = e2r - o2r;
    y[o + 6 * os + 1] = e2i - o2i;
    y[o + 7 * os] = e3r - o3r;
    y[o + 7 * os + 1] = e3i - o3i;
  }
}

function firstSplit4(st: Stage, re: Float64Array, im: Float64Array, y: Float64Array): void {
  const r = st.r;
  const os = 2 * r;
  for (let k = 0; k < r; k++) {
    const a0r = re[k];
    const a0i = im[k];
    const a1r = re[r + k];
    const a1i = im[r + k];
    const a2r = re[2 * r + k];
    const a2i = im[2 * r + k];
    const a3r = re[3 * r + k];
    const a3i = im[3 * r + k];
    const t0r = a0r + a2r;
    const t0i = a0i + a2i;
    const t1r = a0r - a2r;
    const t1i = a0i - a2i;
    const t2r = a1r + a3r;
    const t2i = a1i + a3i;
    const t3r = a1r - a3r;
    const t3i = a1i - a3i;
    const o = 2 * k;
    y[o] = t0r + t2r;
    y[o + 1] = t0i + t2i;
    y[o + os] = t1r + t3i;
    y[o + os + 1] = t1i - t3r;
    y[o + 2 * os] = t0r - t2r;
    y[o + 2 * os + 1] = t0i - t2i;
    y[o + 3 * os] = t1r - t3i;
    y[o + 3 * os + 1] = t1i + t3r;
  }
}

function firstSplit2(st: Stage, re: Float64Array, im: Float64Array, y: Float64Array): void {
  const r = st.r;
  const os = 2 * r;
  for (let k = 0; k < r; k++) {
    const a0r = re[k];
    const a0i = im[k];
    const a1r = re[r + k];
    const a1i = im[r + k];
    const o = 2 * k;
    y[o] = a0r + a1r;
    y[o + 1] = a0i + a1i;
    y[o + os] = a0r - a1r;
    y[o + os + 1] = a0i - a1i;
  }
}
