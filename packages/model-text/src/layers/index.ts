// Importing this module registers every custom layer, so tf.loadLayersModel can rebuild a saved model.
export { MultiHeadSelfAttention, type AttentionArgs } from './attention.ts';
export { LayerNorm } from './layer-norm.ts';
export { MaskedMeanPool } from './masked-mean-pool.ts';
export { PaddingMask } from './padding-mask.ts';
export { PositionEmbedding } from './position-embedding.ts';
export { TokenEmbedding } from './token-embedding.ts';
export { normalInit, subSeed } from './seeded.ts';

/** This module, for worker threads that rebuild a text model (DataParallel's setupModule). */
export const TEXT_LAYERS_MODULE = import.meta.url;
