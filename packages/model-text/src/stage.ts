import { checks, defineStage } from '@hitcast/core/stage';
import { TEXT_DEFAULTS, type TextParams } from './params.ts';
import { reservedTokens } from './tokenizer.ts';

/** Stage model-text: the tokenizer, then the runs text-pretrained (text set) and text-only (merged set). */
export const stage = defineStage<TextParams>({
  name: 'model-text',
  params: {
    file: 'packages/model-text/params.json',
    defaults: TEXT_DEFAULTS,
    speedOnly: ['workers'], // threads: the shards give the same weights wherever they run
    check: (p) => {
      const problems = [
        ...checks.positiveInteger('dModel', p.dModel),
        ...checks.sharding(p),
        ...checks.positiveInteger('heads', p.heads),
        ...checks.positiveInteger('layers', p.layers),
        ...checks.positiveInteger('ffDim', p.ffDim),
        ...checks.fraction('dropout', p.dropout, { open: true }),
        ...checks.nonNegativeInteger('pretrainMaxRows', p.pretrainMaxRows),
        ...['pretrainEpochs', 'pretrainBatchSize', 'naiveEpochs', 'naiveBatchSize'].flatMap((k) => checks.positiveInteger(k, p[k as keyof TextParams] as number)),
        ...['pretrainLearningRate', 'naiveLearningRate'].flatMap((k) => checks.positive(k, p[k as keyof TextParams] as number)),
        ...['pretrainPatience', 'naivePatience'].flatMap((k) => checks.nonNegativeInteger(k, p[k as keyof TextParams] as number)),
      ];
      if (Number.isInteger(p.dModel) && Number.isInteger(p.heads) && p.heads > 0 && p.dModel % p.heads !== 0) {
        problems.push(`heads (${p.heads}) must divide dModel (${p.dModel}): each head gets dModel / heads dimensions`);
      }
      if (!(Number.isInteger(p.maxLength) && p.maxLength >= 8 && p.maxLength <= 255)) problems.push(`maxLength must be a whole number from 8 to 255 (got ${p.maxLength})`);
      const reserved = reservedTokens().length;
      if (!(Number.isInteger(p.vocabSize) && p.vocabSize > reserved)) problems.push(`vocabSize must be a whole number above ${reserved} (the special, decade and year tokens; got ${p.vocabSize})`);
      return problems;
    },
  },
  inputs: { songs: 'artifacts/data-spectrogram/songs.arrow', text: 'artifacts/data-spectrogram/text.arrow' },
  out: 'artifacts/model-text',
  usesBackend: true,
  load: () => import('./stage-run.ts'),
});
