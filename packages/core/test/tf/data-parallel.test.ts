import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataParallel, shardGradients } from '../../src/tf/data-parallel.ts';
import { bothBackends, relError, values } from './helpers.ts';

// No batch norm here: with it, shards see their own batch statistics (as in PyTorch DDP).
function model(): tf.LayersModel {
  const input = tf.input({ shape: [8, 12, 1] });
  let x = tf.layers.conv2d({ filters: 4, kernelSize: [3, 5], padding: 'same', activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }) }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.maxPooling2d({ poolSize: 2 }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.flatten().apply(x) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: 5 }) }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

describe('DataParallel', () => {
  let dp: DataParallel;
  let m: tf.LayersModel;
  beforeAll(async () => {
    await bothBackends();
    await tf.setBackend('wasm');
    m = model();
    dp = await DataParallel.create(m, { workers: 1 });
  });
  afterAll(() => dp?.close());

  it('averages shard gradients into the whole-batch gradient', async () => {
    const x = tf.tensor4d(values([7, 8, 12, 1], 1), [7, 8, 12, 1]); // odd batch: shards of 4 and 3
    const y = tf.tensor2d(values([7, 1], 2), [7, 1]);
    const whole = shardGradients(m, 'meanSquaredError', x, y);
    const { loss, grads } = await dp.gradients(x, y);
    expect(dp.replicas).toBe(2);
    expect(Math.abs(loss - whole.loss) / whole.loss).toBeLessThan(1e-5);
    m.trainableWeights.forEach((w, i) => {
      const name = (w as unknown as { val: tf.Variable }).val.name;
      expect(relError(whole.grads[i].dataSync(), grads[name].dataSync())).toBeLessThan(1e-5);
    });
  });

  it('predicts a batch split over the threads as the model predicts it whole', async () => {
    const x = tf.tensor4d(values([5, 8, 12, 1], 6), [5, 8, 12, 1]);
    const whole = m.predict(x) as tf.Tensor;
    const split = await dp.predict(x);
    expect(split.shape).toEqual([5, 1]);
    expect(relError(whole.dataSync(), split.dataSync())).toBeLessThan(1e-6);
    expect(dp.workerHeapBytes).toBeGreaterThan(0);
    tf.dispose([x, whole, split]);
  });

  it('hands the workers their shards before the main thread starts on its own', async () => {
    // A worker that only got its shard after the main thread's would leave the two threads taking turns.
    const events: string[] = [];
    const worker = (dp as unknown as { workers: { postMessage: (m: unknown) => void }[] }).workers[0];
    const post = worker.postMessage.bind(worker);
    worker.postMessage = (m: unknown) => {
      events.push('worker shard posted');
      post(m);
    };
    const apply = m.apply.bind(m);
    m.apply = ((...args: Parameters<typeof m.apply>) => {
      events.push('main shard computed');
      return apply(...args);
    }) as typeof m.apply;
    const x = tf.tensor4d(values([4, 8, 12, 1], 7), [4, 8, 12, 1]);
    const y = tf.tensor2d(values([4, 1], 8), [4, 1]);
    try {
      tf.dispose(Object.values((await dp.gradients(x, y)).grads));
    } finally {
      worker.postMessage = post;
      m.apply = apply;
    }
    expect(events).toEqual(['worker shard posted', 'main shard computed']);
    tf.dispose([x, y]);
  });

  it('drives an optimizer: a few steps lower the loss', async () => {
    const x = tf.tensor4d(values([8, 8, 12, 1], 3), [8, 8, 12, 1]);
    const y = tf.tensor2d(values([8, 1], 4), [8, 1]);
    const optimizer = tf.train.adam(0.01);
    const seen: number[] = [];
    for (let i = 0; i < 6; i++) seen.push(await dp.train(optimizer, x, y));
    expect(seen[5]).toBeLessThan(seen[0] * 0.8);
  });
});
