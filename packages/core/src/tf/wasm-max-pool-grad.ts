/**
 * MaxPoolGrad for the usual 2×2, stride-2, unpadded pooling, four channels per SIMD vector, on the wasm
 * heap (wasm-heap.ts). The JavaScript version (wasm-kernels.ts) does the same branch-free arithmetic one
 * value at a time at ~2 ns per input value: a CNN's three pooling gradients took ~30 ms of a 128×512
 * training step.
 *
 * The cpu backend's rule exactly: the gradient goes to the first maximum of the window in order
 * (0,0), (0,1), (1,0), (1,1) — earlier cells win ties (≥), later ones must be greater (>) — and every
 * other cell gets +0 (a −0 or NaN gradient lands only on the chosen cell; `+ 0` turns −0 into +0 as the
 * cpu backend's 0 + dy does). A window with a NaN chooses no cell. Odd last rows and columns get 0.
 */
import { BLOCK, br, brIf, END, F32X4, get, i32, I32, LOOP, range, set, V128, V128_INT, type Kernel } from '../wasm/assembler.ts';
import { heapKernels } from './wasm-heap.ts';

/**
 * maxPoolGrad2x2(x, dy, out, N, H, W, C, OH, OW): byte offsets; C a multiple of 4. Writes the 2·OH × 2·OW
 * cells of every image (the caller zeroes odd edges).
 */
function body(): number[] {
  const [X, DY, OUT, N, H, W, C, OH, OW] = range(0, 9);
  const [NI, Y, XO, CB, BASE, G, CB4, ROWB, CEND] = range(9, 9);
  const [A, B, D, E, V, MA, MB, MD, ME, ZERO] = range(18, 10);
  const { add: ADD, mul: MUL, geU: GE, shl: SHL } = I32;
  const { and, const: vconst } = V128_INT;
  const loopWhile = (counter: number, limit: number, step: number, inner: number[]) => [
    ...i32(0), ...set(counter),
    ...BLOCK, ...LOOP,
    ...get(counter), ...get(limit), ...GE, ...brIf(1),
    ...inner,
    ...get(counter), ...i32(step), ...ADD, ...set(counter),
    ...br(0),
    ...END, ...END,
  ];
  const cmp = (p: number, q: number, op: number[]) => [...get(p), ...get(q), ...op];
  const cell = (mask: number, at: number[]) => [...at, ...get(V), ...get(mask), ...and, ...get(ZERO), ...F32X4.add, ...V128.store()];
  const address = (base: number, extra: number[]) => [...get(base), ...get(BASE), ...ADD, ...extra];
  const right = [...get(CB4), ...ADD];
  const below = [...get(ROWB), ...ADD];
  const vector = [
    ...address(X, []), ...V128.load(), ...set(A),
    ...address(X, right), ...V128.load(), ...set(B),
    ...address(X, below), ...V128.load(), ...set(D),
    ...address(X, [...below, ...right]), ...V128.load(), ...set(E),
    ...get(DY), ...get(G), ...ADD, ...get(CB), ...ADD, ...V128.load(), ...set(V),
    ...cmp(A, B, F32X4.ge), ...cmp(A, D, F32X4.ge), ...and, ...cmp(A, E, F32X4.ge), ...and, ...set(MA),
    ...cmp(B, A, F32X4.gt), ...cmp(B, D, F32X4.ge), ...and, ...cmp(B, E, F32X4.ge), ...and, ...set(MB),
    ...cmp(D, A, F32X4.gt), ...cmp(D, B, F32X4.gt), ...and, ...cmp(D, E, F32X4.ge), ...and, ...set(MD),
    ...cmp(E, A, F32X4.gt), ...cmp(E, B, F32X4.gt), ...and, ...cmp(E, D, F32X4.gt), ...and, ...set(ME),
    ...cell(MA, address(OUT, [])),
    ...cell(MB, address(OUT, right)),
    ...cell(MD, address(OUT, below)),
    ...cell(ME, address(OUT, [...below, ...right])),
    ...get(BASE), ...i32(16), ...ADD, ...set(BASE),
  ];
  const pixel = [
    // BASE: byte offset of the window's top-left cell (channel block 0), G: of the gradient's pixel
    ...get(NI), ...get(H), ...MUL, ...get(Y), ...i32(1), ...SHL, ...ADD, ...get(W), ...MUL, ...get(XO), ...i32(1), ...SHL, ...ADD, ...get(CB4), ...MUL, ...set(BASE),
    ...get(NI), ...get(OH), ...MUL, ...get(Y), ...ADD, ...get(OW), ...MUL, ...get(XO), ...ADD, ...get(CB4), ...MUL, ...set(G),
    ...loopWhile(CB, CEND, 16, vector),
  ];
  return [
    ...vconst(new Array(16).fill(0)), ...set(ZERO),
    ...get(C), ...i32(2), ...SHL, ...set(CB4),
    ...get(CB4), ...set(CEND),
    ...get(W), ...get(CB4), ...MUL, ...set(ROWB),
    ...loopWhile(NI, N, 1, loopWhile(Y, OH, 1, loopWhile(XO, OW, 1, pixel))),
  ];
}

const kernelsFor = heapKernels((): Kernel[] => [{ name: 'maxPoolGrad2x2', params: 9, locals: { i32: 9, v128: 10 }, body: body() }]);

type PoolGrad = (x: number, dy: number, out: number, n: number, h: number, w: number, c: number, oh: number, ow: number) => void;

/**
 * The 2×2 stride-2 pooling gradient on SIMD for byte offsets of input, dy and output in `backend`'s heap;
 * false where the kernel cannot run (channels not a multiple of 4, no SIMD), for the caller's fallback.
 */
export function maxPoolGrad2x2Simd(backend: Parameters<typeof kernelsFor>[0], x: number, dy: number, out: number, shape: { n: number; h: number; w: number; c: number; oh: number; ow: number }): boolean {
  if (shape.c % 4 !== 0) return false;
  const exports = kernelsFor(backend);
  if (!exports) return false;
  (exports.maxPoolGrad2x2 as PoolGrad)(x, dy, out, shape.n, shape.h, shape.w, shape.c, shape.oh, shape.ow);
  return true;
}
