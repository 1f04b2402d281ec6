import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { bothBackends, values } from './helpers.ts';

/** conv 3×7 + BN + maxpool + dense, the shapes the hitcast CNN is made of, small enough for cpu. */
function tinyCnn(): tf.LayersModel {
  const input = tf.input({ shape: [12, 20, 1] });
  let x = tf.layers.conv2d({ filters: 6, kernelSize: [3, 7], padding: 'same', activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.batchNormalization().apply(x) as tf.SymbolicTensor;
  x = tf.layers.maxPooling2d({ poolSize: 2 }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.conv2d({ filters: 4, kernelSize: 1, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.flatten().apply(x) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

async function losses(backend: 'cpu' | 'wasm', steps: number): Promise<number[]> {
  await tf.setBackend(backend);
  const model = tinyCnn();
  const optimizer = tf.train.adam(0.01);
  const x = tf.tensor4d(values([8, 12, 20, 1], 5), [8, 12, 20, 1]);
  const y = tf.tensor2d(values([8, 1], 6), [8, 1]);
  const out: number[] = [];
  for (let i = 0; i < steps; i++) {
    const loss = optimizer.minimize(() => tf.losses.meanSquaredError(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, true)!;
    out.push(loss.dataSync()[0]);
    loss.dispose();
  }
  return out;
}

describe('a tiny CNN trains on wasm like on cpu', () => {
  beforeAll(bothBackends);

  it('loss decreases and follows the cpu trajectory step by step', async () => {
    const cpu = await losses('cpu', 8);
    const wasm = await losses('wasm', 8);
    expect(wasm[7]).toBeLessThan(wasm[0] * 0.7);
    wasm.forEach((l, i) => expect(Math.abs(l - cpu[i]) / cpu[i]).toBeLessThan(1e-3));
  });
});
