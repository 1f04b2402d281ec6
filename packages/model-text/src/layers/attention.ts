import * as tf from '@tensorflow/tfjs';
import { normalInit } from './seeded.ts';

export interface AttentionArgs {
  heads: number;
  seed: number;
  /** Standard deviation of the output projection's initial weights (GPT-2 scales it by 1/√(2·layers)). */
  outputStddev?: number;
  name?: string;
}

/** What a masked-out key adds to its attention score: exp() of it is exactly 0 in float32. */
const MASKED = -1e9;

/**
 * Multi-head self-attention with a padding mask: inputs [x [batch, length, d], mask [batch, length]].
 * Padded keys get zero attention weight, so real positions never see padding.
 *
 * The projections fold batch and length into rows (one [batch·length, d] matMul each), the form wasm's
 * XNNPACK runs fast; only the two score products are batched, over batch·heads. K is laid out already
 * transposed so no product needs a transpose flag.
 */
export class MultiHeadSelfAttention extends tf.layers.Layer {
  static className = 'HitcastMultiHeadSelfAttention';
  private readonly heads: number;
  private readonly seed: number;
  private readonly outputStddev: number;
  private query!: [tf.LayerVariable, tf.LayerVariable];
  private key!: [tf.LayerVariable, tf.LayerVariable];
  private value!: [tf.LayerVariable, tf.LayerVariable];
  private outKernel!: tf.LayerVariable;
  private outBias!: tf.LayerVariable;

  constructor(args: AttentionArgs) {
    super({ name: args.name });
    this.heads = args.heads;
    this.seed = args.seed;
    this.outputStddev = args.outputStddev ?? 0.02;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const d = (inputShape as tf.Shape[])[0].at(-1)!;
    if (d % this.heads !== 0) throw new Error(`attention: width ${d} is not divisible by ${this.heads} heads`);
    // Three projections rather than one [d, 3d] then a split: on wasm the split and its gradient's
    // concat cost more than the two extra products.
    const projection = (name: string, seed: number): [tf.LayerVariable, tf.LayerVariable] => [
      this.addWeight(`${name}_kernel`, [d, d], 'float32', normalInit(seed)),
      this.addWeight(`${name}_bias`, [d], 'float32', tf.initializers.zeros()),
    ];
    this.query = projection('query', this.seed);
    this.key = projection('key', this.seed + 1);
    this.value = projection('value', this.seed + 2);
    this.outKernel = this.addWeight('out_kernel', [d, d], 'float32', normalInit(this.seed + 3, this.outputStddev));
    this.outBias = this.addWeight('out_bias', [d], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const [x, mask] = inputs as tf.Tensor[];
    return tf.tidy(() => {
      const [batch, length, d] = x.shape;
      const h = this.heads;
      const dh = d / h;
      const rows = tf.reshape(x, [batch * length, d]);
      // [batch·L, d] → per head, [batch·h, L, dh] (K as [batch·h, dh, L]).
      const heads = ([kernel, bias]: tf.LayerVariable[], perm: number[], shape: number[]) =>
        tf.reshape(tf.transpose(tf.reshape(tf.add(tf.matMul(rows, kernel.read()), bias.read()), [batch, length, h, dh]), perm), shape);
      const qh = heads(this.query, [0, 2, 1, 3], [batch * h, length, dh]);
      const kT = heads(this.key, [0, 2, 3, 1], [batch * h, dh, length]);
      const vh = heads(this.value, [0, 2, 1, 3], [batch * h, length, dh]);
      const scores = tf.mul(tf.matMul(qh, kT), 1 / Math.sqrt(dh));
      // [batch·h, L, L] + [batch, 1, 1, L] mask bias, softmax over keys.
      const bias = tf.reshape(tf.mul(tf.sub(1, mask), MASKED), [batch, 1, 1, length]);
      const weights = tf.softmax(tf.add(tf.reshape(scores, [batch, h, length, length]), bias));
      const context = tf.matMul(tf.reshape(weights, [batch * h, length, length]), vh);
      const merged = tf.reshape(tf.transpose(tf.reshape(context, [batch, h, length, dh]), [0, 2, 1, 3]), [batch * length, d]);
      return tf.reshape(tf.add(tf.matMul(merged, this.outKernel.read()), this.outBias.read()), [batch, length, d]);
    });
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return (inputShape as tf.Shape[])[0];
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), heads: this.heads, seed: this.seed, outputStddev: this.outputStddev };
  }
}
tf.serialization.registerClass(MultiHeadSelfAttention);
