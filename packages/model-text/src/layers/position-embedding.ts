import * as tf from '@tensorflow/tfjs';
import { one } from './padding-mask.ts';
import { normalInit } from './seeded.ts';

/**
 * Adds a learned vector per position: x [batch, length, d] + table[0 … length), table [maxLength, d].
 * Inputs may be shorter than maxLength (batches trimmed to their longest song).
 */
export class PositionEmbedding extends tf.layers.Layer {
  static className = 'HitcastPositionEmbedding';
  private readonly maxLength: number;
  private readonly seed: number;
  private table!: tf.LayerVariable;

  constructor(args: { maxLength: number; seed: number; name?: string }) {
    super({ name: args.name });
    this.maxLength = args.maxLength;
    this.seed = args.seed;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const d = (inputShape as number[]).at(-1)!;
    this.table = this.addWeight('positions', [this.maxLength, d], 'float32', normalInit(this.seed));
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = one(inputs);
      const length = x.shape[1]!;
      if (length > this.maxLength) throw new Error(`position embedding: ${length} tokens, at most ${this.maxLength}`);
      const table = this.table.read();
      return tf.add(x, length === this.maxLength ? table : tf.slice(table, [0, 0], [length, -1]));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), maxLength: this.maxLength, seed: this.seed };
  }
}
tf.serialization.registerClass(PositionEmbedding);
