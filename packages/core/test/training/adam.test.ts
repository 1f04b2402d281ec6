import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { FusedAdam } from '../../src/training/adam.ts';
import { bothBackends, values } from '../tf/helpers.ts';

beforeAll(async () => {
  await bothBackends();
  await tf.setBackend('wasm');
});

/** Variables of a few shapes (one left without a gradient), trained for `steps` steps with fixed gradients. */
function train(optimizer: tf.AdamOptimizer, steps: number, prefix: string): { weights: number[][]; moments: number[][] } {
  const shapes = [[7, 5], [33], [2, 3, 4], [1]];
  const vars = shapes.map((shape, i) => tf.variable(tf.tensor(values(shape, i + 1), shape), true, `${prefix}-${i}`));
  for (let s = 0; s < steps; s++) {
    const grads: tf.NamedTensorMap = {};
    vars.forEach((v, i) => {
      if (i === 3 && s % 2 === 1) return; // a variable with no gradient this step
      // Large, tiny, zero and negative gradients: every branch of float32 rounding gets exercised.
      grads[v.name] = tf.tidy(() => tf.tensor(values(v.shape, 100 * s + i), v.shape).mul(i === 1 ? 1e-6 : 3).mul(tf.tensor(values(v.shape, 7), v.shape).greater(-1.2)));
    });
    optimizer.applyGradients(grads as Record<string, tf.Variable>);
    tf.dispose(Object.values(grads));
  }
  const weights = vars.map((v) => Array.from(v.dataSync()));
  return { weights, moments: [] };
}

describe('FusedAdam', () => {
  it('updates variables bit for bit as tfjs\'s Adam on wasm, in one kernel per variable', async () => {
    const stock = tf.train.adam(0.01);
    const fused = new FusedAdam(0.01);
    const a = train(stock, 12, 'stock');
    const b = train(fused, 12, 'fused');
    expect(b.weights).toEqual(a.weights);
    // Same state for checkpoints: moments under the same names (with the variable names), same powers.
    const [sa, sb] = [await stock.getWeights(), await fused.getWeights()];
    expect(sb.map((w) => w.name.replace('fused', 'x'))).toEqual(sa.map((w) => w.name.replace('stock', 'x')));
    sa.forEach((w, i) => expect(Array.from(sb[i].tensor.dataSync())).toEqual(Array.from(w.tensor.dataSync())));
    const powers = (o: tf.AdamOptimizer) => [(o as unknown as { accBeta1: tf.Variable }).accBeta1.dataSync()[0], (o as unknown as { accBeta2: tf.Variable }).accBeta2.dataSync()[0]];
    expect(powers(fused)).toEqual(powers(stock));
  });

  it('is tfjs\'s own Adam where the fused kernel is not registered (cpu)', async () => {
    await tf.setBackend('cpu');
    try {
      expect(train(new FusedAdam(0.01), 3, 'cpu-fused').weights).toEqual(train(tf.train.adam(0.01), 3, 'cpu-stock').weights);
    } finally {
      await tf.setBackend('wasm');
    }
  });
});
