/**
 * Makes tfjs's wasm backend train correctly and fast, through tfjs's own extension points:
 * kernels registered for backend 'wasm' and one gradient that defers to the original on every
 * other backend. Idempotent; call after the wasm backend is registered (selectBackend does).
 *
 * What each registration replaces, and why (measured figures: see packages/core/bench/README.md):
 * - Conv2D with one input channel (a spectrogram CNN's first layer): XNNPACK runs it as a GEMM over
 *   the few taps at ~5 GFLOP/s; now a SIMD kernel on the heap (wasm-conv-one-channel.ts). Others: shipped.
 * - Conv2DBackpropFilter: missing on wasm (training any conv failed). im2col^T + one XNNPACK matMul;
 *   with one input channel a SIMD kernel on the heap instead (wasm-conv-one-channel.ts).
 * - Conv2DBackpropInput: wasm's is a scalar loop (~2 GFLOP/s); now a forward XNNPACK conv of dy
 *   with the flipped filter (stride 1; other strides keep the shipped kernel).
 * - DepthwiseConv2dNativeBackpropInput/Filter: missing on wasm; DepthwiseConv2dNative: wasm's runs
 *   multipliers > 1 and kernels of other than 1/3/4/9/25 taps as a slow grouped GEMM. All three as
 *   fast XNNPACK calls (wasm-depthwise.ts).
 * - MaxPoolGrad: wasm's is wrong for windows of only negative values; replaced by an exact one.
 * - UnsortedSegmentSum: missing on wasm; gather's gradient (embeddings) needs it.
 * - BatchMatMul: transpose flags and batches hit a scalar loop; now explicit transposes, batch
 *   folded into rows, or per-batch XNNPACK products.
 * - FusedBatchNorm gradient: the stock one tiles the variance to the full input shape; broadcasting
 *   does the same without the copy (wasm only; other backends keep the stock gradient).
 */
import * as tf from '@tensorflow/tfjs';
import { ADAM_UPDATE, adamUpdate } from './wasm-adam.ts';
import { conv2D, conv2DBackpropFilter as conv2DBackpropFilterOneChannel } from './wasm-conv-one-channel.ts';
import {
  depthwiseConv2dNative, depthwiseConv2dNativeBackpropFilter, depthwiseConv2dNativeBackpropInput,
} from './wasm-depthwise.ts';
import {
  batchMatMul, cast, conv2DBackpropInput, identity, maxPoolGrad, mean, shipped, sum, unsortedSegmentSum,
} from './wasm-kernels.ts';

const kernels: Record<string, (args: never) => tf.TensorInfo | tf.TensorInfo[]> = {
  [ADAM_UPDATE]: adamUpdate,
  Conv2D: conv2D,
  Conv2DBackpropFilter: conv2DBackpropFilterOneChannel,
  Conv2DBackpropInput: conv2DBackpropInput,
  DepthwiseConv2dNative: depthwiseConv2dNative,
  DepthwiseConv2dNativeBackpropInput: depthwiseConv2dNativeBackpropInput,
  DepthwiseConv2dNativeBackpropFilter: depthwiseConv2dNativeBackpropFilter,
  MaxPoolGrad: maxPoolGrad,
  UnsortedSegmentSum: unsortedSegmentSum,
  BatchMatMul: batchMatMul,
  Sum: sum,
  Mean: mean,
  Identity: identity,
  Cast: cast,
};

/** Names of the kernels this module registers for 'wasm' (for tests and the bench's report). */
export const wasmTrainingKernels = Object.keys(kernels);

let installed = false;

/**
 * Registers everything above. `skip` leaves named registrations out (the shipped kernel stays;
 * 'FusedBatchNorm' names the gradient): only for measuring what each one buys.
 */
export function installWasmTraining(options: { skip?: string[] } = {}): void {
  if (installed) return;
  // Registering before the package registers its own kernels would let those overwrite ours.
  if (!tf.getKernel('Conv2D', 'wasm')) {
    throw new Error("installWasmTraining: import '@tensorflow/tfjs-backend-wasm' first");
  }
  installed = true;
  const skip = new Set(options.skip ?? []);
  // Keep the shipped kernels: ours fall back to them and call wasm's fast ones by name.
  const used = ['Reshape', 'Transpose', 'Reverse', 'Conv2D', 'AvgPool', 'Multiply', 'Add'];
  for (const name of [...Object.keys(kernels), ...used]) {
    const k = tf.getKernel(name, 'wasm');
    if (k) shipped.set(name, k.kernelFunc);
  }
  for (const [name, kernelFunc] of Object.entries(kernels)) {
    const existing = tf.getKernel(name, 'wasm');
    if (existing && skip.has(name)) continue;
    if (existing) tf.unregisterKernel(name, 'wasm');
    // Keep the shipped setupFunc: it binds the C++ function our fallback calls into.
    tf.registerKernel({ kernelName: name, backendName: 'wasm', setupFunc: existing?.setupFunc, kernelFunc: kernelFunc as tf.KernelFunc });
  }
  if (!skip.has('FusedBatchNorm')) registerBatchNormGradient();
}

/**
 * The FusedBatchNorm gradient as tfjs-core has it, except that x's gradient broadcasts
 * rsqrt(variance + eps) instead of tiling it to x's full shape (a full-size copy per BN layer).
 */
function registerBatchNormGradient(): void {
  const stock = tf.getGradient(tf.FusedBatchNorm);
  if (!stock) throw new Error('tfjs has no FusedBatchNorm gradient registered');
  tf.registerGradient({
    ...stock,
    gradFunc: (dy, saved, attrs) => {
      const [x, mean, variance, scale] = saved;
      if (tf.getBackend() !== 'wasm' || mean.rank !== 1) return stock.gradFunc(dy, saved, attrs);
      const dyT = dy as tf.Tensor;
      const eps = (attrs as unknown as tf.FusedBatchNormAttrs).varianceEpsilon;
      const axes = [...Array(x.rank - 1).keys()];
      const rstd = tf.rsqrt(tf.add(variance, eps));
      const gamma = scale ?? tf.scalar(1);
      const dyScaled = tf.mul(dyT, gamma);
      return {
        x: () => tf.mul(dyT, tf.mul(rstd, gamma)),
        mean: () => tf.reshape(tf.mul(tf.neg(rstd), tf.sum(dyScaled, axes)), mean.shape),
        variance: () => {
          const k = tf.mul(tf.mul(tf.mul(rstd, rstd), rstd), -0.5);
          return tf.reshape(tf.mul(k, tf.sum(tf.mul(tf.sub(x, mean), dyScaled), axes)), mean.shape);
        },
        scale: () => tf.reshape(tf.sum(tf.mul(dyT, tf.mul(tf.sub(x, mean), rstd)), axes), mean.shape),
        offset: () => tf.reshape(tf.sum(dyT, axes), mean.shape),
      };
    },
  });
}
