import { checks, defineStage } from '@hitcast/core/stage';
import { CNN_DEFAULTS, type CnnParams } from './params.ts';

/** Stage model-cnn: the runs cnn-only (no augmentation) and cnn-pretrained (with it). */
export const stage = defineStage<CnnParams>({
  name: 'model-cnn',
  params: {
    file: 'packages/model-cnn/params.json',
    defaults: CNN_DEFAULTS,
    speedOnly: ['workers'], // threads: the shards give the same weights wherever they run
    check: (p) => [
      // Three 2×2 poolings: each side must survive them.
      ...(Number.isInteger(p.inputHeight) && p.inputHeight >= 8 ? [] : [`inputHeight must be a whole number ≥ 8 (three 2×2 poolings; got ${p.inputHeight})`]),
      ...(Number.isInteger(p.inputWidth) && p.inputWidth >= 8 ? [] : [`inputWidth must be a whole number ≥ 8 (three 2×2 poolings; got ${p.inputWidth})`]),
      ...checks.fraction('dropout', p.dropout, { open: true }),
      ...checks.positiveInteger('batchSize', p.batchSize),
      ...checks.sharding(p),
      ...checks.positiveInteger('epochs', p.epochs),
      ...checks.positive('learningRate', p.learningRate),
      ...checks.nonNegativeInteger('patience', p.patience),
      ...checks.nonNegativeInteger('patchCount', p.patchCount),
      ...(p.noiseStd >= 0 ? [] : [`noiseStd must be ≥ 0 (got ${p.noiseStd})`]),
      ...checks.fraction('patchProbability', p.patchProbability),
      ...checks.fraction('patchHeightFraction', p.patchHeightFraction),
      ...checks.fraction('patchWidthFraction', p.patchWidthFraction),
    ],
  },
  inputs: { songs: 'artifacts/data-spectrogram/songs.arrow' },
  out: 'artifacts/model-cnn',
  usesBackend: true,
  load: () => import('./stage-run.ts'),
});
