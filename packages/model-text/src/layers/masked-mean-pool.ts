import * as tf from '@tensorflow/tfjs';

/** [x [batch, length, d], mask [batch, length]] → mean of x over the real (unpadded) positions, [batch, d]. */
export class MaskedMeanPool extends tf.layers.Layer {
  static className = 'HitcastMaskedMeanPool';

  constructor(args: { name?: string } = {}) {
    super(args);
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const [x, mask] = inputs as tf.Tensor[];
    return tf.tidy(() => {
      const m = tf.expandDims(mask, -1);
      return tf.div(tf.sum(tf.mul(x, m), 1), tf.maximum(tf.sum(m, 1), 1));
    });
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const [x] = inputShape as tf.Shape[];
    return [x[0], x[2]];
  }
}
tf.serialization.registerClass(MaskedMeanPool);
