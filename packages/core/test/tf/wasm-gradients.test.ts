import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Op, pool, SHARED_TRAINING_CASES, type TrainingCase } from './training-cases.ts';
import { bothBackends, compareWithCpu, relError, values } from './helpers.ts';

// Every registration against the cpu backend's stock kernels and gradients. Float32 on both
// sides, different summation orders: agreement to ~1e-6 relative means the same math.
const TOL = 2e-5;


const cases: TrainingCase[] = [
  ...SHARED_TRAINING_CASES, // training-cases.ts: the ops both backends' registrations must get right
  ['maxPool 2×2 odd sizes', pool(2, 2, 'valid'), [[2, 9, 11, 3]]],
  ['maxPool of only negative values', (x) => tf.maxPool(tf.sub(tf.abs(x), 10) as tf.Tensor4D, 2, 2, 'valid'), [[2, 6, 8, 3]]],
  // channels a multiple of 4: the SIMD kernel (wasm-max-pool-grad.ts)
  ['maxPool 2×2, 8 channels (SIMD)', pool(2, 2, 'valid'), [[2, 8, 10, 8]]],
  ['maxPool 2×2, 4 channels, odd sizes (SIMD; odd edges get 0)', pool(2, 2, 'valid'), [[2, 9, 11, 4]]],
  ['maxPool of only negative values, 12 channels (SIMD)', (x) => tf.maxPool(tf.sub(tf.abs(x), 10) as tf.Tensor4D, 2, 2, 'valid'), [[2, 6, 8, 12]]],
  ['matMul', (a, b) => tf.matMul(a, b), [[7, 5], [5, 3]]],
  ['embedding gather (gradient = UnsortedSegmentSum)', (e) => tf.gather(e, tf.tensor1d([1, 3, 1, 0, 7, 3], 'int32')), [[8, 5]]],
  ['sum over the last axis (shipped kernel)', (x) => tf.sum(tf.mul(x, x), -1), [[2, 5, 6, 3]]],
];

describe('wasm training registrations match the cpu backend', () => {
  beforeAll(bothBackends);

  it.each(cases)('%s', async (_name, f, shapes) => {
    expect(await compareWithCpu(f, shapes)).toBeLessThan(TOL);
  });

  it('maxPool gradient of a 4×4 input of negatives goes to each window maximum', async () => {
    // The shipped wasm kernel put a single 1 in the first cell here.
    await tf.setBackend('wasm');
    const x = tf.tensor4d([-9, -8, -7, -6, -5, -4, -3, -2, -1.5, -9, -9, -9, -9, -9, -9, -0.5], [1, 4, 4, 1]);
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.maxPool(t as tf.Tensor4D, 2, 2, 'valid')))(x);
    const expected = new Array(16).fill(0);
    for (const i of [5, 7, 8, 15]) expected[i] = 1;
    expect(Array.from(g.dataSync())).toEqual(expected);
  });

  // 3 channels: the JavaScript kernel; 8: the SIMD one. Equal bits, including +0 (never −0) off the maximum.
  it.each([3, 8])('maxPool ties send the gradient to the first maximum of the window, as cpu does (%i channels)', async (C) => {
    const grad = async (backend: string) => {
      await tf.setBackend(backend);
      // Per window: the lower row wins (cells d, e tie), the upper row wins (a, b tie), or all four tie.
      const tied = (n: number, y: number, x: number, c: number) => {
        const kind = (Math.floor(y / 2) + Math.floor(x / 2) + c + n) % 3;
        return kind === 0 ? y % 2 : kind === 1 ? 1 - (y % 2) : 0.5;
      };
      const x = tf.tensor4d(Array.from({ length: 2 * 6 * 8 * C }, (_, i) => tied(Math.floor(i / (48 * C)), Math.floor(i / (8 * C)) % 6, Math.floor(i / C) % 8, i % C)), [2, 6, 8, C]);
      const w = tf.tensor4d(Array.from({ length: 2 * 3 * 4 * C }, (_, i) => (i % 5) - 2), [2, 3, 4, C]);
      return Array.from(tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(t as tf.Tensor4D, 2, 2, 'valid'), w)))(x).dataSync());
    };
    const [wasm, cpu] = [await grad('wasm'), await grad('cpu')];
    expect(wasm).toEqual(cpu);
    expect(wasm.map((v) => Object.is(v, -0))).toEqual(cpu.map((v) => Object.is(v, -0)));
  });

  it.each([
    ['a batched, b shared (dense on [B, T, d])', [4, 7, 5], [5, 3]],
    ['a shared, b batched (small)', [7, 5], [4, 5, 3]],
    ['a shared, b batched (large)', [40, 50], [3, 50, 60]],
  ])('batchMatMul forward with broadcasting: %s', async (_name, aShape, bShape) => {
    const product = async (backend: string) => {
      await tf.setBackend(backend);
      return tf.matMul(tf.tensor(values(aShape, 1), aShape), tf.tensor(values(bShape, 2), bShape)).dataSync();
    };
    expect(relError(await product('cpu'), await product('wasm'))).toBeLessThan(TOL);
  });

  it('UnsortedSegmentSum forward matches cpu (and drops out-of-range ids)', async () => {
    const run = async (backend: string) => {
      await tf.setBackend(backend);
      const x = tf.tensor2d([[1, 2], [3, 4], [5, 6], [7, 8]]);
      return Array.from(tf.unsortedSegmentSum(x, tf.tensor1d([2, 0, 2, 1], 'int32'), 3).dataSync());
    };
    expect(await run('wasm')).toEqual(await run('cpu'));
  });
});
