import { readParams } from '@hitcast/core';

export interface FusionParams {
  seed: number;
  batchSize: number;
  epochs: number;
  patience: number;
  headLearningRate: number;
  cnnLearningRate: number;
  textLearningRate: number;
  /** combined-naive: each batch in this many equal shards whose gradients are averaged (batch norm sees per-shard statistics). */
  shards: number;
  /** Threads that compute the shards, the main one included; fusion-pretrained trains its small head on one thread (speed only: same weights for any count). */
  workers: number;
}

export const FUSION_DEFAULTS: FusionParams = {
  seed: 7,
  batchSize: 8,
  epochs: 60,
  patience: 10,
  headLearningRate: 0.002,
  cnnLearningRate: 0.002,
  textLearningRate: 0.001,
  shards: 2,
  workers: 2,
};

export function readFusionParams(file: string | undefined): FusionParams {
  return file ? readParams(file, FUSION_DEFAULTS) : { ...FUSION_DEFAULTS };
}
