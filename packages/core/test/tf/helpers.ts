import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { installWasmTraining } from '../../src/tf/wasm-training.ts';

/** Both backends ready in one process: cpu (reference, stock gradients) and wasm (ours). */
export async function bothBackends(): Promise<void> {
  tf.env().set('IS_TEST', true); // silences the cpu backend's "install tfjs-node" banner
  tf.env().set('WASM_HAS_SIMD_SUPPORT', true);
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  installWasmTraining();
  await tf.setBackend('wasm');
  await tf.setBackend('cpu');
}

/** Deterministic values with negatives, so no backend-specific randomness enters a comparison. */
export function values(shape: number[], seed: number): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  return Float32Array.from({ length: n }, (_, i) => Math.sin((i + 1) * 12.9898 + seed * 78.233) * 1.7);
}

/** Worst error of `got` against `want`, relative to want's largest magnitude (so 0-heavy grads are fair). */
export function relError(want: ArrayLike<number>, got: ArrayLike<number>): number {
  let diff = 0, scale = 0;
  for (let i = 0; i < want.length; i++) {
    diff = Math.max(diff, Math.abs(want[i] - got[i]));
    scale = Math.max(scale, Math.abs(want[i]));
  }
  return scale === 0 ? diff : diff / scale;
}

/**
 * f's value and the gradients of sum(f(...inputs) · w) (w fixed, non-uniform) on a backend.
 * Inputs are built from `values` so both backends see identical numbers.
 */
export async function valueAndGrads(
  backend: 'cpu' | 'wasm',
  f: (...xs: tf.Tensor[]) => tf.Tensor,
  shapes: number[][],
): Promise<{ value: Float32Array; grads: Float32Array[] }> {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const xs = shapes.map((s, i) => tf.tensor(values(s, i + 1), s));
    const y = f(...xs);
    const w = tf.tensor(values(y.shape, 99), y.shape);
    const grads = tf.grads((...a: tf.Tensor[]) => tf.sum(tf.mul(f(...a), w)))(xs);
    return { value: y.dataSync() as Float32Array, grads: grads.map((g) => g.dataSync() as Float32Array) };
  });
}

/** Largest relative error between the two backends over the value and every gradient. */
export async function compareWithCpu(f: (...xs: tf.Tensor[]) => tf.Tensor, shapes: number[][]): Promise<number> {
  const cpu = await valueAndGrads('cpu', f, shapes);
  const wasm = await valueAndGrads('wasm', f, shapes);
  return Math.max(relError(cpu.value, wasm.value), ...cpu.grads.map((g, i) => relError(g, wasm.grads[i])));
}
