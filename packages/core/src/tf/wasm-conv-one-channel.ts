/**
 * Conv2D and its filter gradient on wasm for one input channel (a CNN's first layer on a spectrogram), as
 * WebAssembly SIMD kernels of our own that work on tfjs's heap in place.
 *
 * Why: XNNPACK runs a 1-channel convolution as a GEMM whose inner dimension is the kernel's few taps
 * (9 for 3×3), at ~5 GFLOP/s against 25–30 for the layers behind it; at 64×256 that first layer was a
 * fifth of inference. Here each output pixel keeps its output channels in registers (16 at a time, four
 * f32x4) and adds tap × weights for every tap of its window: no packing, one pass over the output.
 *
 * Same shapes as tfjs's Conv2D (NHWC, any padding, stride 1, no dilation, output channels a multiple of
 * four); every other call goes to the shipped kernel, except an empty output (a window larger than the
 * input), which it would read out of bounds for. The sums run over the taps in row-major order in
 * float32, so results differ from XNNPACK's only by rounding (checked against the cpu backend).
 *
 * The filter gradient dW[ky, kx, c] = Σ x[n, y + ky, x + kx] · dy[n, y, x, c] is a sum over every output
 * position for only KH·KW·Cout values: im2col + GEMM (wasm-kernels.ts) packs a KH·KW-row matrix of the
 * whole input first. Here, per output row, one window row (ky) at a time keeps KW × 16 sums in registers
 * while it walks the row once; the row's dy (a few KiB) stays in cache for the KH passes.
 */
import * as tf from '@tensorflow/tfjs';
import { BLOCK, br, brIf, END, F32X4, get, i32, I32, LOOP, range, set, V128, V128_INT, type Kernel } from '../wasm/assembler.ts';
import { heapKernels } from './wasm-heap.ts';
import { conv2DBackpropFilter as im2colFilterGradient, free, shipped, type WasmBackend } from './wasm-kernels.ts';

const { backend_util } = tf;

/** Output channels per pass over a window: 16 (four vectors) where they divide, else 4. */
const BLOCKS = [4, 1] as const;
/** Window widths whose tap loop is written out (others loop). */
const UNROLLED_WIDTHS = [1, 3, 5, 7];

/**
 * conv(x, w, out, N, Hp, Wp, Ho, Wo, KH, KW, Cout): out[n, y, x, c] = Σ_{ky, kx} x[n, y + ky, x + kx] ·
 * w[ky, kx, c] over an already padded x (N × Hp × Wp) and w (KH × KW × Cout); byte offsets.
 */
function convBody(vecs: number, unrolledWidth?: number): number[] {
  const [X, W, OUT, N, HP, WP, HO, WO, KH, KW, COUT] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const [NI, Y, XO, CB, KY, KX, ROWIN, ROWOUT, SRC, WPTR, DST, COUTB, WPB, CEND] = [11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24];
  const ACC = [25, 26, 27, 28].slice(0, vecs);
  const V = 25 + vecs;
  const { add: ADD, shl: SHL, mul: MUL, geU: GE } = I32;
  const zero = V128_ZERO;
  const loopWhile = (counter: number, limit: number, body: number[]) => [
    ...i32(0), ...set(counter),
    ...BLOCK, ...LOOP,
    ...get(counter), ...get(limit), ...GE, ...brIf(1),
    ...body,
    ...get(counter), ...i32(1), ...ADD, ...set(counter),
    ...br(0),
    ...END, ...END,
  ];
  // one tap: v = x[src + 4·kx] in all lanes; acc_j += v · w[wptr + 16j]; wptr += one tap's weights
  const tap = (srcOffset: number[]) => [
    ...get(SRC), ...srcOffset, ...F32X4.load32Splat(), ...set(V),
    ...ACC.flatMap((acc, j) => [...get(acc), ...get(V), ...get(WPTR), ...V128.load(16 * j), ...F32X4.mul, ...F32X4.add, ...set(acc)]),
    ...get(WPTR), ...get(COUTB), ...ADD, ...set(WPTR),
  ];
  const row = unrolledWidth
    ? Array.from({ length: unrolledWidth }, (_, kx) => tap([...i32(4 * kx), ...ADD])).flat()
    : loopWhile(KX, KW, tap([...get(KX), ...i32(2), ...SHL, ...ADD]));
  const channelBlock = [
    ...ACC.flatMap((acc) => [...zero, ...set(acc)]),
    ...get(W), ...get(CB), ...ADD, ...set(WPTR),
    ...get(ROWIN), ...get(XO), ...i32(2), ...SHL, ...ADD, ...set(SRC),
    ...loopWhile(KY, KH, [...row, ...get(SRC), ...get(WPB), ...ADD, ...set(SRC)]),
    ...get(ROWOUT), ...get(XO), ...get(COUTB), ...MUL, ...ADD, ...get(CB), ...ADD, ...set(DST),
    ...ACC.flatMap((acc, j) => [...get(DST), ...get(acc), ...V128.store(16 * j)]),
  ];
  const pixel = [
    // CB: byte offset of the channel block, in steps of 16·vecs
    ...i32(0), ...set(CB),
    ...BLOCK, ...LOOP,
    ...get(CB), ...get(CEND), ...GE, ...brIf(1),
    ...channelBlock,
    ...get(CB), ...i32(16 * vecs), ...ADD, ...set(CB),
    ...br(0),
    ...END, ...END,
  ];
  const outputRow = [
    ...get(X), ...get(NI), ...get(HP), ...MUL, ...get(Y), ...ADD, ...get(WPB), ...MUL, ...ADD, ...set(ROWIN),
    ...get(OUT), ...get(NI), ...get(HO), ...MUL, ...get(Y), ...ADD, ...get(WO), ...MUL, ...get(COUTB), ...MUL, ...ADD, ...set(ROWOUT),
    ...loopWhile(XO, WO, pixel),
  ];
  return [
    ...get(COUT), ...i32(2), ...SHL, ...set(COUTB),
    ...get(COUTB), ...set(CEND),
    ...get(WP), ...i32(2), ...SHL, ...set(WPB),
    ...loopWhile(NI, N, loopWhile(Y, HO, outputRow)),
  ];
}


/** Vectors of output channels per pass of the filter gradient, by window width (KW·vecs sums in registers). */
const FILTER_VECS: Record<number, number> = { 1: 4, 3: 4, 5: 2, 7: 2 };

/**
 * convFilter(x, dy, dw, N, Hp, Wp, Ho, Wo, KH, KW, Cout): dw[ky, kx, c] += Σ_{n, y, x} x[n, y + ky, x + kx] ·
 * dy[n, y, x, c] over an already padded x; dw is accumulated into (zero it first). Window width written out.
 */
function convFilterBody(kw: number): number[] {
  const vecs = FILTER_VECS[kw];
  const [X, DY, DW, N, HP, WP, HO, WO, KH, , COUT] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const [NI, Y, KY, CB, XO, ROWX, ROWDY, DWP, P, COUTB, WPB, CEND] = range(11, 12);
  const ACC = range(23, kw * vecs); // ACC[kx·vecs + j]
  const D = range(23 + kw * vecs, vecs);
  const V = 23 + kw * vecs + vecs;
  const { add: ADD, shl: SHL, mul: MUL, geU: GE } = I32;
  const loopWhile = (counter: number, limit: number, step: number[], body: number[]) => [
    ...i32(0), ...set(counter),
    ...BLOCK, ...LOOP,
    ...get(counter), ...get(limit), ...GE, ...brIf(1),
    ...body,
    ...get(counter), ...step, ...ADD, ...set(counter),
    ...br(0),
    ...END, ...END,
  ];
  const one = i32(1);
  // the sums of window row ky, channels [cb, cb + 4·vecs): dw + ((ky·KW + kx)·Cout)·4 + cb + 16j
  const sumAddress = (kx: number) => [...get(DWP), ...i32(kx), ...get(COUTB), ...MUL, ...ADD];
  const position = [
    // d_j = dy[row, xo, cb + 4j …]
    ...get(ROWDY), ...get(XO), ...get(COUTB), ...MUL, ...ADD, ...get(CB), ...ADD, ...set(P),
    ...D.flatMap((d, j) => [...get(P), ...V128.load(16 * j), ...set(d)]),
    ...get(ROWX), ...get(XO), ...i32(2), ...SHL, ...ADD, ...set(P),
    ...range(0, kw).flatMap((kx) => [
      ...get(P), ...F32X4.load32Splat(4 * kx), ...set(V),
      ...D.flatMap((d, j) => [...get(ACC[kx * vecs + j]), ...get(V), ...get(d), ...F32X4.mul, ...F32X4.add, ...set(ACC[kx * vecs + j])]),
    ]),
  ];
  const block = [
    ...range(0, kw).flatMap((kx) => D.flatMap((_, j) => [...sumAddress(kx), ...get(CB), ...ADD, ...V128.load(16 * j), ...set(ACC[kx * vecs + j])])),
    ...loopWhile(XO, WO, one, position),
    ...range(0, kw).flatMap((kx) => D.flatMap((_, j) => [...sumAddress(kx), ...get(CB), ...ADD, ...get(ACC[kx * vecs + j]), ...V128.store(16 * j)])),
  ];
  const windowRow = [
    // x row y + ky of image n; this window row's sums start at dw + ky·KW·Cout·4
    ...get(X), ...get(NI), ...get(HP), ...MUL, ...get(Y), ...ADD, ...get(KY), ...ADD, ...get(WPB), ...MUL, ...ADD, ...set(ROWX),
    ...get(DW), ...get(KY), ...i32(kw), ...MUL, ...get(COUTB), ...MUL, ...ADD, ...set(DWP),
    ...loopWhile(CB, CEND, i32(16 * vecs), block),
  ];
  const outputRow = [
    ...get(DY), ...get(NI), ...get(HO), ...MUL, ...get(Y), ...ADD, ...get(WO), ...MUL, ...get(COUTB), ...MUL, ...ADD, ...set(ROWDY),
    ...loopWhile(KY, KH, one, windowRow),
  ];
  return [
    ...get(COUT), ...i32(2), ...SHL, ...set(COUTB),
    ...get(COUTB), ...set(CEND),
    ...get(WP), ...i32(2), ...SHL, ...set(WPB),
    ...loopWhile(NI, N, one, loopWhile(Y, HO, one, outputRow)),
  ];
}

const V128_ZERO = V128_INT.const(new Array(16).fill(0));

const kernelName = (vecs: number, width?: number) => `conv${vecs}x${width ?? 'any'}`;
const KERNELS: Kernel[] = [
  ...BLOCKS.flatMap((vecs) =>
    [undefined, ...UNROLLED_WIDTHS].map((width): Kernel => ({ name: kernelName(vecs, width), params: 11, locals: { i32: 14, v128: vecs + 1 }, body: convBody(vecs, width) })),
  ),
  ...Object.entries(FILTER_VECS).map(([kw, vecs]): Kernel => ({ name: `convFilter${kw}`, params: 11, locals: { i32: 12, v128: Number(kw) * vecs + vecs + 1 }, body: convFilterBody(Number(kw)) })),
];

type ConvFn = (x: number, w: number, out: number, n: number, hp: number, wp: number, ho: number, wo: number, kh: number, kw: number, cout: number) => void;
/** The kernels on the backend's own memory, or null without WebAssembly SIMD (or an unknown build of the backend). */
const kernelsFor = heapKernels(() => KERNELS);

type Args = { inputs: { x: tf.TensorInfo; filter: tf.TensorInfo }; attrs: Record<string, unknown>; backend: WasmBackend };

/** The Conv2D kernel for 'wasm': one input channel here, everything else on the shipped kernel. */
export function conv2D(args: Args): tf.TensorInfo {
  const { inputs, attrs, backend } = args;
  const { x, filter } = inputs;
  const { strides, pad, dataFormat, dilations, dimRoundingMode } = attrs as unknown as tf.Conv2DAttrs;
  const [kh, kw, cin, cout] = filter.shape;
  const channelsLast = dataFormat === undefined || dataFormat === 'NHWC';
  const info = backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filter.shape as [number, number, number, number], strides, dilations, pad, dimRoundingMode, false, backend_util.convertConv2DDataFormat(dataFormat));
  // An empty output (window larger than the input): the shipped kernel reads out of bounds there.
  if (info.outShape.some((d) => d === 0)) return backend.makeOutput(info.outShape, x.dtype);
  const exports = x.dtype === 'float32' && cin === 1 && cout % 4 === 0 && channelsLast ? kernelsFor(backend) : null;
  if (!exports || info.strideHeight !== 1 || info.strideWidth !== 1 || info.dilationHeight !== 1 || info.dilationWidth !== 1) {
    return shipped.get('Conv2D')!(args as never) as tf.TensorInfo;
  }
  const [n, h, w] = x.shape;
  const { top, left, bottom, right } = info.padInfo;
  const [hp, wp] = [h + top + bottom, w + left + right];
  const out = backend.makeOutput([n, info.outHeight, info.outWidth, cout], 'float32');
  const padded = padOneChannel(backend, x, info.padInfo);
  const offset = (t: tf.TensorInfo) => backend.dataIdMap.get(t.dataId).memoryOffset;
  const vecs = cout % 16 === 0 ? 4 : 1;
  const conv = exports[kernelName(vecs, UNROLLED_WIDTHS.includes(kw) ? kw : undefined)] as ConvFn;
  conv(offset(padded ?? x), offset(filter), offset(out), n, hp, wp, info.outHeight, info.outWidth, kh, kw, cout);
  if (padded) free(backend, padded);
  return out;
}

/** x (N × H × W × 1) with a zero border, or null when there is no padding (x itself is used). */
function padOneChannel(backend: WasmBackend, x: tf.TensorInfo, { top, left, bottom, right }: { top: number; left: number; bottom: number; right: number }): tf.TensorInfo | null {
  if (!(top || left || bottom || right)) return null;
  const [n, h, w] = x.shape;
  const [hp, wp] = [h + top + bottom, w + left + right];
  const padded = backend.makeOutput([n, hp, wp, 1], 'float32');
  const heap = backend.wasm.HEAPF32; // after the allocation: growth replaces the buffer
  const src = backend.dataIdMap.get(x.dataId).memoryOffset >>> 2;
  const dst = backend.dataIdMap.get(padded.dataId).memoryOffset >>> 2;
  heap.fill(0, dst, dst + n * hp * wp);
  for (let b = 0; b < n; b++) {
    for (let y = 0; y < h; y++) {
      const from = src + (b * h + y) * w;
      heap.copyWithin(dst + (b * hp + y + top) * wp + left, from, from + w);
    }
  }
  return padded;
}

type FilterArgs = { inputs: { x: tf.TensorInfo; dy: tf.TensorInfo }; attrs: Record<string, unknown>; backend: WasmBackend };

/** Conv2DBackpropFilter for 'wasm': one input channel here, everything else by im2col + GEMM. */
export function conv2DBackpropFilter(args: FilterArgs): tf.TensorInfo {
  const { inputs, attrs, backend } = args;
  const { x, dy } = inputs;
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  const [kh, kw, cin, cout] = filterShape;
  const vecs = FILTER_VECS[kw];
  const channelsLast = dataFormat === undefined || dataFormat === 'NHWC';
  const exports = x.dtype === 'float32' && cin === 1 && vecs !== undefined && cout % (4 * vecs) === 0 && channelsLast ? kernelsFor(backend) : null;
  const info = exports ? backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode) : null;
  if (!exports || !info || info.strideHeight !== 1 || info.strideWidth !== 1 || info.outShape.some((d) => d === 0)) {
    return im2colFilterGradient(args as never);
  }
  const [n, h, w] = x.shape;
  const { top, left, bottom, right } = info.padInfo;
  const dw = backend.makeOutput(filterShape, 'float32');
  const padded = padOneChannel(backend, x, info.padInfo);
  const heap = backend.wasm.HEAPF32; // after the allocations
  const start = backend.dataIdMap.get(dw.dataId).memoryOffset >>> 2;
  heap.fill(0, start, start + kh * kw * cout); // the kernel accumulates
  const offset = (t: tf.TensorInfo) => backend.dataIdMap.get(t.dataId).memoryOffset;
  const filter = exports[`convFilter${kw}`] as ConvFn;
  filter(offset(padded ?? x), offset(dy), offset(dw), n, h + top + bottom, w + left + right, info.outHeight, info.outWidth, kh, kw, cout);
  if (padded) free(backend, padded);
  return dw;
}
