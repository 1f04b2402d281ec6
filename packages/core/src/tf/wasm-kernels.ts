/**
 * Kernels that make training on tfjs's wasm backend correct and fast. Each is a plain tfjs
 * KernelFunc for backend 'wasm', registered by `installWasmTraining` (wasm-training.ts).
 *
 * Two building blocks only:
 * - wasm's own fast kernels (XNNPACK Conv2D, 2-D MatMul, Transpose, Reshape), called as kernel
 *   functions on TensorInfos the way the backend's own kernels compose, so nothing lands on the
 *   autodiff tape;
 * - short JS loops that read and write the wasm heap directly, for the pure data movement
 *   (im2col, pooling gradient, segment sums) that wasm either lacks or does slowly.
 */
import * as tf from '@tensorflow/tfjs';
import { maxPoolGrad2x2Simd } from './wasm-max-pool-grad.ts';

const { backend_util } = tf;
type Info = tf.TensorInfo;
type Conv2DInfo = ReturnType<typeof backend_util.computeConv2DInfo>;
type Attrs = Record<string, unknown>;

/** The parts of tfjs-backend-wasm's BackendWasm these kernels use (it exports no such type). */
export interface WasmBackend {
  wasm: { HEAPF32: Float32Array; HEAP32: Int32Array };
  dataIdMap: { get(dataId: unknown): { memoryOffset: number } };
  makeOutput(shape: number[], dtype: tf.DataType): Info;
  disposeData(dataId: unknown): boolean;
}
type KernelArgs = { inputs: Record<string, Info>; attrs: Attrs; backend: WasmBackend };

/** Index of a float32/int32 tensor's first element in the heap views. */
function at(backend: WasmBackend, t: Info): number {
  return backend.dataIdMap.get(t.dataId).memoryOffset >>> 2;
}
/** Fresh view: memory growth replaces the heap buffer, so never cache this across allocations. */
const f32 = (backend: WasmBackend) => backend.wasm.HEAPF32;

/** The wasm kernels as shipped, captured before we replace any (see wasm-training.ts). */
export const shipped = new Map<string, tf.KernelFunc>();

/** Run another wasm kernel on TensorInfos (no engine, no tape): how backends compose kernels. */
export function run(backend: WasmBackend, name: string, inputs: Record<string, Info>, attrs: Attrs = {}): Info {
  const kernel = shipped.get(name) ?? tf.getKernel(name, 'wasm')?.kernelFunc;
  if (!kernel) throw new Error(`wasm kernel ${name} is not registered`);
  return kernel({ inputs, attrs, backend: backend as unknown as tf.KernelBackend } as never) as Info;
}
export function free(backend: WasmBackend, ...infos: Info[]): void {
  for (const t of infos) backend.disposeData(t.dataId);
}
const sizeOf = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
/** A float32 tensor of zeros (an empty convolution's gradients). */
function zeros(backend: WasmBackend, shape: number[]): Info {
  const out = backend.makeOutput(shape, 'float32');
  const start = at(backend, out);
  f32(backend).fill(0, start, start + sizeOf(shape));
  return out;
}
const reshape = (backend: WasmBackend, x: Info, shape: number[]) => run(backend, 'Reshape', { x }, { shape });
const transpose = (backend: WasmBackend, x: Info, perm: number[]) => run(backend, 'Transpose', { x }, { perm });

/** Plain 2-D product a[M,K]·b[K,N] through XNNPACK (the only fast path of wasm's BatchMatMul). */
function matMul2D(backend: WasmBackend, a: Info, b: Info): Info {
  return shipped.get('BatchMatMul')!({ inputs: { a, b }, attrs: { transposeA: false, transposeB: false }, backend } as never) as Info;
}

// ---------------------------------------------------------------------------------------------
// im2col, transposed: the patches matrix laid out [(a, b, c), (n, y, x)] so that the filter
// gradient is ONE plain matMul colsT · dy[(n,y,x), co], with no transpose flags (10-30x slower).
// Input is x already transposed to [C, N, H, W], so each output row is a run of contiguous copies.

// tfjs computes no conv gradients for dilation > 1 (it asserts), so none of this handles dilation.
interface Geometry {
  kh: number; kw: number; sh: number; sw: number; pt: number; pl: number; oh: number; ow: number;
}

function im2colT(backend: WasmBackend, xt: Info, g: Geometry): Info {
  const [C, N, H, W] = xt.shape;
  const P = N * g.oh * g.ow;
  const out = backend.makeOutput([g.kh * g.kw * C, P], 'float32');
  const heap = f32(backend);
  const src = at(backend, xt);
  let dst = at(backend, out);
  for (let a = 0; a < g.kh; a++) {
    for (let b = 0; b < g.kw; b++) {
      // Output columns x whose input column ix = x*sw + b - pl lies inside [0, W).
      const off = b - g.pl;
      const x0 = Math.min(g.ow, Math.max(0, Math.ceil(-off / g.sw)));
      const x1 = Math.max(x0, Math.min(g.ow, Math.floor((W - 1 - off) / g.sw) + 1));
      for (let c = 0; c < C; c++) {
        for (let n = 0; n < N; n++) {
          const plane = (c * N + n) * H;
          for (let y = 0; y < g.oh; y++, dst += g.ow) {
            const iy = y * g.sh + a - g.pt;
            if (iy < 0 || iy >= H) {
              heap.fill(0, dst, dst + g.ow);
              continue;
            }
            const row = src + (plane + iy) * W + off;
            if (x0 > 0) heap.fill(0, dst, dst + x0);
            if (g.sw === 1) heap.copyWithin(dst + x0, row + x0, row + x1);
            else for (let x = x0; x < x1; x++) heap[dst + x] = heap[row + x * g.sw];
            if (x1 < g.ow) heap.fill(0, dst + x1, dst + g.ow);
          }
        }
      }
    }
  }
  return out;
}

function geometry(info: Conv2DInfo): Geometry {
  return {
    kh: info.filterHeight, kw: info.filterWidth, sh: info.strideHeight, sw: info.strideWidth,
    pt: info.padInfo.top, pl: info.padInfo.left, oh: info.outHeight, ow: info.outWidth,
  };
}

function assertNHWC(dataFormat: unknown, kernel: string): void {
  if (dataFormat != null && dataFormat !== 'NHWC' && dataFormat !== 'channelsLast') {
    throw new Error(`${kernel} on wasm supports only NHWC data (got ${String(dataFormat)})`);
  }
}

// ---------------------------------------------------------------------------------------------
// Conv2D gradients.

/** dW = im2colT(x) · dy. Any stride and padding. wasm has no such kernel at all. */
export function conv2DBackpropFilter({ inputs, attrs, backend }: KernelArgs): Info {
  const { x, dy } = inputs;
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as never as tf.Conv2DBackpropFilterAttrs;
  assertNHWC(dataFormat, 'Conv2DBackpropFilter');
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode);
  const [kh, kw, ci, co] = filterShape;
  if (sizeOf(dy.shape) === 0 || sizeOf(x.shape) === 0) return zeros(backend, filterShape); // no output: nothing flows back
  const xt = transpose(backend, x, [3, 0, 1, 2]);
  const cols = im2colT(backend, xt, geometry(info));
  const dy2 = reshape(backend, dy, [info.batchSize * info.outHeight * info.outWidth, co]);
  const cols3 = reshape(backend, cols, [1, kh * kw * ci, dy2.shape[0]]);
  const dy3 = reshape(backend, dy2, [1, ...dy2.shape]);
  const dw = matMul2D(backend, cols3, dy3);
  const out = reshape(backend, dw, filterShape);
  free(backend, xt, cols, dy2, cols3, dy3, dw);
  return out;
}

/**
 * dx = conv2d(dy, filter flipped in space with in/out channels swapped), padded so that each
 * input pixel sees every output it fed: the forward XNNPACK convolution does the work.
 * Stride 1 only; other strides go to wasm's own (slow but correct) kernel.
 */
export function conv2DBackpropInput(args: KernelArgs): Info {
  const { inputs, attrs, backend } = args;
  const { dy, filter } = inputs;
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as never as tf.Conv2DBackpropInputAttrs;
  assertNHWC(dataFormat, 'Conv2DBackpropInput');
  const info = backend_util.computeConv2DInfo(
    inputShape, filter.shape as [number, number, number, number], strides, 1, pad, dimRoundingMode);
  const [kh, kw] = filter.shape;
  if (sizeOf(dy.shape) === 0) return zeros(backend, inputShape); // no output: nothing flows back
  const p = info.padInfo;
  const pads = [kh - 1 - p.top, kh - 1 - p.bottom, kw - 1 - p.left, kw - 1 - p.right];
  if (info.strideHeight !== 1 || info.strideWidth !== 1 || pads.some((v) => v < 0)) {
    return shipped.get('Conv2DBackpropInput')!(args as never) as Info;
  }
  const flipped = run(backend, 'Reverse', { x: filter }, { dims: [0, 1] });
  const wT = transpose(backend, flipped, [0, 1, 3, 2]);
  const out = run(backend, 'Conv2D', { x: dy, filter: wT }, {
    strides: 1, dilations: 1, dataFormat: 'NHWC',
    pad: [[0, 0], [pads[0], pads[1]], [pads[2], pads[3]], [0, 0]],
  });
  free(backend, flipped, wT);
  return out;
}

// ---------------------------------------------------------------------------------------------
// MaxPoolGrad. wasm's kernel starts each window's maximum at FLT_MIN (the smallest positive float,
// not the lowest), so a window of only negative values sends its gradient to the first cell. This
// one follows the cpu backend: the gradient goes to the first cell holding the window's maximum;
// overlapping windows accumulate; padding is never chosen. (For NaN or all -Infinity windows the
// 2×2 path can differ from cpu; such values have already broken training.)

export function maxPoolGrad({ inputs, attrs, backend }: KernelArgs): Info {
  const { dy, input } = inputs;
  const { filterSize, strides, pad, dimRoundingMode } = attrs as never as tf.MaxPoolGradAttrs;
  const info = backend_util.computePool2DInfo(
    input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
  const out = backend.makeOutput(input.shape, 'float32');
  const p = info.padInfo;
  const standard = info.filterHeight === 2 && info.filterWidth === 2 && info.strideHeight === 2 &&
    info.strideWidth === 2 && p.top === 0 && p.left === 0 && p.bottom === 0 && p.right === 0;
  if (standard && info.inChannels % 4 === 0) {
    // Four channels per vector on the heap (wasm-max-pool-grad.ts); odd edge rows/columns get no gradient.
    const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow } = info;
    if (h !== 2 * oh || w !== 2 * ow) f32(backend).fill(0, at(backend, out), at(backend, out) + n * h * w * c);
    const offset = (t: Info) => backend.dataIdMap.get(t.dataId).memoryOffset;
    if (maxPoolGrad2x2Simd(backend, offset(input), offset(dy), offset(out), { n, h, w, c, oh, ow })) return out;
  }
  (standard ? maxPoolGrad2x2 : maxPoolGradAny)(f32(backend), at(backend, input), at(backend, dy), at(backend, out), info);
  return out;
}

/** A comparison as 0/1 for bitwise arithmetic (JS converts booleans itself; TypeScript wants it said). */
const bit = (c: boolean) => c as unknown as number;

/**
 * The usual 2×2, stride-2 pooling, written without data-dependent branches: with random data a
 * branchy argmax mispredicts about half the time and runs 4× slower.
 */
function maxPoolGrad2x2(h: Float32Array, xo: number, go: number, o: number, info: Conv2DInfo): void {
  const { batchSize: N, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = info;
  if (H !== 2 * OH || W !== 2 * OW) h.fill(0, o, o + N * H * W * C); // odd edge rows/columns get no gradient
  const row = W * C;
  for (let n = 0; n < N; n++)
    for (let y = 0; y < OH; y++) {
      const start = (n * H + 2 * y) * row;
      let px = xo + start, pd = o + start, g = go + (n * OH + y) * OW * C;
      for (let x = 0; x < OW; x++, px += 2 * C, pd += 2 * C, g += C)
        for (let c = 0; c < C; c++) {
          const a = h[px + c], b = h[px + C + c], d = h[px + row + c], e = h[px + row + C + c], v = h[g + c];
          // First maximum in window order a, b, d, e: earlier cells win ties (>=), later need (>).
          // (+ 0 turns the -0 of a negative v times 0 into the +0 cpu writes.)
          h[pd + c] = v * (bit(a >= b) & bit(a >= d) & bit(a >= e)) + 0;
          h[pd + C + c] = v * (bit(b > a) & bit(b >= d) & bit(b >= e)) + 0;
          h[pd + row + c] = v * (bit(d > a) & bit(d > b) & bit(d >= e)) + 0;
          h[pd + row + C + c] = v * (bit(e > a) & bit(e > b) & bit(e > d)) + 0;
        }
    }
}

/** Any window, stride and padding: the cpu backend's rule, with branches. */
function maxPoolGradAny(h: Float32Array, xo: number, go: number, o: number, info: Conv2DInfo): void {
  const { batchSize: N, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = info;
  h.fill(0, o, o + N * H * W * C);
  for (let n = 0; n < N; n++)
    for (let y = 0; y < OH; y++) {
      const yc = y * info.strideHeight - info.padInfo.top;
      const y0 = Math.max(0, yc), y1 = Math.min(H, yc + info.filterHeight);
      for (let x = 0; x < OW; x++) {
        const xc = x * info.strideWidth - info.padInfo.left;
        const x0 = Math.max(0, xc), x1 = Math.min(W, xc + info.filterWidth);
        const g = go + ((n * OH + y) * OW + x) * C;
        for (let c = 0; c < C; c++) {
          let best = -Infinity, arg = -1;
          for (let iy = y0; iy < y1; iy++) {
            for (let i = ((n * H + iy) * W + x0) * C + c, end = i + (x1 - x0) * C; i < end; i += C) {
              if (h[xo + i] > best) { best = h[xo + i]; arg = i; }
            }
          }
          if (arg >= 0) h[o + arg] += h[g + c];
        }
      }
    }
}

// ---------------------------------------------------------------------------------------------
// UnsortedSegmentSum (missing on wasm): what gather's gradient (embedding lookups) needs.

export function unsortedSegmentSum({ inputs, attrs, backend }: KernelArgs): Info {
  const { x, segmentIds } = inputs;
  const numSegments = attrs.numSegments as number;
  if (x.dtype !== 'float32') throw new Error(`UnsortedSegmentSum on wasm supports float32 only (got ${x.dtype})`);
  const rows = segmentIds.shape.reduce((p, d) => p * d, 1);
  const width = x.shape.slice(segmentIds.shape.length).reduce((p, d) => p * d, 1);
  const out = backend.makeOutput([numSegments, ...x.shape.slice(segmentIds.shape.length)], 'float32');
  const heap = f32(backend);
  const ids = backend.wasm.HEAP32;
  const xo = at(backend, x), io = at(backend, segmentIds), o = at(backend, out);
  heap.fill(0, o, o + numSegments * width);
  for (let r = 0; r < rows; r++) {
    const s = ids[io + r];
    if (s < 0 || s >= numSegments) continue; // TF drops out-of-range ids
    const dst = o + s * width, src = xo + r * width;
    for (let k = 0; k < width; k++) heap[dst + k] += heap[src + k];
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// BatchMatMul. wasm's kernel is fast (XNNPACK) only for one plain 2-D product; with a transpose
// flag or a batch it falls to a scalar loop (0.8-3 GFLOP/s against ~30). So: transpose explicitly,
// fold a's batch into rows when b is shared, and run true batches as separate 2-D products.

export function batchMatMul(args: KernelArgs): Info {
  const { inputs, attrs, backend } = args;
  let { a, b } = inputs;
  const { transposeA, transposeB } = attrs as never as tf.BatchMatMulAttrs;
  if (a.dtype !== 'float32' || b.dtype !== 'float32') return shipped.get('BatchMatMul')!(args as never) as Info;
  const temps: Info[] = [];
  const swapLast = (t: Info) => {
    const r = t.shape.length;
    const perm = [...Array(r).keys()];
    [perm[r - 2], perm[r - 1]] = [perm[r - 1], perm[r - 2]];
    const out = transpose(backend, t, perm);
    temps.push(out);
    return out;
  };
  if (transposeA) a = swapLast(a);
  if (transposeB) b = swapLast(b);
  const [M, K] = a.shape.slice(-2);
  const N = b.shape[b.shape.length - 1];
  const batchA = a.shape.slice(0, -2), batchB = b.shape.slice(0, -2);
  const outBatch = tf.broadcast_util.assertAndGetBroadcastShape(batchA, batchB);
  const size = (s: number[]) => s.reduce((p, d) => p * d, 1);
  const nA = size(batchA), nB = size(batchB);
  let out: Info;
  if (nB === 1) {
    // b shared: one product with a's batch folded into rows.
    const a2 = reshape(backend, a, [1, nA * M, K]);
    const b2 = reshape(backend, b, [1, K, N]);
    const o = matMul2D(backend, a2, b2);
    out = reshape(backend, o, [...outBatch, M, N]);
    temps.push(a2, b2, o);
  } else {
    out = batchedProducts(backend, a, b, outBatch, nA, nB, M, K, N);
  }
  free(backend, ...temps);
  return out;
}

/**
 * True batches (attention scores and their gradients): per-batch 2-D XNNPACK products when the
 * matrices are big enough to amortise creating the operator, else wasm's own loop.
 */
function batchedProducts(
  backend: WasmBackend, a: Info, b: Info, outBatch: number[], nA: number, nB: number, M: number, K: number, N: number,
): Info {
  const n = Math.max(nA, nB);
  if (nA !== nB && nA !== 1 && nB !== 1) {
    throw new Error(`BatchMatMul on wasm: batch shapes [${a.shape}] and [${b.shape}] broadcast only partly`);
  }
  // wasm's loop reads a and b at the same batch index, so it cannot broadcast either of them.
  if (nA === nB && M * K * N < 32 * 32 * 32) {
    return shipped.get('BatchMatMul')!({
      inputs: { a, b }, attrs: { transposeA: false, transposeB: false }, backend,
    } as never) as Info;
  }
  const out = backend.makeOutput([...outBatch, M, N], 'float32');
  for (let i = 0; i < n; i++) {
    // A fresh b each time: XNNPACK caches its packed operator by b's tensor id.
    const ai = backend.makeOutput([1, M, K], 'float32');
    const bi = backend.makeOutput([1, K, N], 'float32');
    let heap = f32(backend);
    const ao = at(backend, a) + (nA === 1 ? 0 : i * M * K);
    const bo = at(backend, b) + (nB === 1 ? 0 : i * K * N);
    heap.copyWithin(at(backend, ai), ao, ao + M * K);
    heap.copyWithin(at(backend, bi), bo, bo + K * N);
    const o = matMul2D(backend, ai, bi);
    heap = f32(backend);
    heap.copyWithin(at(backend, out) + i * M * N, at(backend, o), at(backend, o) + M * N);
    free(backend, o, ai, bi);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Sum and Mean over a contiguous block of axes that leaves the last axis alone: every bias and
// batch-norm gradient (axes [0,1,2] of NHWC) and global average pooling (axes [1,2]). wasm's
// kernels transpose the reduced axes innermost first, then reduce with scalar code (26 ms for
// 8×128×512×16); XNNPACK's average pooling over a [R, 1] window does it in ~1.3 ms.

function reduceByPooling(args: KernelArgs, mean: boolean): Info {
  const { inputs, attrs, backend } = args;
  const { x } = inputs;
  const rank = x.shape.length;
  const axes = tf.util.parseAxisParam(attrs.axis as number | number[], x.shape).sort((p, q) => p - q);
  const contiguous = axes.every((a, i) => i === 0 || a === axes[i - 1] + 1);
  const shippedName = mean ? 'Mean' : 'Sum';
  if (x.dtype !== 'float32' || x.shape.includes(0) || axes.length === 0 || !contiguous || axes[axes.length - 1] === rank - 1) {
    return shipped.get(shippedName)!(args as never) as Info;
  }
  const size = (s: number[]) => s.reduce((p, d) => p * d, 1);
  const outer = size(x.shape.slice(0, axes[0]));
  const reduced = size(axes.map((a) => x.shape[a]));
  const inner = size(x.shape.slice(axes[axes.length - 1] + 1));
  const x4 = reshape(backend, x, [outer, reduced, 1, inner]);
  const pooled = run(backend, 'AvgPool', { x: x4 }, { filterSize: [reduced, 1], strides: 1, pad: 'valid' });
  let result = pooled;
  if (!mean) {
    const n = backend.makeOutput([], 'float32');
    f32(backend)[at(backend, n)] = reduced;
    result = run(backend, 'Multiply', { a: pooled, b: n });
    free(backend, pooled, n);
  }
  const outShape = attrs.keepDims
    ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d))
    : x.shape.filter((_, i) => !axes.includes(i));
  const out = reshape(backend, result, outShape);
  free(backend, x4, result);
  return out;
}
export const sum = (args: KernelArgs) => reduceByPooling(args, false);
export const mean = (args: KernelArgs) => reduceByPooling(args, true);

// ---------------------------------------------------------------------------------------------
// Identity, and Cast to the same dtype, copy the whole tensor on wasm; share it instead, as the
// cpu backend does (tensors are immutable, the backend counts references).

export function identity({ inputs, backend }: KernelArgs): Info {
  const { x } = inputs;
  (backend as unknown as tf.KernelBackend).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}
export function cast(args: KernelArgs): Info {
  const { inputs, attrs } = args;
  if (inputs.x.dtype === attrs.dtype) return identity(args);
  return shipped.get('Cast')!(args as never) as Info;
}
