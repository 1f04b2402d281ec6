import * as tf from '@tensorflow/tfjs';
import { SeededDropout } from '@hitcast/core/training';
import { LayerNorm, MaskedMeanPool, MultiHeadSelfAttention, normalInit, PaddingMask, PositionEmbedding, subSeed, TokenEmbedding } from './layers/index.ts';

/** The encoder's shape and seed: what params.json chooses (the tokenizer fixes the rest). */
export interface TransformerShape {
  /** Transformer width, attention heads, encoder blocks, feed-forward width. */
  dModel: number;
  heads: number;
  layers: number;
  ffDim: number;
  dropout: number;
  /** Seed of initial weights, dropout masks and batch order. */
  seed: number;
}

/** The shape fields of a larger parameter set (e.g. the stage's params.json). */
export function transformerShape(p: TransformerShape): TransformerShape {
  return { dModel: p.dModel, heads: p.heads, layers: p.layers, ffDim: p.ffDim, dropout: p.dropout, seed: p.seed };
}

export interface TextModelConfig extends TransformerShape {
  /** Embedding rows: the tokenizer's vocabulary size. */
  vocabSize: number;
  /** Most tokens per input (the tokenizer's maxLength); batches may be shorter. */
  maxLength: number;
  /** Initial output bias: the mean target (popularity / 100), so training starts at the baseline. */
  outputBias?: number;
}

/** Width of the feature vector the fusion stage joins with the CNN's. */
export const TEXT_FEATURES = 64;
/** Name of the layer whose output is the 64 features (see featuresModel). */
export const FEATURES_LAYER = 'text_features';

type Sym = tf.SymbolicTensor;

/**
 * Token ids [batch, length ≤ maxLength] (int32) → popularity / 100, a pre-layer-norm Transformer encoder:
 *
 *   token embedding + position embedding → dropout
 *   N × { x + dropout(attention(LN(x), mask));  x + dropout(FFN(LN(x))) }     FFN = dense(ffDim, gelu) → dense(d)
 *   LN → mean over unpadded positions → dense 64 relu (the features) → dropout → dense 1
 *
 * Every initial weight and dropout mask comes from `seed`. `features` shares its layers with `model`.
 */
export function buildTextModel(config: TextModelConfig): { model: tf.LayersModel; features: tf.LayersModel } {
  let k = 0;
  const seed = () => subSeed(config.seed, k++);
  const dropout = (name: string) => new SeededDropout({ rate: config.dropout, seed: seed(), name });
  const dense = (units: number, name: string, extra: Partial<Parameters<typeof tf.layers.dense>[0]> = {}) =>
    tf.layers.dense({ units, name, kernelInitializer: normalInit(seed()), biasInitializer: 'zeros', ...extra });
  const residualStddev = 0.02 / Math.sqrt(2 * config.layers);

  // Length left open: a batch of short songs is trimmed to its longest (3× faster at length 12 than 32),
  // and padding changes no prediction, since attention and pooling skip [PAD].
  const ids = tf.input({ shape: [null], dtype: 'int32', name: 'token_ids' });
  const mask = new PaddingMask({ name: 'padding_mask' }).apply(ids) as Sym;
  let x = new TokenEmbedding({ vocabSize: config.vocabSize, dim: config.dModel, seed: seed(), name: 'token_embedding' }).apply(ids) as Sym;
  x = new PositionEmbedding({ maxLength: config.maxLength, seed: seed(), name: 'position_embedding' }).apply(x) as Sym;
  x = dropout('embedding_dropout').apply(x) as Sym;

  for (let b = 0; b < config.layers; b++) {
    const name = (part: string) => `block${b}_${part}`;
    let h = new LayerNorm({ name: name('ln1') }).apply(x) as Sym;
    h = new MultiHeadSelfAttention({ heads: config.heads, seed: seed(), outputStddev: residualStddev, name: name('attention') }).apply([h, mask]) as Sym;
    k += 3; // the attention layer draws seed … seed + 3
    h = dropout(name('attention_dropout')).apply(h) as Sym;
    x = tf.layers.add({ name: name('residual1') }).apply([x, h]) as Sym;

    h = new LayerNorm({ name: name('ln2') }).apply(x) as Sym;
    h = dense(config.ffDim, name('ffn_in'), { activation: 'gelu' }).apply(h) as Sym;
    h = dense(config.dModel, name('ffn_out'), { kernelInitializer: normalInit(seed(), residualStddev) }).apply(h) as Sym;
    h = dropout(name('ffn_dropout')).apply(h) as Sym;
    x = tf.layers.add({ name: name('residual2') }).apply([x, h]) as Sym;
  }

  x = new LayerNorm({ name: 'final_ln' }).apply(x) as Sym;
  const pooled = new MaskedMeanPool({ name: 'masked_mean' }).apply([x, mask]) as Sym;
  const features = dense(TEXT_FEATURES, FEATURES_LAYER, { activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed: seed() }) }).apply(pooled) as Sym;
  const head = dropout('features_dropout').apply(features) as Sym;
  const output = dense(1, 'text_popularity', { biasInitializer: tf.initializers.constant({ value: config.outputBias ?? 0 }) }).apply(head) as Sym;

  return {
    model: tf.model({ inputs: ids, outputs: output, name: 'text_transformer' }),
    features: tf.model({ inputs: ids, outputs: features, name: 'text_features_model' }),
  };
}

/** The 64-feature sub-model of a text model (built here or loaded from disk), sharing its weights. */
export function featuresModel(model: tf.LayersModel): tf.LayersModel {
  return tf.model({ inputs: model.inputs, outputs: model.getLayer(FEATURES_LAYER).output as Sym, name: 'text_features_model' });
}
