import { readParams } from '@hitcast/core';
import type { AugmentParams } from './augment.ts';
import { ORIGINAL_AUGMENTATION } from './augment.ts';

export interface CnnParams extends AugmentParams {
  inputHeight: number;
  inputWidth: number;
  dropout: number;
  seed: number;
  batchSize: number;
  epochs: number;
  learningRate: number;
  patience: number;
  /** Depthwise ("grouped") convolutions in blocks 2 and 3 as in the original, instead of full ones. */
  groupedConvolutions: boolean;
  /** Each batch in this many equal shards whose gradients are averaged (batch norm sees per-shard statistics). */
  shards: number;
  /** Threads that compute the shards, the main one included (speed only: same weights for any count). */
  workers: number;
}

export const CNN_DEFAULTS: CnnParams = {
  inputHeight: 64,
  inputWidth: 256,
  dropout: 0.3,
  seed: 1,
  batchSize: 8,
  epochs: 30,
  learningRate: 0.002,
  patience: 8,
  groupedConvolutions: true,
  shards: 2,
  workers: 2,
  ...ORIGINAL_AUGMENTATION,
};

export function readCnnParams(file: string | undefined): CnnParams {
  return file ? readParams(file, CNN_DEFAULTS) : { ...CNN_DEFAULTS };
}
