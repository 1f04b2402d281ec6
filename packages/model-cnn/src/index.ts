export { buildCnn, cnnBlocks, cnnFeaturesModel, ORIGINAL_BLOCKS, FEATURES_LAYER, type CnnConfig, type CnnBlock } from './cnn.ts';
export { augmentSpectrogram, toModelInput, ORIGINAL_AUGMENTATION, type AugmentParams } from './augment.ts';
export { prepareCnnInputs, cnnBatches, readExamples, inputsSpec, inputsFileName } from './cnn-inputs.ts';
export { trainCnnStage, predictAll, CNN_RUNS, type CnnRun } from './train-cnn.ts';
export { readCnnParams, CNN_DEFAULTS, type CnnParams } from './params.ts';
