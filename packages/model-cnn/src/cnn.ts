import * as tf from '@tensorflow/tfjs';
import { SeededDropout } from '@hitcast/core/training';

/**
 * The spectrogram CNN, after the original study's: blocks of a wide-in-time convolution (regular in the
 * first block, depthwise — the cheap "grouped" form — after it) followed by a 1×1 convolution, batch
 * norm, ReLU, 2×2 max-pooling and dropout; then global average pooling → dense 64 → batch norm → ReLU →
 * dropout, which are the 64 features the fusion head reads, → dense 1 (popularity / 100).
 */
export interface CnnBlock {
  filters: number;
  /** [rows (frequency), columns (time)] */
  kernel: [number, number];
  /** Depthwise convolution (filters must be a multiple of the incoming channels) instead of a full one. */
  depthwise: boolean;
}

export interface CnnConfig {
  height: number;
  width: number;
  blocks: CnnBlock[];
  dropout: number;
  seed: number;
  /** Initial output bias: the mean target (popularity / 100), so training starts at the baseline. */
  outputBias?: number;
}

export const ORIGINAL_BLOCKS: CnnBlock[] = [
  { filters: 16, kernel: [3, 7], depthwise: false },
  { filters: 32, kernel: [5, 7], depthwise: true },
  { filters: 64, kernel: [1, 5], depthwise: true },
];

/**
 * The blocks to build: the original's, with its grouped (depthwise) convolutions, or full ones in their
 * place unless `grouped` (the default since the depthwise kernels and gradients run on XNNPACK: faster
 * to train on wasm, see the package README).
 */
export function cnnBlocks(grouped: boolean): CnnBlock[] {
  return ORIGINAL_BLOCKS.map((block) => ({ ...block, depthwise: grouped && block.depthwise }));
}

export const FEATURES_LAYER = 'cnn_features';

/** Batch-norm momentum: tfjs's 0.99 leaves the moving statistics far behind on a few hundred steps. */
const BN_MOMENTUM = 0.9;

export interface CnnModels {
  /** spectrogram [batch, height, width, 1] in [-1, 1] → popularity / 100 */
  model: tf.LayersModel;
  /** the same layers up to the 64 features */
  features: tf.LayersModel;
}

export function buildCnn(config: CnnConfig): CnnModels {
  let seed = config.seed * 1000;
  const init = () => tf.initializers.heNormal({ seed: seed++ });
  const input = tf.input({ shape: [config.height, config.width, 1], name: 'spectrogram' });
  let x: tf.SymbolicTensor = input;
  let channels = 1;
  config.blocks.forEach((block, i) => {
    const name = (part: string) => `block${i + 1}_${part}`;
    if (block.depthwise) {
      if (block.filters % channels !== 0) throw new Error(`CNN block ${i + 1}: ${block.filters} filters is not a multiple of ${channels} channels`);
      x = tf.layers
        .depthwiseConv2d({ kernelSize: block.kernel, depthMultiplier: block.filters / channels, padding: 'same', depthwiseInitializer: init(), name: name('depthwise') })
        .apply(x) as tf.SymbolicTensor;
    } else {
      x = tf.layers.conv2d({ filters: block.filters, kernelSize: block.kernel, padding: 'same', kernelInitializer: init(), name: name('conv') }).apply(x) as tf.SymbolicTensor;
    }
    x = tf.layers.conv2d({ filters: block.filters, kernelSize: 1, kernelInitializer: init(), name: name('pointwise') }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.batchNormalization({ momentum: BN_MOMENTUM, name: name('norm') }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.reLU({ name: name('relu') }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.maxPooling2d({ poolSize: 2, name: name('pool') }).apply(x) as tf.SymbolicTensor;
    x = new SeededDropout({ rate: config.dropout, seed: seed++, name: name('dropout') }).apply(x) as tf.SymbolicTensor;
    channels = block.filters;
  });
  x = tf.layers.globalAveragePooling2d({ name: 'pool_global' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dense({ units: 64, kernelInitializer: init(), name: 'dense64' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.batchNormalization({ momentum: BN_MOMENTUM, name: 'dense64_norm' }).apply(x) as tf.SymbolicTensor;
  const features = tf.layers.reLU({ name: FEATURES_LAYER }).apply(x) as tf.SymbolicTensor;
  const dropped = new SeededDropout({ rate: config.dropout, seed: seed++, name: 'features_dropout' }).apply(features) as tf.SymbolicTensor;
  const output = tf.layers
    .dense({
      units: 1,
      // Small weights and the mean as bias: the untrained model predicts the mean, not noise.
      kernelInitializer: tf.initializers.randomNormal({ stddev: 0.01, seed: seed++ }),
      biasInitializer: tf.initializers.constant({ value: config.outputBias ?? 0 }),
      name: 'popularity',
    })
    .apply(dropped) as tf.SymbolicTensor;
  return {
    model: tf.model({ inputs: input, outputs: output, name: 'cnn' }),
    features: tf.model({ inputs: input, outputs: features, name: 'cnn_features' }),
  };
}

/** The 64-feature model of a trained (e.g. loaded) CNN: the same layers, cut at the features. */
export function cnnFeaturesModel(model: tf.LayersModel): tf.LayersModel {
  return tf.model({ inputs: model.inputs, outputs: model.getLayer(FEATURES_LAYER).output as tf.SymbolicTensor, name: 'cnn_features' });
}
