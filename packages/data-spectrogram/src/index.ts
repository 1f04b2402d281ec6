export { buildMergedDataset, type SpectrogramStageOptions, type SpectrogramSummary } from './spectrogram-stage.ts';
export { songsSpec, TEXT_SPEC, resampleSignature } from './songs-schema.ts';
export { decodeGrayPng, encodeGrayPng } from './png.ts';
export { downsampleSpectrogram } from './resample/index.ts';
