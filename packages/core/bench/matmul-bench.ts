/**
 * What the BatchMatMul registration buys on wasm: forward + gradient of the products a dense layer
 * and attention make. Run twice and compare:
 *   node --import tsx packages/core/bench/matmul-bench.ts
 *   node --import tsx packages/core/bench/matmul-bench.ts --without BatchMatMul
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { selectBackend } from '../src/tf/backend.ts';
import { installWasmTraining } from '../src/tf/wasm-training.ts';

const i = process.argv.indexOf('--without');
if (i >= 0) installWasmTraining({ skip: process.argv[i + 1].split(',') });
await selectBackend('wasm', { log: () => {} });

function bench(name: string, flops: number, f: () => tf.Tensor[] | tf.Tensor, reps = 5): void {
  tf.dispose(f()); // warm-up
  const times: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    tf.dispose(f());
    times.push(performance.now() - t0);
  }
  const ms = times.sort((a, b) => a - b)[reps >> 1];
  console.log(`${name.padEnd(58)} ${ms.toFixed(1).padStart(8)} ms ${(flops / ms / 1e6).toFixed(1).padStart(6)} GFLOP/s`);
}

const rnd = (...shape: number[]) => tf.randomNormal(shape, 0, 1, 'float32', 7);
// Dense layer on tokens: y = x·W, gradients dx = dy·Wᵀ (transposeB), dW = xᵀ·dy (transposeA).
{
  const x = rnd(4096, 512), w = rnd(512, 512);
  bench('dense 4096×512·512×512: forward + both gradients', 3 * 2 * 4096 * 512 * 512, () =>
    tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.matMul(a, b))([x, w]));
}
// Same with a batch dimension and a shared weight (attention projections on [B, T, d]).
{
  const x = rnd(8, 512, 512), w = rnd(512, 512);
  bench('batched 8×512×512 · shared 512×512 (forward)', 2 * 8 * 512 * 512 * 512, () => tf.matMul(x, w));
}
// Attention scores and their gradients: true batches, transposeB.
{
  const q = rnd(64, 128, 64), k = rnd(64, 128, 64);
  bench('scores 64×(128×64 · (128×64)ᵀ): forward + both gradients', 3 * 2 * 64 * 128 * 128 * 64, () =>
    tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.matMul(a, b, false, true))([q, k]));
}
{
  const q = rnd(256, 48, 16), k = rnd(256, 48, 16);
  bench('small heads 256×(48×16 · (48×16)ᵀ): forward + both gradients', 3 * 2 * 256 * 48 * 48 * 16, () =>
    tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.matMul(a, b, false, true))([q, k]));
}
