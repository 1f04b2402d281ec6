/** The models hitcast tunes, and the stage and parameters file each belongs to. Light: the CLI imports it at start. */
export const TUNED_MODELS = ['cnn', 'text', 'fusion'] as const;
export type TunedModel = (typeof TUNED_MODELS)[number];

/** What each tuned model trains per trial, and whose params.json the best values go to. */
export const MODEL_STAGES: Record<TunedModel, { stage: string; paramsFile: string; runs: readonly string[] }> = {
  cnn: { stage: 'model-cnn', paramsFile: 'packages/model-cnn/params.json', runs: ['cnn-pretrained', 'cnn-only'] },
  text: { stage: 'model-text', paramsFile: 'packages/model-text/params.json', runs: ['text-pretrained', 'text-only'] },
  fusion: { stage: 'model-fusion', paramsFile: 'packages/model-fusion/params.json', runs: ['fusion-pretrained', 'combined-naive'] },
};

