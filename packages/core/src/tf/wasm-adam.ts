/**
 * One Adam update of one variable as a single wasm kernel. tfjs's AdamOptimizer spends ~15 kernel calls
 * per variable (multiplies, adds, divisions, a square and a square root, each a pass and a dispatch);
 * with the Transformer's ~40 variables that is ~600 calls a step, a tenth of its training time. This
 * kernel does the same arithmetic in one pass over the heap, in the same order, rounding to float32
 * after every operation (Math.fround) as the separate float32 kernels do, so its results are
 * bit-identical to the stock optimizer's on wasm (tested in packages/core/test/training/adam.test.ts).
 */
import * as tf from '@tensorflow/tfjs';
import type { WasmBackend } from './wasm-kernels.ts';

export const ADAM_UPDATE = 'HitcastAdamUpdate';

export interface AdamUpdateAttrs {
  /** Float32 values of the constants, as tfjs's scalar tensors would hold them. */
  beta1: number;
  beta2: number;
  oneMinusBeta1: number;
  oneMinusBeta2: number;
  /** 1 − beta1^t and 1 − beta2^t, computed by the caller from the optimizer's running powers. */
  oneMinusAccBeta1: number;
  oneMinusAccBeta2: number;
  epsilon: number;
  negativeLearningRate: number;
}

const f = Math.fround;

/** inputs {x, m, v, g} → outputs [x', m', v']. */
export function adamUpdate({ inputs, attrs, backend }: { inputs: Record<string, tf.TensorInfo>; attrs: Record<string, unknown>; backend: WasmBackend }): tf.TensorInfo[] {
  const { x, m, v, g } = inputs;
  const a = attrs as unknown as AdamUpdateAttrs;
  const outX = backend.makeOutput(x.shape, 'float32');
  const outM = backend.makeOutput(x.shape, 'float32');
  const outV = backend.makeOutput(x.shape, 'float32');
  const heap = backend.wasm.HEAPF32; // after the allocations: growth replaces the buffer
  const at = (t: tf.TensorInfo) => backend.dataIdMap.get(t.dataId).memoryOffset >>> 2;
  const [xi, mi, vi, gi, xo, mo, vo] = [at(x), at(m), at(v), at(g), at(outX), at(outM), at(outV)];
  const n = x.shape.reduce((p, d) => p * d, 1);
  const { beta1, beta2, oneMinusBeta1, oneMinusBeta2, oneMinusAccBeta1, oneMinusAccBeta2, epsilon, negativeLearningRate } = a;
  for (let k = 0; k < n; k++) {
    const grad = heap[gi + k];
    const newM = f(f(heap[mi + k] * beta1) + f(grad * oneMinusBeta1));
    const newV = f(f(heap[vi + k] * beta2) + f(f(grad * grad) * oneMinusBeta2));
    const correctedM = f(newM / oneMinusAccBeta1);
    const correctedV = f(newV / oneMinusAccBeta2);
    const step = f(f(correctedM / f(f(Math.sqrt(correctedV)) + epsilon)) * negativeLearningRate);
    heap[xo + k] = f(step + heap[xi + k]);
    heap[mo + k] = newM;
    heap[vo + k] = newV;
  }
  return [outX, outM, outV];
}
