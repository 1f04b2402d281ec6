export { buildCombinedModel, buildFusionHead } from './fusion-model.ts';
export { featureBatches, fusionBatches, loadFusionExamples, type FusionExample } from './fusion-data.ts';
export { FUSION_RUNS, frozenFeatures, trainFusionStage, type FusionRun, type TrainFusionOptions } from './train-fusion.ts';
export { FUSION_DEFAULTS, readFusionParams, type FusionParams } from './params.ts';
