/**
 * The radix-4 Stockham FFT of mixed.ts for power-of-four lengths, as one small WebAssembly SIMD kernel:
 * a complex number is one f64x2 (re, im), so each butterfly does its float64 arithmetic two lanes at a
 * time with no bounds checks. Why: the chirp-z (chirp.ts), which most spectrogram widths take, spends most
 * of its time in power-of-two FFTs of 4096 points, and JavaScript scalar code runs them at about one flop
 * per cycle.
 *
 * The arithmetic is the same operation for operation as mixed.ts's radix4 (a·w as re·(wr, wi) + im·(−wi, wr),
 * which rounds exactly as wr·re − wi·im; −i·t as a lane swap and a sign), so the results are bit-identical to
 * MixedFFT's for the same length and batch — the tests check that.
 *
 * The module is assembled from its opcodes (@hitcast/core/wasm/assembler): `stage4(x, y, tw, Ls, r)` is one
 * Stockham stage, byte offsets into the instance's memory, r = complex values per inner loop.
 */

import { BLOCK, br, brIf, compileKernels, END, F64, F64X2, get, i32, I32, instantiate, LOOP, range, set, V128, type Kernel, type WasmModule } from '@hitcast/core/wasm/assembler';
import { PAIRS_BATCHES, PAIRS_KERNELS } from './wasm-radix4-pairs.ts';

const [ADD32, MUL32, SHL32, GE_U32] = [I32.add, I32.mul, I32.shl, I32.geU];
const [load, store, shuffle] = [V128.load, V128.store, V128.shuffle];
const [F64X2_ADD, F64X2_SUB, F64X2_MUL, f64x2Const] = [F64X2.add, F64X2.sub, F64X2.mul, F64X2.const];
const SPLAT_RE = shuffle([...range(0, 8), ...range(0, 8)]);
const SPLAT_IM = shuffle([...range(8, 8), ...range(8, 8)]);
const SWAP = shuffle([...range(8, 8), ...range(0, 8)]);

// stage4's locals: parameters, then i32 scratch, then v128 values.
const [X, Y, TW, LS, R] = [0, 1, 2, 3, 4];
const [F1, K, RB, OS, XA, YA, TWP, P] = [5, 6, 7, 8, 9, 10, 11, 12];
const [W1, W1X, W2, W2X, W3, W3X, A0, A1, A2, A3, T0, T1, T2, T3] = range(13, 14);

/** a·w for a complex in local `a`, twiddle w = (wr, wi) and wx = (−wi, wr): re·w + im·wx. */
const cmul = (a: number, w: number, wx: number) => [...get(a), ...get(a), ...SPLAT_RE, ...get(w), ...F64X2_MUL, ...get(a), ...get(a), ...SPLAT_IM, ...get(wx), ...F64X2_MUL, ...F64X2_ADD];

/** One radix-4 stage; without twiddles for the first stage (Ls = 1, all twiddles 1), as mixed.ts's f1 = 0. */
function stage4Body(twiddles: boolean): number[] {
  const inner = [
    ...BLOCK,
    ...LOOP,
    ...get(K), ...get(RB), ...GE_U32, ...brIf(1),
    ...get(XA), ...get(K), ...ADD32, ...set(P),
    ...get(P), ...load(), ...set(A0),
    // a_c = x_c · w_c
    ...[A1, A2, A3].flatMap((a, c) => [
      ...get(P), ...get(RB), ...i32(c + 1), ...MUL32, ...ADD32, ...load(), ...set(a),
      ...(twiddles ? [...cmul(a, [W1, W2, W3][c], [W1X, W2X, W3X][c]), ...set(a)] : []),
    ]),
    ...get(A0), ...get(A2), ...F64X2_ADD, ...set(T0),
    ...get(A0), ...get(A2), ...F64X2_SUB, ...set(T1),
    ...get(A1), ...get(A3), ...F64X2_ADD, ...set(T2),
    // t3 := −i·(a1 − a3) = (t3i, −t3r)
    ...get(A1), ...get(A3), ...F64X2_SUB, ...set(T3),
    ...get(T3), ...get(T3), ...SWAP, ...f64x2Const(1, -1), ...F64X2_MUL, ...set(T3),
    ...get(YA), ...get(K), ...ADD32, ...set(P),
    ...get(P), ...get(T0), ...get(T2), ...F64X2_ADD, ...store(),
    ...get(P), ...get(OS), ...ADD32, ...get(T1), ...get(T3), ...F64X2_ADD, ...store(),
    ...get(P), ...get(OS), ...i32(2), ...MUL32, ...ADD32, ...get(T0), ...get(T2), ...F64X2_SUB, ...store(),
    ...get(P), ...get(OS), ...i32(3), ...MUL32, ...ADD32, ...get(T1), ...get(T3), ...F64X2_SUB, ...store(),
    ...get(K), ...i32(16), ...ADD32, ...set(K),
    ...br(0),
    ...END,
    ...END,
  ];
  const outer = [
    ...get(R), ...i32(4), ...SHL32, ...set(RB),
    ...get(LS), ...get(RB), ...MUL32, ...set(OS),
    ...i32(0), ...set(F1),
    ...get(TW), ...set(TWP),
    ...BLOCK,
    ...LOOP,
    ...get(F1), ...get(LS), ...GE_U32, ...brIf(1),
    ...[W1, W1X, W2, W2X, W3, W3X].flatMap((w, j) => [...get(TWP), ...load(16 * j), ...set(w)]),
    ...get(X), ...get(F1), ...get(RB), ...MUL32, ...i32(2), ...SHL32, ...ADD32, ...set(XA),
    ...get(Y), ...get(F1), ...get(RB), ...MUL32, ...ADD32, ...set(YA),
    ...i32(0), ...set(K),
    ...inner,
    ...get(F1), ...i32(1), ...ADD32, ...set(F1),
    ...get(TWP), ...i32(96), ...ADD32, ...set(TWP),
    ...br(0),
    ...END,
    ...END,
  ];
  return outer;
}

/** Batches whose lane loops are unrolled in macConj and chirpIn (one kernel each); others loop over lanes. */
const UNROLLED_BATCHES = [1, 2, 3, 4, 5, 6, 7, 8];

/**
 * macConj(spec, g, acc, L, lanes): acc[u, ℓ] += conj(spec[u, ℓ] · g[u]) for u < L, ℓ < lanes (the chirp-z's
 * kernel product, chirp.ts). conj(x·g) is computed as xr·(gr, −gi) + xi·(−gi, −gr): the same products and
 * sums as conj of the scalar xr·gr − xi·gi, xr·gi + xi·gr up to signs, so the same bits (rounding is
 * symmetric in sign). `unrolled`: a kernel for exactly that many lanes, each lane's code written out.
 */
function macConjBody(unrolled?: number): number[] {
  const [SPEC, G, ACC, L, LANES] = [0, 1, 2, 3, 4];
  const [U, LANE, OFF, GP] = [5, 6, 7, 8];
  const [GV, GA, GB, XV] = [9, 10, 11, 12];
  const lane = (offset: number) => [
    ...get(SPEC), ...get(OFF), ...ADD32, ...load(offset), ...set(XV),
    ...get(ACC), ...get(OFF), ...ADD32, // store address
    ...get(ACC), ...get(OFF), ...ADD32, ...load(offset),
    ...get(XV), ...get(XV), ...SPLAT_RE, ...get(GA), ...F64X2_MUL, ...get(XV), ...get(XV), ...SPLAT_IM, ...get(GB), ...F64X2_MUL, ...F64X2_ADD,
    ...F64X2_ADD, ...store(offset),
  ];
  const lanes = unrolled
    ? [...range(0, unrolled).flatMap((l) => lane(16 * l)), ...get(OFF), ...i32(16 * unrolled), ...ADD32, ...set(OFF)]
    : [
        ...i32(0), ...set(LANE),
        ...BLOCK,
        ...LOOP,
        ...get(LANE), ...get(LANES), ...GE_U32, ...brIf(1),
        ...lane(0),
        ...get(OFF), ...i32(16), ...ADD32, ...set(OFF),
        ...get(LANE), ...i32(1), ...ADD32, ...set(LANE),
        ...br(0),
        ...END,
        ...END,
      ];
  return [
    ...i32(0), ...set(OFF),
    ...get(G), ...set(GP),
    ...i32(0), ...set(U),
    ...BLOCK,
    ...LOOP,
    ...get(U), ...get(L), ...GE_U32, ...brIf(1),
    ...get(GP), ...load(), ...set(GV),
    // ga = (gr, −gi), gb = (−gi, −gr): once per point for every lane
    ...get(GV), ...f64x2Const(1, -1), ...F64X2_MUL, ...set(GA),
    ...get(GV), ...get(GV), ...SWAP, ...f64x2Const(-1, -1), ...F64X2_MUL, ...set(GB),
    ...lanes,
    ...get(GP), ...i32(16), ...ADD32, ...set(GP),
    ...get(U), ...i32(1), ...ADD32, ...set(U),
    ...br(0),
    ...END,
    ...END,
  ];
}

/**
 * chirpIn(re, im, chirp, buf, n, lanes, laneStride): buf[i·lanes + ℓ] = (re + i·im)[ℓ·laneStride + i] · chirp[i]
 * for i < n, ℓ < lanes (the chirp-z's input product, chirp.ts); re, im and laneStride in float64s, the
 * rest complex. Same rounding as re·cr − im·ci, re·ci + im·cr. Point by point, every lane's product at
 * once (the chirp value loaded once, buf written in order); `unrolled` as in macConj.
 */
function chirpInBody(unrolled?: number): number[] {
  const [RE, IM, CH, BUF, N, LANES, LSTRIDE] = [0, 1, 2, 3, 4, 5, 6];
  const [I, LANE, SRC, DST, LBYTES] = [7, 8, 9, 10, 11];
  const [CV, CX] = [28, 29];
  // lane ℓ's real part at RE_BASE[ℓ] + SRC (SRC = 8·i; the bases precomputed), written to buf at DST + 16ℓ
  const RE_BASE = range(12, 8);
  const IM_BASE = range(20, 8);
  const lane = (l: number) => [
    ...get(DST),
    ...get(RE_BASE[l]), ...get(SRC), ...ADD32, ...F64.load(), ...F64X2.splat, ...get(CV), ...F64X2_MUL,
    ...get(IM_BASE[l]), ...get(SRC), ...ADD32, ...F64.load(), ...F64X2.splat, ...get(CX), ...F64X2_MUL,
    ...F64X2_ADD, ...store(16 * l),
  ];
  const laneLoop = (extra: (l: number) => number[]) => [
    ...i32(0), ...set(LANE),
    ...BLOCK,
    ...LOOP,
    ...get(LANE), ...get(LANES), ...GE_U32, ...brIf(1),
    ...extra(LANE),
    ...get(LANE), ...i32(1), ...ADD32, ...set(LANE),
    ...br(0),
    ...END,
    ...END,
  ];
  const genericLane = (laneLocal: number) => [
    ...get(DST), ...get(laneLocal), ...i32(4), ...SHL32, ...ADD32,
    ...get(RE), ...get(SRC), ...ADD32, ...get(LBYTES), ...get(laneLocal), ...MUL32, ...ADD32, ...F64.load(), ...F64X2.splat, ...get(CV), ...F64X2_MUL,
    ...get(IM), ...get(SRC), ...ADD32, ...get(LBYTES), ...get(laneLocal), ...MUL32, ...ADD32, ...F64.load(), ...F64X2.splat, ...get(CX), ...F64X2_MUL,
    ...F64X2_ADD, ...store(),
  ];
  return [
    ...get(LSTRIDE), ...i32(3), ...SHL32, ...set(LBYTES),
    ...range(0, unrolled ?? 0).flatMap((l) => [
      ...get(RE), ...get(LBYTES), ...i32(l), ...MUL32, ...ADD32, ...set(RE_BASE[l]),
      ...get(IM), ...get(LBYTES), ...i32(l), ...MUL32, ...ADD32, ...set(IM_BASE[l]),
    ]),
    ...get(BUF), ...set(DST),
    ...i32(0), ...set(SRC),
    ...i32(0), ...set(I),
    ...BLOCK,
    ...LOOP,
    ...get(I), ...get(N), ...GE_U32, ...brIf(1),
    ...get(CH), ...get(I), ...i32(4), ...SHL32, ...ADD32, ...load(), ...set(CV),
    ...get(CV), ...get(CV), ...SWAP, ...f64x2Const(-1, 1), ...F64X2_MUL, ...set(CX),
    ...(unrolled ? range(0, unrolled).flatMap(lane) : laneLoop(genericLane)),
    ...get(DST), ...get(LANES), ...i32(4), ...SHL32, ...ADD32, ...set(DST),
    ...get(SRC), ...i32(8), ...ADD32, ...set(SRC),
    ...get(I), ...i32(1), ...ADD32, ...set(I),
    ...br(0),
    ...END,
    ...END,
  ];
}

const KERNELS: Kernel[] = [
  { name: 'stage4', params: 5, locals: { i32: 8, v128: 14 }, body: stage4Body(true) },
  { name: 'stage4First', params: 5, locals: { i32: 8, v128: 14 }, body: stage4Body(false) },
  { name: 'macConj', params: 5, locals: { i32: 4, v128: 4 }, body: macConjBody() },
  { name: 'chirpIn', params: 7, locals: { i32: 21, v128: 2 }, body: chirpInBody() },
  ...UNROLLED_BATCHES.flatMap((b): Kernel[] => [
    { name: `macConj${b}`, params: 5, locals: { i32: 4, v128: 4 }, body: macConjBody(b) },
    { name: `chirpIn${b}`, params: 7, locals: { i32: 21, v128: 2 }, body: chirpInBody(b) },
  ]),
  ...PAIRS_KERNELS,
];

let compiled: WasmModule | null | undefined;
/** The compiled kernels, or null where WebAssembly SIMD is missing (the callers then use mixed.ts). */
function kernelModule(): WasmModule | null {
  if (compiled === undefined) compiled = compileKernels(KERNELS);
  return compiled;
}


/** This thread's shared instances (WasmRadix4FFT.shared), by length, batch and layout. */
const sharedInstances = new Map<string, WasmRadix4FFT>();

/**
 * How a batch's complex values lie in memory, point by point: "interleaved" — lane ℓ's (re, im) at
 * 2ℓ, 2ℓ + 1 (mixed.ts's batched layout); "pairs" — lanes 2p, 2p + 1 as (re, re, im, im) at 4p … 4p + 3
 * (even batches; about half the instructions, see wasm-radix4-pairs.ts). Same bits either way.
 */
export type BatchLayout = 'interleaved' | 'pairs';

/** Offsets, in doubles within one point's 2·batch values, of lane ℓ's real and imaginary parts. */
export function laneOffsets(layout: BatchLayout, lane: number): { re: number; im: number } {
  if (layout === 'interleaved') return { re: 2 * lane, im: 2 * lane + 1 };
  const re = 4 * (lane >> 1) + (lane & 1);
  return { re, im: re + 2 };
}

/**
 * A batched power-of-four FFT (forward, unnormalised) whose data live in its own WebAssembly memory: the
 * caller works in `buffers` (of the lengths it asked for, in doubles; a transform's operands hold 2·n·batch,
 * complex, point by point in `layout`) and calls transform(src, dst) or macConj on them.
 */
export class WasmRadix4FFT {
  readonly buffers: Float64Array[];
  readonly layout: BatchLayout;
  private readonly stage4: (x: number, y: number, tw: number, Ls: number, r: number) => void;
  private readonly stage4First: WasmRadix4FFT['stage4'];
  private readonly mac: (spec: number, g: number, acc: number, L: number, lanes: number) => void;
  private readonly chirp: (re: number, im: number, chirp: number, buf: number, n: number, lanes: number, laneStride: number) => void;
  private readonly stages: { Ls: number; r: number; tw: number }[];
  private readonly work: [number, number];

  /**
   * Which plan's data the shared buffers hold now (see `shared`): a plan that finds another here copies its
   * own data in before it runs.
   */
  owner: unknown = null;

  /**
   * A per-thread instance for (n, batch, layout) whose buffers hold at least `bufferLengths`, reused by every
   * plan that asks: a new spectrogram width is a new plan, and a WebAssembly memory per plan (~4.5 MB, with
   * its address-space reservation) cost a few ms a song and contended between worker threads. When a plan
   * needs more than the current instance holds, a larger one replaces it for later plans; plans made
   * earlier keep theirs. The returned buffers are views of the requested lengths.
   */
  static shared(n: number, batch: number, bufferLengths: number[], layout: BatchLayout = WasmRadix4FFT.layoutFor(batch)): { fft: WasmRadix4FFT; buffers: Float64Array[] } {
    const key = `${n},${batch},${layout}`;
    let fft = sharedInstances.get(key);
    if (!fft || fft.buffers.length !== bufferLengths.length || bufferLengths.some((length, i) => length > fft!.buffers[i].length)) {
      // A quarter of headroom, so that slowly growing widths do not make a new instance every time.
      const capacity = bufferLengths.map((length, i) => Math.max(length, Math.ceil(1.25 * length), fft?.buffers[i]?.length ?? 0));
      fft = new WasmRadix4FFT(n, batch, capacity, layout);
      sharedInstances.set(key, fft);
    }
    return { fft, buffers: bufferLengths.map((length, i) => fft!.buffers[i].subarray(0, length)) };
  }

  /** The layout a batch gets: pairs where kernels exist for it, else interleaved. */
  static layoutFor(batch: number): BatchLayout {
    return PAIRS_BATCHES.includes(batch) ? 'pairs' : 'interleaved';
  }

  static supports(n: number): boolean {
    return n >= 4 && (n & (n - 1)) === 0 && Math.log2(n) % 2 === 0 && kernelModule() !== null;
  }

  constructor(
    readonly n: number,
    readonly batch: number,
    bufferLengths: number[],
    layout: BatchLayout = WasmRadix4FFT.layoutFor(batch),
  ) {
    if (layout === 'pairs' && !PAIRS_BATCHES.includes(batch)) throw new RangeError(`WasmRadix4FFT: no pairs kernels for a batch of ${batch}`);
    this.layout = layout;
    if (!WasmRadix4FFT.supports(n)) throw new RangeError(`WasmRadix4FFT: ${n} is not a power of four (or no WebAssembly SIMD)`);
    const tables: { Ls: number; r: number; values: Float64Array }[] = [];
    for (let L = 4; L <= n; L *= 4) {
      const Ls = L / 4;
      // per f1: (w1, w1x, w2, w2x, w3, w3x), w_c = ω_L^{c·f1} exactly as mixed.ts computes it, wx = (−wi, wr)
      const values = new Float64Array(12 * Ls);
      for (let f1 = 0; f1 < Ls; f1++) {
        for (let c = 1; c < 4; c++) {
          let q = (c * f1) % L;
          if (2 * q > L) q -= L;
          const angle = (2 * Math.PI * q) / L;
          const wr = Math.cos(angle);
          const wi = -Math.sin(angle);
          // interleaved: w = (wr, wi), wx = (−wi, wr); pairs: (wr, wr), (wi, wi)
          values.set(layout === 'pairs' ? [wr, wr, wi, wi] : [wr, wi, -wi, wr], 12 * f1 + 4 * (c - 1));
        }
      }
      tables.push({ Ls, r: (n / L) * batch, values });
    }
    const bufferBytes = 16 * n * batch;
    const tableBytes = tables.reduce((s, t) => s + t.values.byteLength, 0);
    const userBytes = bufferLengths.reduce((s, n) => s + 16 * Math.ceil(n / 2), 0); // 16-byte aligned
    const { memory, exports } = instantiate(kernelModule()!, tableBytes + 2 * bufferBytes + userBytes);
    if (layout === 'pairs') {
      this.stage4 = exports.stage4Pairs as WasmRadix4FFT['stage4'];
      this.stage4First = exports.stage4PairsFirst as WasmRadix4FFT['stage4'];
      const mac = exports[`macConjPairs${batch}`] as (spec: number, g: number, acc: number, L: number) => void;
      const chirp = exports[`chirpInPairs${batch}`] as (re: number, im: number, chirp: number, buf: number, n: number, laneStride: number) => void;
      this.mac = (spec, g, acc, L) => mac(spec, g, acc, L);
      this.chirp = (re, im, ch, buf, n, _lanes, laneStride) => chirp(re, im, ch, buf, n, laneStride);
    } else {
      this.stage4 = exports.stage4 as WasmRadix4FFT['stage4'];
      this.stage4First = exports.stage4First as WasmRadix4FFT['stage4'];
      const unrolled = UNROLLED_BATCHES.includes(batch);
      this.mac = exports[unrolled ? `macConj${batch}` : 'macConj'] as WasmRadix4FFT['mac'];
      this.chirp = exports[unrolled ? `chirpIn${batch}` : 'chirpIn'] as WasmRadix4FFT['chirp'];
    }
    let offset = 0;
    this.stages = tables.map((t) => {
      new Float64Array(memory.buffer, offset, t.values.length).set(t.values);
      const stage = { Ls: t.Ls, r: t.r, tw: offset };
      offset += t.values.byteLength;
      return stage;
    });
    this.work = [offset, offset + bufferBytes];
    offset += 2 * bufferBytes;
    this.buffers = [];
    for (const length of bufferLengths) {
      this.buffers.push(new Float64Array(memory.buffer, offset, length));
      offset += 16 * Math.ceil(length / 2);
    }
  }

  /**
   * buf[i·batch + ℓ] = (re[ℓ·laneStride + start + i] + i·im[…]) · chirp[start + i], i < n, ℓ < batch (complex
   * buf and chirp, real re and im); all from `buffers`.
   */
  chirpIn(re: Float64Array, im: Float64Array, start: number, laneStride: number, chirp: Float64Array, buf: Float64Array, n: number): void {
    this.chirp(re.byteOffset + 8 * start, im.byteOffset + 8 * start, chirp.byteOffset + 16 * start, buf.byteOffset, n, this.batch, laneStride);
  }

  /** acc[u·batch + ℓ] += conj(spec[u·batch + ℓ] · g[gStart/2 + u]), u < n, complex; all three from `buffers`. */
  macConj(spec: Float64Array, g: Float64Array, gStart: number, acc: Float64Array): void {
    this.mac(spec.byteOffset, g.byteOffset + 8 * gStart, acc.byteOffset, this.n, this.batch);
  }

  /** dst = DFT(src), both from `buffers` (src is not modified). */
  transform(src: Float64Array, dst: Float64Array): void {
    const stages = this.stages;
    let from = src.byteOffset;
    for (let s = 0; s < stages.length; s++) {
      const remaining = stages.length - 1 - s;
      const to = remaining === 0 ? dst.byteOffset : this.work[remaining % 2];
      const st = stages[s];
      (s === 0 ? this.stage4First : this.stage4)(from, to, st.tw, st.Ls, st.r);
      from = to;
    }
  }
}
