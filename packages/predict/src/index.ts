export {
  BUNDLE_FILE, BUNDLE_FORMAT, BUNDLE_KINDS, BUNDLE_VERSION, inputsOf, requiredFiles, validateBundleManifest,
  type BundleKind, type BundleManifest, type ReferenceSong, type SpectrogramInputSpec, type TextInputSpec,
} from './bundle-format.ts';
export { readBundle, reexportCommand, type Bundle } from './bundle-read.ts';
export { checkSongText, decodeSpectrogram, parseYear, prepareSpectrogram, readSpectrogram, YEAR_MAX, YEAR_MIN, type PreparedSpectrogram, type SongRequest, type SongText } from './inputs.ts';
export { Predictor, type ModelInputs } from './predictor.ts';
export { checkReferences, referenceInputs, type ReferenceCheck } from './references.ts';
export { checkFields, fieldsOf, popularityOf, type Popularity } from './song.ts';
export { inThreadRunner, parseCsvTable, predictCsvRows, workerRunner, type CsvRow, type CsvTable, type RowResult, type RowRunner } from './csv-batch.ts';
export { exportBundle, parseRun, REFERENCE_SONGS, REFERENCE_TOLERANCE, type ExportOptions, type ExportResult } from './export.ts';
