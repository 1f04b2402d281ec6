import * as tf from '@tensorflow/tfjs';

/**
 * The training step (and the batch shard, see DataParallel) the current forward pass belongs to. The
 * fit loop sets them before each shard so that dropout masks depend on (layer seed, step, shard) only:
 * a run resumed from a checkpoint draws the same masks as an uninterrupted one, and a shard draws the
 * same mask on whichever thread computes it. (tf.layers.dropout either draws from Math.random, or,
 * given a seed, repeats one mask forever.)
 */
export const trainingStep = { value: 0, shard: 0 };

interface SeededDropoutArgs extends tf.serialization.ConfigDict {
  rate: number;
  seed: number;
}

export class SeededDropout extends tf.layers.Layer {
  static className = 'HitcastSeededDropout';
  private readonly rate: number;
  private readonly seed: number;

  constructor(args: { rate: number; seed: number; name?: string }) {
    super({ name: args.name });
    this.rate = args.rate;
    this.seed = args.seed;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (!kwargs.training || this.rate === 0) return x;
    // Mix layer seed, step and shard into one 31-bit seed (shard 0 adds nothing: one-shard runs keep their masks).
    const seed = (Math.imul(this.seed ^ 0x9e3779b9, 2654435761) + Math.imul(trainingStep.value + 1, 40503) + Math.imul(trainingStep.shard, 0x27d4eb2f)) >>> 1;
    return tf.dropout(x, this.rate, undefined, seed);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed } satisfies SeededDropoutArgs;
  }
}
tf.serialization.registerClass(SeededDropout);
