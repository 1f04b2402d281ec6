import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { shipped } from '../../src/tf/wasm-kernels.ts';
import { bothBackends, compareWithCpu, values } from './helpers.ts';

// The one-input-channel Conv2D and filter gradient (wasm-conv-one-channel.ts) against the cpu backend:
// the value and both gradients of sum(conv2d(x, w) · weights) (x's gradient runs on the other
// registrations, so this also checks they compose). Odd sizes, negatives.
const TOL = 2e-5;

type Op = (...xs: tf.Tensor[]) => tf.Tensor;
const conv = (pad: 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]], strides: number | [number, number] = 1): Op =>
  (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, strides, pad as 'same');

const cases: [string, Op, number[][]][] = [
  ['3×3 same, 16 channels (the CNN first layer; 16-channel blocks, taps written out)', conv('same'), [[2, 9, 13, 1], [3, 3, 1, 16]]],
  ['3×3 valid, 32 channels', conv('valid'), [[2, 9, 13, 1], [3, 3, 1, 32]]],
  ['3×3 same, 12 channels (4-channel blocks)', conv('same'), [[2, 7, 11, 1], [3, 3, 1, 12]]],
  ['5×5 same, 4 channels', conv('same'), [[1, 8, 10, 1], [5, 5, 1, 4]]],
  ['2×4 same (even kernel: uneven padding; width-4 taps loop)', conv('same'), [[2, 9, 13, 1], [2, 4, 1, 8]]],
  ['7×1 same (tall kernel)', conv('same'), [[2, 12, 5, 1], [7, 1, 1, 16]]],
  ['1×1 valid', conv('valid'), [[2, 5, 6, 1], [1, 1, 1, 4]]],
  ['5×5 same, 8 channels (filter gradient in 8-channel blocks)', conv('same'), [[2, 9, 11, 1], [5, 5, 1, 8]]],
  ['1×7 same, 16 channels (wide window)', conv('same'), [[2, 5, 13, 1], [1, 7, 1, 16]]],
  ['3×3 same, one image row (filter gradient over a single output row)', conv('same'), [[1, 1, 9, 1], [3, 3, 1, 16]]],
  ['explicit padding', conv([[0, 0], [2, 1], [0, 3], [0, 0]]), [[2, 6, 7, 1], [3, 3, 1, 8]]],
  // Empty output: the gradients must be zeros (the backward registrations once read past the heap here).
  ['window larger than the input (empty output)', conv('valid'), [[1, 2, 9, 1], [3, 3, 1, 4]]],
  ['window larger than the input, 2 channels (shipped forward, our backward)', conv('valid'), [[1, 2, 9, 2], [3, 3, 2, 4]]],
  // not ours: the shipped kernel, unchanged
  ['stride 2 (shipped kernel)', conv('same', 2), [[2, 9, 13, 1], [3, 3, 1, 16]]],
  ['6 output channels (shipped kernel)', conv('same'), [[2, 9, 13, 1], [3, 3, 1, 6]]],
  ['2 input channels (shipped kernel)', conv('same'), [[2, 9, 13, 2], [3, 3, 2, 16]]],
];

describe('wasm Conv2D with one input channel matches the cpu backend', () => {
  beforeAll(bothBackends);

  it.each(cases)('%s', async (_name, f, shapes) => {
    expect(await compareWithCpu(f, shapes)).toBeLessThan(TOL);
  });

  it('runs our kernel for one channel and the shipped one otherwise', async () => {
    await tf.setBackend('wasm');
    const calls: string[] = [];
    const original = shipped.get('Conv2D')!;
    shipped.set('Conv2D', (args) => (calls.push('shipped'), original(args)));
    try {
      const run = (xShape: number[], wShape: number[]) => tf.tidy(() => tf.conv2d(tf.tensor4d(values(xShape, 1), xShape as [number, number, number, number]), tf.tensor4d(values(wShape, 2), wShape as [number, number, number, number]), 1, 'same').dataSync());
      run([1, 6, 7, 1], [3, 3, 1, 16]);
      expect(calls).toEqual([]);
      run([1, 6, 7, 3], [3, 3, 3, 16]);
      expect(calls).toEqual(['shipped']);
    } finally {
      shipped.set('Conv2D', original);
    }
  });

  it('leaves no tensor behind (the padded copy is freed)', async () => {
    await tf.setBackend('wasm');
    const [x, w] = [tf.tensor(values([2, 9, 13, 1], 1), [2, 9, 13, 1]), tf.tensor(values([3, 3, 1, 16], 2), [3, 3, 1, 16])];
    const before = tf.memory().numBytes;
    const y = tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same');
    expect(tf.memory().numBytes - before).toBe(y.size * 4);
    tf.dispose([x, w, y]);
  });
});
