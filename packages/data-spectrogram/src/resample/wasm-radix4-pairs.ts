/**
 * The kernels of wasm-radix4.ts for the "pairs" layout, used when the batch is even: per point, lanes
 * 2p and 2p + 1 are stored as two vectors, (re, re) then (im, im), instead of one (re, im) vector per
 * lane. A complex product then takes four multiplications and two additions for two lanes, against
 * two shuffles, two multiplications and one addition for one lane, and −i·t is a swap of registers: a
 * radix-4 butterfly costs about half the instructions.
 *
 * Every value is computed by the same float64 operations in the same order as the interleaved kernels
 * (x·w as xr·wr − xi·wi, xr·wi + xi·wr; conj and −i as signs, which round symmetrically), so the results
 * are bit-identical to mixed.ts's in either layout; the tests convert and compare.
 *
 * Twiddle table per f1, as for the interleaved kernels six vectors, here (wr, wr), (wi, wi) for c = 1, 2, 3.
 */
import { BLOCK, br, brIf, END, F64X2, get, i32, I32, LOOP, range, set, V128, V128_F64, type Kernel } from '@hitcast/core/wasm/assembler';

const [ADD32, MUL32, SHL32, GE_U32] = [I32.add, I32.mul, I32.shl, I32.geU];
const [load, store, shuffle] = [V128.load, V128.store, V128.shuffle];
const [ADD, SUB, MUL] = [F64X2.add, F64X2.sub, F64X2.mul];
const SPLAT_RE = shuffle([...range(0, 8), ...range(0, 8)]);
const SPLAT_IM = shuffle([...range(8, 8), ...range(8, 8)]);

/** stage4Pairs(x, y, tw, Ls, r): one radix-4 Stockham stage; r complex values per inner loop, as stage4. */
function stage4PairsBody(twiddles: boolean): number[] {
  const [X, Y, TW, LS, R] = [0, 1, 2, 3, 4];
  const [F1, K, RB, OS, XA, YA, TWP, P, Q, RB2, RB3, OS2, OS3] = range(5, 13);
  const [WR1, WI1, WR2, WI2, WR3, WI3] = range(18, 6);
  const AR = range(24, 4);
  const AI = range(28, 4);
  const [TMP, T0R, T0I, T1R, T1I, T2R, T2I, DR, DI] = range(32, 9);
  const WR = [0, WR1, WR2, WR3];
  const WI = [0, WI1, WI2, WI3];
  const RBC = [0, RB, RB2, RB3];
  const inner = [
    ...BLOCK,
    ...LOOP,
    ...get(K), ...get(RB), ...GE_U32, ...brIf(1),
    ...get(XA), ...get(K), ...ADD32, ...set(P),
    ...get(P), ...load(0), ...set(AR[0]),
    ...get(P), ...load(16), ...set(AI[0]),
    ...[1, 2, 3].flatMap((c) => [
      ...get(P), ...get(RBC[c]), ...ADD32, ...set(Q),
      ...get(Q), ...load(0), ...set(AR[c]),
      ...get(Q), ...load(16), ...set(AI[c]),
      ...(twiddles
        ? [
            ...get(AR[c]), ...get(WR[c]), ...MUL, ...get(AI[c]), ...get(WI[c]), ...MUL, ...SUB, ...set(TMP),
            ...get(AR[c]), ...get(WI[c]), ...MUL, ...get(AI[c]), ...get(WR[c]), ...MUL, ...ADD, ...set(AI[c]),
            ...get(TMP), ...set(AR[c]),
          ]
        : []),
    ]),
    ...get(AR[0]), ...get(AR[2]), ...ADD, ...set(T0R),
    ...get(AI[0]), ...get(AI[2]), ...ADD, ...set(T0I),
    ...get(AR[0]), ...get(AR[2]), ...SUB, ...set(T1R),
    ...get(AI[0]), ...get(AI[2]), ...SUB, ...set(T1I),
    ...get(AR[1]), ...get(AR[3]), ...ADD, ...set(T2R),
    ...get(AI[1]), ...get(AI[3]), ...ADD, ...set(T2I),
    ...get(AR[1]), ...get(AR[3]), ...SUB, ...set(DR),
    ...get(AI[1]), ...get(AI[3]), ...SUB, ...set(DI),
    ...get(YA), ...get(K), ...ADD32, ...set(Q),
    // y0 = t0 + t2; y1 = t1 − i·d; y2 = t0 − t2; y3 = t1 + i·d   (−i·d = (di, −dr))
    ...get(Q), ...get(T0R), ...get(T2R), ...ADD, ...store(0),
    ...get(Q), ...get(T0I), ...get(T2I), ...ADD, ...store(16),
    ...get(Q), ...get(OS), ...ADD32, ...set(P),
    ...get(P), ...get(T1R), ...get(DI), ...ADD, ...store(0),
    ...get(P), ...get(T1I), ...get(DR), ...SUB, ...store(16),
    ...get(Q), ...get(OS2), ...ADD32, ...set(P),
    ...get(P), ...get(T0R), ...get(T2R), ...SUB, ...store(0),
    ...get(P), ...get(T0I), ...get(T2I), ...SUB, ...store(16),
    ...get(Q), ...get(OS3), ...ADD32, ...set(P),
    ...get(P), ...get(T1R), ...get(DI), ...SUB, ...store(0),
    ...get(P), ...get(T1I), ...get(DR), ...ADD, ...store(16),
    ...get(K), ...i32(32), ...ADD32, ...set(K),
    ...br(0),
    ...END,
    ...END,
  ];
  return [
    ...get(R), ...i32(4), ...SHL32, ...set(RB),
    ...get(RB), ...i32(2), ...MUL32, ...set(RB2),
    ...get(RB), ...i32(3), ...MUL32, ...set(RB3),
    ...get(LS), ...get(RB), ...MUL32, ...set(OS),
    ...get(OS), ...i32(2), ...MUL32, ...set(OS2),
    ...get(OS), ...i32(3), ...MUL32, ...set(OS3),
    ...i32(0), ...set(F1),
    ...get(TW), ...set(TWP),
    ...BLOCK,
    ...LOOP,
    ...get(F1), ...get(LS), ...GE_U32, ...brIf(1),
    ...[WR1, WI1, WR2, WI2, WR3, WI3].flatMap((w, j) => [...get(TWP), ...load(16 * j), ...set(w)]),
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
}

/**
 * macConjPairs(spec, g, acc, L): acc[u, ℓ] += conj(spec[u, ℓ] · g[u]) for u < L and every lane, g[u] one
 * interleaved complex (as for the interleaved kernel): re += xr·gr − xi·gi, im −= xr·gi + xi·gr.
 */
function macConjPairsBody(pairs: number): number[] {
  const [SPEC, G, ACC, L] = [0, 1, 2, 3];
  const [U, OFF, GP, SP, AP] = [4, 5, 6, 7, 8];
  const [GV, GR, GI, XR, XI] = [9, 10, 11, 12, 13];
  const pair = (p: number) => [
    ...get(SP), ...load(32 * p), ...set(XR),
    ...get(SP), ...load(32 * p + 16), ...set(XI),
    ...get(AP),
    ...get(AP), ...load(32 * p),
    ...get(XR), ...get(GR), ...MUL, ...get(XI), ...get(GI), ...MUL, ...SUB,
    ...ADD, ...store(32 * p),
    ...get(AP),
    ...get(AP), ...load(32 * p + 16),
    ...get(XR), ...get(GI), ...MUL, ...get(XI), ...get(GR), ...MUL, ...ADD,
    ...SUB, ...store(32 * p + 16),
  ];
  return [
    ...i32(0), ...set(OFF),
    ...get(G), ...set(GP),
    ...i32(0), ...set(U),
    ...BLOCK,
    ...LOOP,
    ...get(U), ...get(L), ...GE_U32, ...brIf(1),
    ...get(GP), ...load(), ...set(GV),
    ...get(GV), ...get(GV), ...SPLAT_RE, ...set(GR),
    ...get(GV), ...get(GV), ...SPLAT_IM, ...set(GI),
    ...get(SPEC), ...get(OFF), ...ADD32, ...set(SP),
    ...get(ACC), ...get(OFF), ...ADD32, ...set(AP),
    ...range(0, pairs).flatMap(pair),
    ...get(OFF), ...i32(32 * pairs), ...ADD32, ...set(OFF),
    ...get(GP), ...i32(16), ...ADD32, ...set(GP),
    ...get(U), ...i32(1), ...ADD32, ...set(U),
    ...br(0),
    ...END,
    ...END,
  ];
}

/**
 * chirpInPairs(re, im, chirp, buf, n, laneStride): buf[i, ℓ] = (re + i·im)[ℓ·laneStride + i] · chirp[i] in
 * the pairs layout, i < n; re, im, laneStride in float64s, chirp interleaved complex. re·cr − im·ci,
 * re·ci + im·cr as the interleaved kernel.
 */
function chirpInPairsBody(pairs: number): number[] {
  const [RE, IM, CH, BUF, N, LSTRIDE] = [0, 1, 2, 3, 4, 5];
  const [I, SRC, DST, LBYTES] = [6, 7, 8, 9];
  const lanes = 2 * pairs;
  const RE_BASE = range(10, lanes);
  const IM_BASE = range(10 + lanes, lanes);
  const [CV, CR, CI, XR, XI] = range(10 + 2 * lanes, 5);
  const pairValues = (base: number[], p: number, into: number) => [
    ...get(base[2 * p + 1]), ...get(SRC), ...ADD32, // address for lane 1
    ...get(base[2 * p]), ...get(SRC), ...ADD32, ...V128_F64.load64Zero(),
    ...V128_F64.load64Lane(1),
    ...set(into),
  ];
  const pair = (p: number) => [
    ...pairValues(RE_BASE, p, XR),
    ...pairValues(IM_BASE, p, XI),
    ...get(DST), ...get(XR), ...get(CR), ...MUL, ...get(XI), ...get(CI), ...MUL, ...SUB, ...store(32 * p),
    ...get(DST), ...get(XR), ...get(CI), ...MUL, ...get(XI), ...get(CR), ...MUL, ...ADD, ...store(32 * p + 16),
  ];
  return [
    ...get(LSTRIDE), ...i32(3), ...SHL32, ...set(LBYTES),
    ...range(0, lanes).flatMap((l) => [
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
    ...get(CV), ...get(CV), ...SPLAT_RE, ...set(CR),
    ...get(CV), ...get(CV), ...SPLAT_IM, ...set(CI),
    ...range(0, pairs).flatMap(pair),
    ...get(DST), ...i32(32 * pairs), ...ADD32, ...set(DST),
    ...get(SRC), ...i32(8), ...ADD32, ...set(SRC),
    ...get(I), ...i32(1), ...ADD32, ...set(I),
    ...br(0),
    ...END,
    ...END,
  ];
}

/** Even batches that have pairs kernels (their lanes written out). */
export const PAIRS_BATCHES = [2, 4, 6, 8];

export const PAIRS_KERNELS: Kernel[] = [
  { name: 'stage4Pairs', params: 5, locals: { i32: 13, v128: 23 }, body: stage4PairsBody(true) },
  { name: 'stage4PairsFirst', params: 5, locals: { i32: 13, v128: 23 }, body: stage4PairsBody(false) },
  ...PAIRS_BATCHES.flatMap((b): Kernel[] => [
    { name: `macConjPairs${b}`, params: 4, locals: { i32: 5, v128: 5 }, body: macConjPairsBody(b / 2) },
    { name: `chirpInPairs${b}`, params: 6, locals: { i32: 4 + 2 * b, v128: 5 }, body: chirpInPairsBody(b / 2) },
  ]),
];
