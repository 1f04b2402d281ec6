/**
 * Depthwise convolution on tfjs's wasm backend: the two gradients (missing as shipped) and a faster
 * forward, composed from wasm's own XNNPACK kernels (registered by `installWasmTraining`).
 *
 * What XNNPACK does fast here (measured, 8×64×256×32, one thread): a depthwise convolution with ONE
 * output per input channel (multiplier 1) whose kernel has 1, 3, 4, 9 or 25 taps runs on its
 * "dwconv" micro-kernels (3×3: ~10 ms, 5×5: ~33 ms); any other tap count (5×7 = 35, 1×5 = 5) or a
 * multiplier above 1 falls to a grouped indirect GEMM with one input channel per group (5×7: 166–234
 * ms). And a plain 2-D product (Conv2D, MatMul) runs at ~28 GFLOP/s. So:
 *
 * - every depthwise convolution runs as multiplier-1 convolutions over kernel *tiles* of a fast tap
 *   count (a 5×7 kernel as two 5×5 tiles, a 1×5 as one 1×9), each with its own explicit padding so
 *   that all tiles produce the same output, then summed (`tiledDepthwise`);
 * - forward with multiplier m: x's channels repeated m times (channel c·m+q reads channel c), then
 *   the multiplier-1 convolution on C·m channels;
 * - dx: the multiplier-1 convolution of dy (C·m channels) with the spatially flipped filter (strides
 *   above 1: dy with zeros inserted first), then the sum over q;
 * - dW: per group of G = 8/m channels, an im2col of x (rows: channel, tap; columns: the N·oh·ow output
 *   positions) times dy's G·m columns: ONE plain XNNPACK product [G·kh·kw, P]·[P, G·m] whose diagonal
 *   blocks are dW. G·m = 8 fills XNNPACK's 8-wide output tile, so the off-diagonal blocks cost
 *   nothing that a single channel's product would not.
 *
 * Where no tiling keeps every tile's padding ≥ 0 (e.g. a 5×7 kernel with 'valid' padding), the
 * convolution runs as one shipped kernel call with explicit padding (correct, slower).
 */
import * as tf from '@tensorflow/tfjs';
import { free, run, shipped, type WasmBackend } from './wasm-kernels.ts';

const { backend_util } = tf;
type Info = tf.TensorInfo;
type Conv2DInfo = ReturnType<typeof backend_util.computeConv2DInfo>;
type KernelArgs = { inputs: Record<string, Info>; attrs: Record<string, unknown>; backend: WasmBackend };
/** [top, bottom, left, right] */
type Pads = [number, number, number, number];

const at = (backend: WasmBackend, t: Info) => backend.dataIdMap.get(t.dataId).memoryOffset >>> 2;
/** Fresh view: memory growth replaces the heap buffer, so never cache this across allocations. */
const f32 = (backend: WasmBackend) => backend.wasm.HEAPF32;
const reshape = (backend: WasmBackend, x: Info, shape: number[]) => run(backend, 'Reshape', { x }, { shape });

function assertNHWC(dataFormat: unknown, kernel: string): void {
  if (dataFormat != null && dataFormat !== 'NHWC' && dataFormat !== 'channelsLast') {
    throw new Error(`${kernel} on wasm supports only NHWC data (got ${String(dataFormat)})`);
  }
}

// ---------------------------------------------------------------------------------------------
// Multiplier-1 depthwise convolution over fast tiles.

/** Tile shapes whose tap count has an XNNPACK dwconv micro-kernel (1, 3, 4, 9, 25 taps). */
const FAST_TILES: [number, number][] = [
  [1, 1], [1, 3], [3, 1], [1, 4], [4, 1], [2, 2], [3, 3], [1, 9], [9, 1], [5, 5], [1, 25], [25, 1],
];
/** Cost of one more call (writing and adding one more output), in taps: measured ~1 tap ≈ 1 ms, add ≈ 10 ms. */
const CALL_COST = 10;

interface Tile { a0: number; b0: number; th: number; tw: number; pads: Pads }

/**
 * Band starts covering [0, k) with bands of length t, each keeping its padding ≥ 0: a band starting
 * at s has leading padding `lead − s` and trailing padding `trail − (k − s − t)`.
 */
function bands(k: number, t: number, lead: number, trail: number): number[] | null {
  const ok = (s: number) => s <= lead && trail - (k - s - t) >= 0;
  if (t >= k) return ok(0) ? [0] : null;
  if (2 * t < k) return null;
  return ok(0) && ok(k - t) ? [0, k - t] : null;
}

/** The cheapest cover of a kh×kw kernel by fast tiles with non-negative padding, or null. */
function tilePlan(kh: number, kw: number, pads: Pads): Tile[] | null {
  let best: Tile[] | null = null, bestCost = Infinity;
  for (const [th, tw] of FAST_TILES) {
    const rows = bands(kh, th, pads[0], pads[1]);
    const cols = bands(kw, tw, pads[2], pads[3]);
    if (!rows || !cols) continue;
    const tiles = rows.flatMap((a0) => cols.map((b0): Tile => ({
      a0, b0, th, tw, pads: [pads[0] - a0, pads[1] - (kh - a0 - th), pads[2] - b0, pads[3] - (kw - b0 - tw)],
    })));
    const cost = tiles.length * (th * tw + CALL_COST);
    if (cost < bestCost) [best, bestCost] = [tiles, cost];
  }
  return best;
}

/**
 * out = depthwise conv (multiplier 1) of x [N,H,W,C] with filter w [kh,kw,C,1], explicit padding,
 * any stride: a sum of XNNPACK dwconv calls over fast tiles of the kernel (each cell in exactly one).
 */
export function tiledDepthwise(backend: WasmBackend, x: Info, w: Info, pads: Pads, strides: [number, number]): Info {
  const [kh, kw, C] = w.shape;
  const conv = (filter: Info, p: Pads) => run(backend, 'DepthwiseConv2dNative', { x, filter }, {
    strides, dilations: 1, pad: [[0, 0], [p[0], p[1]], [p[2], p[3]], [0, 0]],
  });
  const plan = tilePlan(kh, kw, pads);
  if (!plan || (plan.length === 1 && plan[0].th === kh && plan[0].tw === kw)) return conv(w, pads);
  const owner = (a: number, b: number) => plan.findIndex((t) => a >= t.a0 && a < t.a0 + t.th && b >= t.b0 && b < t.b0 + t.tw);
  let sum: Info | null = null;
  plan.forEach((t, i) => {
    const sub = backend.makeOutput([t.th, t.tw, C, 1], 'float32');
    const heap = f32(backend);
    const s = at(backend, sub), src = at(backend, w);
    heap.fill(0, s, s + t.th * t.tw * C);
    for (let a = 0; a < t.th; a++)
      for (let b = 0; b < t.tw; b++) {
        const ka = t.a0 + a, kb = t.b0 + b;
        if (ka >= kh || kb >= kw || owner(ka, kb) !== i) continue;
        heap.copyWithin(s + (a * t.tw + b) * C, src + (ka * kw + kb) * C, src + (ka * kw + kb + 1) * C);
      }
    const part = conv(sub, t.pads);
    free(backend, sub);
    if (sum === null) sum = part;
    else {
      const next = run(backend, 'Add', { a: sum, b: part });
      free(backend, sum, part);
      sum = next;
    }
  });
  return sum!;
}

function explicitPads(info: Conv2DInfo): Pads {
  const p = info.padInfo;
  return [p.top, p.bottom, p.left, p.right];
}

// ---------------------------------------------------------------------------------------------
// Forward.

/** x's channels repeated m times in place order: out[..., c·m+q] = x[..., c]. */
function repeatChannels(backend: WasmBackend, x: Info, m: number): Info {
  const C = x.shape[3];
  const out = backend.makeOutput([...x.shape.slice(0, 3), C * m], 'float32');
  const heap = f32(backend);
  const n = x.shape.slice(0, 4).reduce((p, d) => p * d, 1);
  let src = at(backend, x), dst = at(backend, out);
  if (m === 2) {
    for (let i = 0; i < n; i++, src++, dst += 2) heap[dst] = heap[dst + 1] = heap[src];
  } else {
    for (let i = 0; i < n; i++, src++) for (let q = 0; q < m; q++) heap[dst++] = heap[src];
  }
  return out;
}

/** DepthwiseConv2dNative: x's channels repeated m times, then the tiled multiplier-1 convolution. */
export function depthwiseConv2dNative(args: KernelArgs): Info {
  const { inputs, attrs, backend } = args;
  const { x, filter } = inputs;
  const { strides, pad, dilations, dimRoundingMode, dataFormat } = attrs as never as tf.DepthwiseConv2dNativeAttrs;
  assertNHWC(dataFormat, 'DepthwiseConv2dNative');
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], filter.shape as [number, number, number, number],
    strides, dilations ?? 1, pad, dimRoundingMode, true);
  const [kh, kw, C, m] = filter.shape;
  const pads = explicitPads(info);
  if (x.dtype !== 'float32' || info.dilationHeight !== 1 || info.dilationWidth !== 1 || !tilePlan(kh, kw, pads) ||
      (m === 1 && FAST_TILES.some(([a, b]) => a * b === kh * kw))) {
    return shipped.get('DepthwiseConv2dNative')!(args as never) as Info;
  }
  const xr = m === 1 ? x : repeatChannels(backend, x, m);
  const w1 = reshape(backend, filter, [kh, kw, C * m, 1]);
  const out = tiledDepthwise(backend, xr, w1, pads, [info.strideHeight, info.strideWidth]);
  free(backend, w1);
  if (xr !== x) free(backend, xr);
  return out;
}

// ---------------------------------------------------------------------------------------------
// dx.

/** dy with s−1 zeros between neighbours (strides > 1), so dx becomes a stride-1 convolution. */
function insertZeros(backend: WasmBackend, dy: Info, sh: number, sw: number): Info {
  const [N, oh, ow, K] = dy.shape;
  const lh = (oh - 1) * sh + 1, lw = (ow - 1) * sw + 1;
  const out = backend.makeOutput([N, lh, lw, K], 'float32');
  const heap = f32(backend);
  const o = at(backend, out), d = at(backend, dy);
  heap.fill(0, o, o + N * lh * lw * K);
  for (let n = 0; n < N; n++)
    for (let y = 0; y < oh; y++)
      for (let x = 0; x < ow; x++) {
        const src = d + ((n * oh + y) * ow + x) * K;
        heap.copyWithin(o + ((n * lh + y * sh) * lw + x * sw) * K, src, src + K);
      }
  return out;
}

/**
 * dx[n, i, j, c] = Σ over q, a, b of dy[n, (i + pt − a)/s, (j + pl − b)/s, c·m+q] · w[a, b, c, q]:
 * a stride-1 correlation of (zero-inserted) dy with the flipped filter, padded by k−1−p before
 * and what makes the output H×W after; then the sum over q.
 */
export function depthwiseConv2dNativeBackpropInput(args: KernelArgs): Info {
  const { inputs, attrs, backend } = args;
  const { dy, filter } = inputs;
  const { strides, pad, dimRoundingMode, inputShape } = attrs as never as tf.DepthwiseConv2dNativeBackpropInputAttrs;
  const info = backend_util.computeConv2DInfo(
    inputShape, filter.shape as [number, number, number, number], strides, 1, pad, dimRoundingMode, true);
  const [kh, kw, C, m] = filter.shape;
  const [, H, W] = inputShape;
  const { strideHeight: sh, strideWidth: sw } = info;
  const lh = (info.outHeight - 1) * sh + 1, lw = (info.outWidth - 1) * sw + 1;
  const p = info.padInfo;
  const pads: Pads = [kh - 1 - p.top, H + p.top - lh, kw - 1 - p.left, W + p.left - lw];
  if (pads.some((v) => v < 0)) return depthwiseBackpropInputLoops(args, info);
  const dyd = sh === 1 && sw === 1 ? dy : insertZeros(backend, dy, sh, sw);
  const flipped = run(backend, 'Reverse', { x: filter }, { dims: [0, 1] });
  const w1 = reshape(backend, flipped, [kh, kw, C * m, 1]);
  const full = tiledDepthwise(backend, dyd, w1, pads, [1, 1]);
  free(backend, flipped, w1);
  if (dyd !== dy) free(backend, dyd);
  if (m === 1) return full;
  const split = reshape(backend, full, [...inputShape, m]);
  const out = run(backend, 'Sum', { x: split }, { axis: [4], keepDims: false });
  free(backend, split, full);
  return out;
}

/** Direct loops, for paddings the formulation above cannot express (none from 'same'/'valid'). */
function depthwiseBackpropInputLoops({ inputs, backend }: KernelArgs, info: Conv2DInfo): Info {
  const { dy, filter } = inputs;
  const [kh, kw, C, m] = filter.shape;
  const [N, H, W] = info.inShape;
  const { outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw } = info;
  const { top: pt, left: pl } = info.padInfo;
  const out = backend.makeOutput([N, H, W, C], 'float32');
  const heap = f32(backend);
  const o = at(backend, out), d = at(backend, dy), w = at(backend, filter);
  heap.fill(0, o, o + N * H * W * C);
  for (let n = 0; n < N; n++)
    for (let y = 0; y < oh; y++)
      for (let x = 0; x < ow; x++)
        for (let a = 0; a < kh; a++) {
          const iy = y * sh + a - pt;
          if (iy < 0 || iy >= H) continue;
          for (let b = 0; b < kw; b++) {
            const ix = x * sw + b - pl;
            if (ix < 0 || ix >= W) continue;
            const dst = o + ((n * H + iy) * W + ix) * C;
            const src = d + ((n * oh + y) * ow + x) * C * m;
            const wb = w + (a * kw + b) * C * m;
            for (let k = 0; k < C * m; k++) heap[dst + ((k / m) | 0)] += heap[src + k] * heap[wb + k];
          }
        }
  return out;
}

// ---------------------------------------------------------------------------------------------
// dW.

/** Output positions per product: B [P, 8] stays in cache (~256 KB) while each row tile of A streams. */
const CHUNK = 8192;

/**
 * dW[a, b, c, q] = Σ over n, y, x of x[n, y·sh + a − pt, x·sw + b − pl, c] · dy[n, y, x, c·m+q].
 * Per group of G channels and chunk of output rows: cols [G·kh·kw, Pc] (im2col of x, from x
 * transposed to [C, N, H, W], so each row is runs of contiguous copies) times dy's columns of those
 * channels [Pc, G·m], one XNNPACK product, summed over chunks; dW is the diagonal blocks. Chunking
 * keeps the packed B in cache (one product over all N·oh·ow positions re-streams a 4 MB B from
 * memory for every row tile: 2× slower) and the im2col at a few MB instead of kh·kw copies of x.
 */
export function depthwiseConv2dNativeBackpropFilter({ inputs, attrs, backend }: KernelArgs): Info {
  const { x, dy } = inputs;
  const { strides, pad, dimRoundingMode, filterShape } = attrs as never as tf.DepthwiseConv2dNativeBackpropFilterAttrs;
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode, true);
  const [kh, kw, C, m] = filterShape;
  const [N, H, W] = x.shape;
  const { outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw } = info;
  const { top: pt, left: pl } = info.padInfo;
  const T = kh * kw, P = N * oh * ow;
  const G = Math.max(1, Math.min(C, Math.floor(8 / m)));
  const rowsPerChunk = Math.max(1, Math.floor(CHUNK / ow));
  const xt = run(backend, 'Transpose', { x }, { perm: [3, 0, 1, 2] }); // [C, N, H, W]
  // dy as [groups, P, G·m]: each group's columns contiguous (one transpose; the last group may be short).
  const groups = Math.ceil(C / G);
  const padded = groups * G === C ? dy : padChannels(backend, dy, groups * G * m);
  const dy3 = reshape(backend, padded, [P, groups, G * m]);
  const dyg = run(backend, 'Transpose', { x: dy3 }, { perm: [1, 0, 2] });
  free(backend, dy3);
  if (padded !== dy) free(backend, padded);
  const out = backend.makeOutput(filterShape, 'float32');
  const acc = new Float32Array(G * T * G * m);
  for (let gi = 0, c0 = 0; gi < groups; gi++, c0 += G) {
    const g = Math.min(G, C - c0);
    acc.fill(0);
    for (let r0 = 0; r0 < N * oh; r0 += rowsPerChunk) {
      const rows = Math.min(rowsPerChunk, N * oh - r0);
      const Pc = rows * ow;
      const cols = backend.makeOutput([1, g * T, Pc], 'float32');
      const b = backend.makeOutput([1, Pc, G * m], 'float32');
      let heap = f32(backend);
      const bsrc = at(backend, dyg) + (gi * P + r0 * ow) * G * m;
      heap.copyWithin(at(backend, b), bsrc, bsrc + Pc * G * m);
      let dst = at(backend, cols);
      const xo = at(backend, xt);
      for (let c = c0; c < c0 + g; c++)
        for (let a = 0; a < kh; a++)
          for (let bb = 0; bb < kw; bb++) {
            // Output columns x whose input column ix = x·sw + bb − pl lies inside [0, W).
            const off = bb - pl;
            const x0 = Math.min(ow, Math.max(0, Math.ceil(-off / sw)));
            const x1 = Math.max(x0, Math.min(ow, Math.floor((W - 1 - off) / sw) + 1));
            for (let r = r0; r < r0 + rows; r++, dst += ow) {
              const n = (r / oh) | 0, iy = (r - n * oh) * sh + a - pt;
              if (iy < 0 || iy >= H) {
                heap.fill(0, dst, dst + ow);
                continue;
              }
              const row = xo + ((c * N + n) * H + iy) * W + off;
              if (x0 > 0) heap.fill(0, dst, dst + x0);
              if (sw === 1) heap.copyWithin(dst + x0, row + x0, row + x1);
              else for (let i = x0; i < x1; i++) heap[dst + i] = heap[row + i * sw];
              if (x1 < ow) heap.fill(0, dst + x1, dst + ow);
            }
          }
      const r = shipped.get('BatchMatMul')!({
        inputs: { a: cols, b }, attrs: { transposeA: false, transposeB: false }, backend,
      } as never) as Info;
      heap = f32(backend);
      const ro = at(backend, r);
      for (let i = 0; i < g * T * G * m; i++) acc[i] += heap[ro + i];
      free(backend, cols, b, r);
    }
    const heap = f32(backend);
    const o = at(backend, out);
    for (let cl = 0; cl < g; cl++)
      for (let t = 0; t < T; t++)
        for (let q = 0; q < m; q++) heap[o + (t * C + c0 + cl) * m + q] = acc[(cl * T + t) * G * m + cl * m + q];
  }
  free(backend, xt, dyg);
  return out;
}

/** dy [N, oh, ow, K] with zero channels appended up to k (so channel groups divide evenly). */
function padChannels(backend: WasmBackend, dy: Info, k: number): Info {
  return run(backend, 'PadV2', { x: dy }, { paddings: [[0, 0], [0, 0], [0, 0], [0, k - dy.shape[3]]], constantValue: 0 });
}
