export { readTextParams, TEXT_DEFAULTS, type TextParams } from './params.ts';
export {
  CLS, decadeToken, normalize, PAD, reservedTokens, SEP, SPECIAL_TOKENS, UNK, words, WordPieceTokenizer, YEAR_MAX, YEAR_MIN, yearToken,
  type SongText, type TokenizerJson,
} from './tokenizer.ts';
export { trainWordPiece, WordCounter, type TrainOptions } from './tokenizer-train.ts';
export { buildTextModel, featuresModel, FEATURES_LAYER, TEXT_FEATURES, transformerShape, type TextModelConfig, type TransformerShape } from './transformer.ts';
export * from './layers/index.ts';
export {
  batches, countWords, encodeRows, encodeSource, epochBatches, idsTensor, lengthSortedBatches, meanPopularity, popularityOf, predictPopularity, readRows, rowsOf, songsSource, SPLITS, textSource,
  type EncodedSet, type SourceRow, type TextSource,
} from './text-batches.ts';
export { RUNS, trainText, type RunName, type RunSummary, type TextStageSummary, type TrainTextOptions } from './train-text.ts';
