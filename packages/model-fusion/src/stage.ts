import { checks, defineStage } from '@hitcast/core/stage';
import { FUSION_DEFAULTS, type FusionParams } from './params.ts';

/**
 * Stage model-fusion: the runs combined-naive (end to end) and fusion-pretrained (frozen backbones). The
 * backbones' architectures come from the parameters model-cnn and model-text wrote beside their runs
 * (`<dir>/params.json`), so fusion depends on their artifacts only.
 */
export const stage = defineStage<FusionParams>({
  name: 'model-fusion',
  params: {
    file: 'packages/model-fusion/params.json',
    defaults: FUSION_DEFAULTS,
    speedOnly: ['workers'], // threads: the shards give the same weights wherever they run
    check: (p) => [
      ...checks.positiveInteger('batchSize', p.batchSize),
      ...checks.sharding(p),
      ...checks.positiveInteger('epochs', p.epochs),
      ...checks.nonNegativeInteger('patience', p.patience),
      ...checks.positive('headLearningRate', p.headLearningRate),
      ...checks.positive('cnnLearningRate', p.cnnLearningRate),
      ...checks.positive('textLearningRate', p.textLearningRate),
    ],
  },
  inputs: { songs: 'artifacts/data-spectrogram/songs.arrow', cnn: 'artifacts/model-cnn', text: 'artifacts/model-text' },
  out: 'artifacts/model-fusion',
  usesBackend: true,
  load: () => import('./stage-run.ts'),
});
