import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { bothBackends, compareWithCpu } from './helpers.ts';

// The depthwise registrations (wasm-depthwise.ts: forward, dx, dW) against the cpu backend's stock
// kernel and gradients: the value and both gradients of sum(depthwiseConv2d(x, w) · weights).
// Inputs hold negatives (helpers.values); odd sizes throughout.
const TOL = 2e-5;

type Op = (...xs: tf.Tensor[]) => tf.Tensor;
const depthwise = (strides: number | [number, number], pad: 'same' | 'valid'): Op =>
  (x, w) => tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, strides, pad);

const cases: [string, Op, number[][]][] = [
  // The study CNN's layers (model-cnn blocks 2 and 3), small.
  ['5×7 multiplier 2 same (block 2: two 5×5 tiles)', depthwise(1, 'same'), [[2, 9, 13, 3], [5, 7, 3, 2]]],
  ['5×7 multiplier 2 same, 16 channels (dW in groups of 4)', depthwise(1, 'same'), [[2, 11, 15, 16], [5, 7, 16, 2]]],
  ['1×5 multiplier 2 same (block 3: one 1×9 tile)', depthwise(1, 'same'), [[2, 5, 17, 5], [1, 5, 5, 2]]],
  // Multipliers 1 and 2, kernels of fast and of other tap counts.
  ['5×7 multiplier 1 same', depthwise(1, 'same'), [[2, 9, 13, 3], [5, 7, 3, 1]]],
  ['3×3 multiplier 1 same (shipped forward)', depthwise(1, 'same'), [[2, 7, 9, 4], [3, 3, 4, 1]]],
  ['3×3 multiplier 2 same', depthwise(1, 'same'), [[2, 7, 9, 3], [3, 3, 3, 2]]],
  ['3×3 multiplier 3 same', depthwise(1, 'same'), [[1, 7, 9, 3], [3, 3, 3, 3]]],
  ['2×4 multiplier 2 same (even kernel: uneven padding)', depthwise(1, 'same'), [[2, 9, 13, 3], [2, 4, 3, 2]]],
  ['7×3 multiplier 1 same (tall kernel)', depthwise(1, 'same'), [[2, 11, 9, 3], [7, 3, 3, 1]]],
  // valid padding: no tiling keeps the padding ≥ 0, so the forward falls back to one call.
  ['1×5 multiplier 1 valid', depthwise(1, 'valid'), [[2, 9, 13, 3], [1, 5, 3, 1]]],
  ['5×7 multiplier 2 valid', depthwise(1, 'valid'), [[2, 9, 13, 3], [5, 7, 3, 2]]],
  ['3×3 multiplier 2 valid', depthwise(1, 'valid'), [[2, 9, 13, 3], [3, 3, 3, 2]]],
  // Strides: dx through zero-inserted dy, dW through a strided im2col.
  ['stride 2 same, 3×3 multiplier 2', depthwise(2, 'same'), [[2, 9, 13, 3], [3, 3, 3, 2]]],
  ['stride 2 same, 5×7 multiplier 1', depthwise(2, 'same'), [[2, 11, 14, 3], [5, 7, 3, 1]]],
  ['stride 2 valid, unused last row and column', depthwise(2, 'valid'), [[2, 10, 12, 3], [3, 3, 3, 2]]],
  ['stride [2, 1] same, 1×5 multiplier 2', depthwise([2, 1], 'same'), [[2, 9, 13, 3], [1, 5, 3, 2]]],
  ['1×1 multiplier 2', depthwise(1, 'valid'), [[2, 5, 6, 3], [1, 1, 3, 2]]],
  ['one input channel, 5×7 multiplier 2', depthwise(1, 'same'), [[2, 8, 11, 1], [5, 7, 1, 2]]],
  // Through tfjs-layers (what model-cnn builds): depthwise, then the 1×1 convolution.
  ['depthwise + pointwise (model-cnn block)', (x, w, p) =>
    tf.conv2d(tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same'), p as tf.Tensor4D, 1, 'valid'),
  [[2, 9, 13, 4], [5, 7, 4, 2], [1, 1, 8, 8]]],
];

describe('wasm depthwise convolution matches the cpu backend', () => {
  beforeAll(bothBackends);

  it.each(cases)('%s', async (_name, f, shapes) => {
    expect(await compareWithCpu(f, shapes)).toBeLessThan(TOL);
  });
});

describe('wasm depthwise kernels free what they allocate', () => {
  beforeAll(bothBackends);

  it('no wasm buffers are left after forward + gradients (tiles, repeats, im2col chunks)', async () => {
    await tf.setBackend('wasm');
    const backend = tf.backend();
    const run = () => tf.tidy(() => {
      const x = tf.randomNormal([2, 9, 13, 5]);
      const w = tf.randomNormal([5, 7, 5, 2]);
      const f = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same'));
      const [dx, dw] = tf.grads(f)([x, w]);
      return [dx.dataSync(), dw.dataSync()];
    });
    run(); // first call may create kernels' lasting state
    const before = backend.numDataIds();
    run();
    expect(backend.numDataIds()).toBe(before);
  });
});
