import * as tf from '@tensorflow/tfjs';

/**
 * The training ops checked on every backend hitcast registers kernels for (wasm-gradients.test.ts,
 * webgpu-gradients.test.ts): each case is an op, and the shapes of its inputs; the tests compare its value
 * and gradients with the cpu backend's. Inputs hold negatives (helpers.values); odd sizes throughout.
 */
export type Op = (...xs: tf.Tensor[]) => tf.Tensor;
export type TrainingCase = [string, Op, number[][]];

export const conv = (strides: number | [number, number], pad: 'same' | 'valid'): Op =>
  (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, strides, pad);
// Through tfjs-layers' path: fused conv with bias and relu (its own gradient calls the backend's kernels).
export const fusedConv = (pad: 'same' | 'valid'): Op =>
  (x, w, b) => tf.fused.conv2d({ x: x as tf.Tensor4D, filter: w as tf.Tensor4D, strides: 1, pad, bias: b, activation: 'relu' });
export const pool = (size: number, strides: number, pad: 'same' | 'valid'): Op =>
  (x) => tf.maxPool(x as tf.Tensor4D, size, strides, pad);

/** The CNN's convolutions, pooling, batch norm and reductions, and the Transformer's products. */
export const SHARED_TRAINING_CASES: TrainingCase[] = [
  ['conv2d 3×3 same', conv(1, 'same'), [[2, 7, 9, 3], [3, 3, 3, 4]]],
  ['conv2d 3×7 same (non-square)', conv(1, 'same'), [[2, 9, 13, 3], [3, 7, 3, 5]]],
  ['conv2d 3×7 valid', conv(1, 'valid'), [[2, 9, 13, 3], [3, 7, 3, 5]]],
  ['conv2d 2×4 same (even kernel: uneven padding)', conv(1, 'same'), [[2, 9, 13, 3], [2, 4, 3, 5]]],
  ['conv2d 1×1', conv(1, 'valid'), [[2, 5, 6, 3], [1, 1, 3, 5]]],
  ['conv2d 1 input channel (first layer)', conv(1, 'same'), [[2, 8, 11, 1], [3, 3, 1, 4]]],
  ['conv2d stride 2 same', conv(2, 'same'), [[2, 9, 12, 3], [3, 3, 3, 4]]],
  ['conv2d stride [2,3] valid', conv([2, 3], 'valid'), [[2, 9, 14, 3], [3, 5, 3, 4]]],
  ['fused conv2d + bias + relu', fusedConv('same'), [[2, 7, 9, 3], [3, 5, 3, 4], [4]]],
  ['maxPool 2×2', pool(2, 2, 'valid'), [[2, 8, 10, 3]]],
  ['maxPool 2×2 same, odd sizes', pool(2, 2, 'same'), [[2, 9, 11, 3]]],
  ['maxPool 3×3 stride 2 same (overlapping)', pool(3, 2, 'same'), [[2, 9, 11, 3]]],
  ['matMul transposeA', (a, b) => tf.matMul(a, b, true, false), [[7, 5], [7, 3]]],
  ['matMul transposeB', (a, b) => tf.matMul(a, b, false, true), [[7, 5], [3, 5]]],
  ['batched matMul (small)', (a, b) => tf.matMul(a, b), [[4, 7, 5], [4, 5, 3]]],
  ['batched matMul transposeB (attention-sized)', (a, b) => tf.matMul(a, b, false, true), [[3, 40, 50], [3, 60, 50]]],
  ['batch norm over NHWC (moments + batchNorm)', (x, g, b) => {
    const { mean, variance } = tf.moments(x, [0, 1, 2]);
    return tf.batchNorm(x, mean, variance, b, g, 1e-3);
  }, [[2, 5, 6, 3], [3], [3]]],
  ['sum over [0,1,2] (bias gradient)', (x) => tf.sum(tf.mul(x, x), [0, 1, 2]), [[2, 5, 6, 3]]],
  ['mean over [1,2] keepDims (global average pool)', (x) => tf.mean(tf.mul(x, x), [1, 2], true), [[2, 5, 6, 3]]],
];
