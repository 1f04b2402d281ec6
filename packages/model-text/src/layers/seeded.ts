import * as tf from '@tensorflow/tfjs';

/**
 * Seeded initializers: the same seed gives the same initial weights on every backend and in every run.
 * GPT-2 style: weights N(0, 0.02), biases and layer-norm offsets 0, layer-norm scales 1.
 */
export const normalInit = (seed: number, stddev = 0.02) => tf.initializers.randomNormal({ mean: 0, stddev, seed });

/** A distinct, reproducible seed for the k-th weight drawn from a model seed. */
export const subSeed = (seed: number, k: number) => (Math.imul(seed + 1, 1_000_003) + Math.imul(k + 1, 7919)) >>> 1;
