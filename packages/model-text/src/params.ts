import { readParams } from '@hitcast/core';
import type { TransformerShape } from './transformer.ts';

/** Parameters of stage model-text (packages/model-text/params.json). Flat, so readParams can check every key. */
export interface TextParams extends TransformerShape {
  /** Tokenizer: most entries in the vocabulary (specials, year tokens, characters, merged pieces). */
  vocabSize: number;
  /** Tokens per song, [CLS] year [SEP] artists [SEP] title [SEP], padded or truncated. */
  maxLength: number;
  /** Run "text-pretrained": trained on text.arrow (songs outside the merged set). */
  pretrainEpochs: number;
  pretrainBatchSize: number;
  pretrainLearningRate: number;
  pretrainPatience: number;
  /** Use only the first maxRows rows of text.arrow; 0 = all. */
  pretrainMaxRows: number;
  /** Run "text-only" (naive config 1): trained from scratch on the merged set's train split. */
  naiveEpochs: number;
  naiveBatchSize: number;
  naiveLearningRate: number;
  naivePatience: number;
  /** Each batch in this many equal shards whose gradients are averaged (batch norm sees per-shard statistics). */
  shards: number;
  /** Threads that compute the shards, the main one included (speed only: same weights for any count). */
  workers: number;
}

export const TEXT_DEFAULTS: TextParams = {
  vocabSize: 8000,
  maxLength: 32,
  dModel: 64,
  heads: 4,
  layers: 2,
  ffDim: 128,
  dropout: 0.1,
  seed: 42,
  pretrainEpochs: 20,
  pretrainBatchSize: 128,
  pretrainLearningRate: 0.001,
  pretrainPatience: 3,
  pretrainMaxRows: 0,
  naiveEpochs: 60,
  naiveBatchSize: 32,
  naiveLearningRate: 0.001,
  naivePatience: 8,
  shards: 2,
  workers: 2,
};

export function readTextParams(file: string | undefined): TextParams {
  return file ? readParams(file, TEXT_DEFAULTS) : { ...TEXT_DEFAULTS };
}
