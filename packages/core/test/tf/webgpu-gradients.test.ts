import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Op, SHARED_TRAINING_CASES, type TrainingCase } from './training-cases.ts';
import { FusedAdam } from '../../src/training/adam.ts';
import { DataParallel } from '../../src/tf/data-parallel.ts';
import { relError, values } from './helpers.ts';
import { compareWebgpuWithCpu, webgpuAndCpu, webgpuUnavailable } from './webgpu-helpers.ts';

// Every kernel and gradient the models train with, on tfjs's webgpu backend (with hitcast's registrations,
// webgpu-training.ts) against the cpu backend's stock ones: the cases of wasm-gradients.test.ts and
// wasm-depthwise.test.ts, plus the Transformer's. Run on whatever adapter Dawn finds; on a machine without
// a GPU that is Mesa's lavapipe (.ci/run installs it), on one without either the file says why it skips.
// Float32 on both sides, different summation orders: agreement to ~1e-6 relative means the same math.
const TOL = 2e-5;

const depthwise = (strides: number | [number, number], pad: 'same' | 'valid'): Op =>
  (x, w) => tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, strides, pad);
const mask = (ids: number[][]) => tf.cast(tf.notEqual(tf.tensor2d(ids, undefined, 'int32'), tf.scalar(0, 'int32')), 'float32');

// model-text's TokenEmbedding lookup, as written there.
const embeddingLookup = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [table, ids, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  save([ids]);
  return {
    value: tf.gather(table, ids),
    gradFunc: (dy: tf.Tensor, [savedIds]: tf.Tensor[]) => [tf.scatterND(tf.reshape(savedIds, [-1, 1]), dy, table.shape), tf.zerosLike(savedIds)],
  };
}) as (table: tf.Tensor, ids: tf.Tensor) => tf.Tensor;

const cases: TrainingCase[] = [
  ...SHARED_TRAINING_CASES, // training-cases.ts: the ops both backends' registrations must get right
  // The CNN (model-cnn): convolutions, grouped (depthwise) ones, pooling, batch norm, dense.
  ['depthwise 5×7 multiplier 2 same (block 2)', depthwise(1, 'same'), [[2, 9, 13, 3], [5, 7, 3, 2]]],
  ['depthwise 5×7 multiplier 2 same, 16 channels', depthwise(1, 'same'), [[2, 11, 15, 16], [5, 7, 16, 2]]],
  ['depthwise 1×5 multiplier 2 same (block 3)', depthwise(1, 'same'), [[2, 5, 17, 5], [1, 5, 5, 2]]],
  ['depthwise 3×3 multiplier 1 same', depthwise(1, 'same'), [[2, 7, 9, 4], [3, 3, 4, 1]]],
  ['depthwise 3×3 multiplier 3 same', depthwise(1, 'same'), [[1, 7, 9, 3], [3, 3, 3, 3]]],
  ['depthwise 5×7 multiplier 2 valid', depthwise(1, 'valid'), [[2, 9, 13, 3], [5, 7, 3, 2]]],
  ['depthwise stride 2 same', depthwise(2, 'same'), [[2, 9, 13, 3], [3, 3, 3, 2]]],
  ['depthwise stride [2, 1] same, 1×5', depthwise([2, 1], 'same'), [[2, 9, 13, 3], [1, 5, 3, 2]]],
  ['depthwise + pointwise (model-cnn block)', (x, w, p) =>
    tf.conv2d(tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same'), p as tf.Tensor4D, 1, 'valid'),
  [[2, 9, 13, 4], [5, 7, 4, 2], [1, 1, 8, 8]]],
  ['maxPool of only negative values', (x) => tf.maxPool(tf.sub(tf.abs(x), 10) as tf.Tensor4D, 2, 2, 'valid'), [[2, 6, 8, 3]]],
  ['dense + relu', (x, w, b) => tf.relu(tf.add(tf.matMul(x, w), b)), [[5, 7], [7, 4], [4]]],
  // The Transformer (model-text) and the fusion head.
  ['embedding gather (gradient = UnsortedSegmentSum)', (e) => tf.gather(e, tf.tensor1d([1, 3, 1, 0, 7, 3], 'int32')), [[8, 5]]],
  // The token embedding's own gradient: scatterND of dy into the table's rows, repeated rows summed.
  ['token embedding (gather forward, scatterND backward)', (table) => embeddingLookup(table, tf.tensor1d([1, 3, 1, 0, 7, 3], 'int32')), [[8, 5]]],
  ['masked softmax (attention weights)', (s) =>
    tf.softmax(tf.add(s, tf.reshape(tf.mul(tf.sub(1, mask([[3, 5, 0, 0], [2, 0, 0, 0]])), -1e9), [2, 1, 1, 4]))), [[2, 3, 4, 4]]],
  ['gelu (erf)', (x) => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.div(x, Math.SQRT2)))), [[4, 9]]],
  ['layer norm', (x, g, b) => {
    const centered = tf.sub(x, tf.mean(x, -1, true));
    return tf.add(tf.mul(tf.mul(centered, tf.rsqrt(tf.add(tf.mean(tf.square(centered), -1, true), 1e-5))), g), b);
  }, [[3, 5, 8], [8], [8]]],
  // A float mask made from token ids, summed over the tokens: the shipped Cast left integers in it.
  ['masked mean over tokens (Cast int → float, then Sum over a middle axis)', (x) => {
    const m = tf.expandDims(mask([[2, 5, 7, 0, 0], [3, 9, 4, 8, 6], [11, 2, 0, 0, 0]]), -1);
    return tf.div(tf.sum(tf.mul(x, m), 1), tf.maximum(tf.sum(m, 1), 1));
  }, [[3, 5, 16]]],
];

if (webgpuUnavailable) console.log(`webgpu-gradients.test.ts skipped: ${webgpuUnavailable}`);

describe.skipIf(webgpuUnavailable !== null)('webgpu kernels and gradients match the cpu backend', () => {
  beforeAll(webgpuAndCpu);

  it.each(cases)('%s', async (_name, f, shapes) => {
    expect(await compareWebgpuWithCpu(f, shapes)).toBeLessThan(TOL);
  });

  it('maxPool ties send the gradient to the first maximum of the window, as cpu does', async () => {
    const grad = async (backend: string) => {
      await tf.setBackend(backend);
      const x = tf.tensor4d(Array.from({ length: 2 * 6 * 8 * 3 }, (_, i) => (i * 7) % 3), [2, 6, 8, 3]);
      const w = tf.tensor4d(Array.from({ length: 2 * 3 * 4 * 3 }, (_, i) => (i % 5) - 2), [2, 3, 4, 3]);
      const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(t as tf.Tensor4D, 2, 2, 'valid'), w)))(x);
      return Array.from(await g.data());
    };
    expect(await grad('webgpu')).toEqual(await grad('cpu'));
  });

  it('Cast int32 → float32 converts the values (what a copy such as Transpose then reads)', async () => {
    await tf.setBackend('webgpu');
    const ids = tf.tensor3d([[[1, 2, 3], [4, 5, 6]]], [1, 2, 3], 'int32');
    // Computed on the GPU (not handed to the cpu: the input lives on the device), then copied by Transpose.
    const onDevice = tf.add(ids, tf.zerosLike(ids));
    expect(Array.from(await tf.transpose(tf.cast(onDevice, 'float32'), [0, 2, 1]).data())).toEqual([1, 4, 2, 5, 3, 6]);
  });

  it('Adam (FusedAdam: tfjs\'s own update off wasm) takes the same steps as on cpu', async () => {
    const run = async (backend: string) => {
      await tf.setBackend(backend);
      const w = tf.variable(tf.tensor2d(values([6, 4], 1), [6, 4]));
      const x = tf.tensor2d(values([5, 6], 2), [5, 6]);
      const adam = new FusedAdam(0.01);
      for (let i = 0; i < 5; i++) adam.minimize(() => tf.sum(tf.square(tf.matMul(x, w))) as tf.Scalar);
      const out = await w.data();
      tf.dispose([w, x]);
      adam.dispose();
      return out;
    };
    expect(relError(await run('cpu'), await run('webgpu'))).toBeLessThan(TOL);
  });

  it('DataParallel in 2 shards on webgpu: no worker, the same gradient as cpu, and nothing left behind', async () => {
    const model = async (backend: string) => {
      await tf.setBackend(backend);
      const input = tf.input({ shape: [6] });
      const hidden = tf.layers.dense({ units: 5, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }).apply(input) as tf.SymbolicTensor;
      const output = tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }).apply(hidden) as tf.SymbolicTensor;
      return tf.model({ inputs: input, outputs: output });
    };
    const gradients = async (backend: string) => {
      const m = await model(backend);
      const dp = await DataParallel.create(m, { shards: 2, workers: 0 });
      const x = tf.tensor2d(values([7, 6], 3), [7, 6]);
      const y = tf.tensor2d(values([7, 1], 4), [7, 1]);
      const before = tf.memory().numTensors;
      const { loss, grads } = await dp.gradients(x, y);
      const joined = tf.tidy(() => tf.concat(Object.values(grads).map((g) => g.flatten())));
      const flat = await joined.data();
      tf.dispose([joined, ...Object.values(grads)]);
      const leaked = tf.memory().numTensors - before;
      await dp.close();
      tf.dispose([x, y]);
      m.dispose();
      return { loss, flat, leaked, replicas: dp.replicas };
    };
    const cpu = await gradients('cpu');
    const gpu = await gradients('webgpu');
    expect(gpu.replicas).toBe(1);
    expect(gpu.leaked).toBe(0);
    expect(Math.abs(gpu.loss - cpu.loss) / cpu.loss).toBeLessThan(TOL);
    expect(relError(cpu.flat, gpu.flat)).toBeLessThan(TOL);
  });
});
