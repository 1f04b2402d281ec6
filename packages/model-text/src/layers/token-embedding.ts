import * as tf from '@tensorflow/tfjs';
import { one } from './padding-mask.ts';
import { normalInit } from './seeded.ts';

/**
 * Token ids [batch, length] → vectors [batch, length, d] from a [vocab, d] table.
 *
 * Same forward pass as tf.layers.embedding (a gather), but its gradient is one scatter-add of the
 * incoming rows into the table's shape. The stock gather gradient goes through UnsortedSegmentSum,
 * which the cpu backend runs as one full pass per vocabulary entry (minutes per step at 8,000 tokens)
 * and stock wasm lacks; ScatterNd sums duplicate ids on every backend.
 */
export class TokenEmbedding extends tf.layers.Layer {
  static className = 'HitcastTokenEmbedding';
  private readonly vocabSize: number;
  private readonly dim: number;
  private readonly seed: number;
  private table!: tf.LayerVariable;

  constructor(args: { vocabSize: number; dim: number; seed: number; name?: string }) {
    super({ name: args.name });
    this.vocabSize = args.vocabSize;
    this.dim = args.dim;
    this.seed = args.seed;
  }

  override build(_inputShape?: tf.Shape | tf.Shape[]): void {
    this.table = this.addWeight('embeddings', [this.vocabSize, this.dim], 'float32', normalInit(this.seed));
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const ids = one(inputs);
      const flat = tf.reshape(tf.cast(ids, 'int32'), [-1]);
      const rows = embeddingLookup(this.table.read(), flat);
      return tf.reshape(rows, [...ids.shape, this.dim]);
    });
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return [...(inputShape as tf.Shape), this.dim];
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), vocabSize: this.vocabSize, dim: this.dim, seed: this.seed };
  }
}
tf.serialization.registerClass(TokenEmbedding);

/** gather(table, ids) whose gradient for the table is scatterND(ids, dy) (duplicate ids summed). */
const embeddingLookup = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [table, ids, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  save([ids]);
  return {
    value: tf.gather(table, ids),
    gradFunc: (dy: tf.Tensor, [savedIds]: tf.Tensor[]) => [tf.scatterND(tf.reshape(savedIds, [-1, 1]), dy, table.shape), tf.zerosLike(savedIds)],
  };
}) as (table: tf.Tensor, ids: tf.Tensor) => tf.Tensor;
