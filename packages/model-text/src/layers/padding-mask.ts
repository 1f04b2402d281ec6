import * as tf from '@tensorflow/tfjs';

/** Token ids [batch, length] → mask [batch, length]: 1 for a real token, 0 for [PAD] (id 0). */
export class PaddingMask extends tf.layers.Layer {
  static className = 'HitcastPaddingMask';

  constructor(args: { name?: string } = {}) {
    super({ ...args, trainable: false });
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => tf.cast(tf.notEqual(one(inputs), tf.scalar(0, 'int32')), 'float32'));
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return inputShape as tf.Shape;
  }
}
tf.serialization.registerClass(PaddingMask);

export function one(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
  return Array.isArray(inputs) ? inputs[0] : inputs;
}
