import * as tf from '@tensorflow/tfjs';

/** The fusion head: concat(CNN 64, Transformer 64) = 128 → dense 64 (ReLU) → dense 1 (popularity / 100). */
export function buildFusionHead(seed: number): tf.Sequential {
  return tf.sequential({
    name: 'fusion_head',
    layers: [
      tf.layers.dense({ inputShape: [128], units: 64, activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed }), name: 'fusion_hidden' }),
      // Small weights: with the bias set to the mean target, the untrained head predicts the mean.
      tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.randomNormal({ stddev: 0.01, seed: seed + 1 }), name: 'fusion_output' }),
    ],
  });
}

/**
 * The combined model: [spectrogram, token ids] → both backbones' features → concatenated → head.
 * Backbones and head keep their own layers (and weights), so each can be given its own learning rate.
 */
export function buildCombinedModel(cnnFeatures: tf.LayersModel, textFeatures: tf.LayersModel, head: tf.LayersModel): tf.LayersModel {
  const spectrogram = tf.input({ shape: cnnFeatures.inputs[0].shape.slice(1) as number[], name: 'spectrogram' });
  const tokens = tf.input({ shape: textFeatures.inputs[0].shape.slice(1) as number[], name: 'tokens', dtype: 'int32' });
  const joined = tf.layers
    .concatenate({ name: 'features' })
    .apply([cnnFeatures.apply(spectrogram) as tf.SymbolicTensor, textFeatures.apply(tokens) as tf.SymbolicTensor]) as tf.SymbolicTensor;
  return tf.model({ inputs: [spectrogram, tokens], outputs: head.apply(joined) as tf.SymbolicTensor, name: 'combined' });
}
