import { readParams } from '@hitcast/core';

export interface FusionParams {
  seed: number;
  batchSize: number;
  epochs: number;
  patience: number;
  headLearningRate: number;
  cnnLearningRate: number;
  textLearningRate: number;
}

export const FUSION_DEFAULTS: FusionParams = {
  seed: 7,
  batchSize: 8,
  epochs: 60,
  patience: 10,
  headLearningRate: 0.002,
  cnnLearningRate: 0.002,
  textLearningRate: 0.001,
};

export function readFusionParams(file: string | undefined): FusionParams {
  return file ? readParams(file, FUSION_DEFAULTS) : { ...FUSION_DEFAULTS };
}
