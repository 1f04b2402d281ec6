import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src/tf/backend.ts';
import { findAdapter } from '../../src/tf/webgpu-adapter.ts';
import { relError, values } from './helpers.ts';

/**
 * Why the webgpu tests cannot run here (null when they can): the packages are missing, or Dawn finds no
 * adapter, not even a software one. Printed by the tests that skip, so a skip is never silent.
 */
export const webgpuUnavailable: string | null = await (async () => {
  const require = createRequire(import.meta.url);
  for (const pkg of ['webgpu', '@tensorflow/tfjs-backend-webgpu']) {
    try {
      require.resolve(`${pkg}/package.json`);
    } catch {
      return `${pkg} is not installed`;
    }
  }
  const found = await findAdapter({ openGLES: true });
  return 'reason' in found ? `no WebGPU adapter: ${found.reason} (.ci/run installs lavapipe, mesa-vulkan-drivers from bookworm-backports)` : null;
})();

/** webgpu (asked for: a software adapter will do) and cpu, both ready; cpu current. */
export async function webgpuAndCpu(): Promise<void> {
  tf.env().set('IS_TEST', true);
  await selectBackend('webgpu', { log: () => {} });
  await tf.setBackend('cpu');
}

/**
 * f's value and the gradients of sum(f(...inputs) · w) on a backend, read asynchronously (webgpu in
 * Node cannot read synchronously).
 */
export async function valueAndGradsAsync(
  backend: 'cpu' | 'webgpu',
  f: (...xs: tf.Tensor[]) => tf.Tensor,
  shapes: number[][],
): Promise<{ value: Float32Array; grads: Float32Array[] }> {
  await tf.setBackend(backend);
  const { y, grads } = tf.tidy(() => {
    const xs = shapes.map((s, i) => tf.tensor(values(s, i + 1), s));
    const y = f(...xs);
    const w = tf.tensor(values(y.shape, 99), y.shape);
    return { y, grads: tf.grads((...a: tf.Tensor[]) => tf.sum(tf.mul(f(...a), w)))(xs) };
  });
  const out = { value: (await y.data()) as Float32Array, grads: (await Promise.all(grads.map((g) => g.data()))) as Float32Array[] };
  tf.dispose([y, ...grads]);
  return out;
}

/** Largest relative error of webgpu against cpu over the value and every gradient. */
export async function compareWebgpuWithCpu(f: (...xs: tf.Tensor[]) => tf.Tensor, shapes: number[][]): Promise<number> {
  const cpu = await valueAndGradsAsync('cpu', f, shapes);
  const gpu = await valueAndGradsAsync('webgpu', f, shapes);
  return Math.max(relError(cpu.value, gpu.value), ...cpu.grads.map((g, i) => relError(g, gpu.grads[i])));
}
