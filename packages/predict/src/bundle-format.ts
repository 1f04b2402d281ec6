/**
 * The model bundle format: one folder that holds everything needed to use a trained model, and
 * `bundle.json` describing it. Pure declarations and validation; reading and writing are in
 * bundle-read.ts and export.ts.
 *
 *     <bundle>/bundle.json          this description (format "hitcast-bundle", version 1)
 *     <bundle>/model/model.json     the tfjs model (topology + weights manifest) …
 *     <bundle>/model/weights.bin    … and its weights
 *     <bundle>/tokenizer.json       the WordPiece tokenizer (kinds that read text)
 *     <bundle>/reference/<id>.png   the reference songs' 256 × 1024 spectrograms (kinds that read spectrograms)
 *
 * Every file but bundle.json is listed in `files` with its size and SHA-256, checked on every load.
 */
import type { RegressionMetrics } from '@hitcast/core/training';
import { HitcastError } from '@hitcast/core/errors';

export const BUNDLE_FORMAT = 'hitcast-bundle';
export const BUNDLE_VERSION = 1;
export const BUNDLE_FILE = 'bundle.json';
export const MODEL_JSON = 'model/model.json';
export const MODEL_WEIGHTS = 'model/weights.bin';
export const TOKENIZER_FILE = 'tokenizer.json';
export const REFERENCE_DIR = 'reference';

export const BUNDLE_KINDS = ['fusion', 'text', 'cnn'] as const;
/** fusion: [spectrogram, tokens] → popularity; text: tokens → popularity; cnn: spectrogram → popularity. */
export type BundleKind = (typeof BUNDLE_KINDS)[number];

/** Which inputs a kind of model reads. */
export function inputsOf(kind: BundleKind): { spectrogram: boolean; text: boolean } {
  return { spectrogram: kind !== 'text', text: kind !== 'cnn' };
}

/** How a PNG becomes the CNN's input: two scipy-exact down-samplings, then a linear scale. */
export interface SpectrogramInputSpec {
  /** Step 1, as the data-spectrogram stage does: any PNG → this size (the stored merged-set size). */
  stored: { height: number; width: number };
  /** Step 2, as the model-cnn stage does: stored size → the CNN's input size. */
  model: { height: number; width: number };
  /** The data stage's resampler signature (songs.arrow metadata `hitcast.resample`). */
  resampler: string;
  /** The pixel scaling the CNN was trained on (for the record; predict applies model-cnn's toModelInput). */
  scale: string;
}

export interface TextInputSpec {
  tokenizer: typeof TOKENIZER_FILE;
  maxLength: number;
  vocabSize: number;
  /** Years outside this range are read as its nearest end (the tokenizer has no tokens beyond it). */
  yearMin: number;
  yearMax: number;
}

/** A merged-set song with the prediction its run made for it: the bundle must reproduce it. */
export interface ReferenceSong {
  id: string;
  split: string;
  artists: string[];
  title: string;
  year: number;
  /** The 256 × 1024 spectrogram, relative to the bundle folder (kinds that read spectrograms). */
  spectrogram?: string;
  /** The run's prediction (predictions.arrow), popularity 0–100 as the run wrote it. */
  predicted: number;
  /** The song's Spotify popularity. */
  actual: number;
}

export interface BundleFileEntry {
  bytes: number;
  sha256: string;
}

export interface BundleManifest {
  format: typeof BUNDLE_FORMAT;
  version: typeof BUNDLE_VERSION;
  /** The bundle's name (the folder name it was exported to). */
  name: string;
  kind: BundleKind;
  inputs: { spectrogram?: SpectrogramInputSpec; text?: TextInputSpec };
  /** The training run it came from (no export time: exporting an unchanged run rewrites identical files). */
  source: { stage: string; run: string; backend: string; trainedAt: string };
  /** The run's training parameters (its metrics.json `params`). */
  params: Record<string, unknown>;
  /** The run's metrics on the merged set's test split, and predicting the training mean on the same songs. */
  testMetrics: RegressionMetrics;
  meanBaseline: RegressionMetrics;
  /** Tolerance, in popularity points, within which the bundle must reproduce each reference prediction. */
  referenceTolerance: number;
  references: ReferenceSong[];
  /** Every other file of the bundle, by path relative to the folder. */
  files: Record<string, BundleFileEntry>;
}

/** The files a bundle of this kind cannot do without (besides bundle.json). */
export function requiredFiles(kind: BundleKind): string[] {
  return [MODEL_JSON, MODEL_WEIGHTS, ...(inputsOf(kind).text ? [TOKENIZER_FILE] : [])];
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isPositiveInteger = (value: unknown): value is number => Number.isInteger(value) && (value as number) > 0;

/**
 * Checks a parsed bundle.json and returns it typed, or throws a HitcastError saying what is wrong.
 * `where` names the bundle in messages; `reexport` is the command that makes a good one.
 */
export function validateBundleManifest(json: unknown, where: string, reexport: string): BundleManifest {
  const bad = (what: string) => new HitcastError(`${where}: bundle.json ${what}`, { fix: `export the model again: ${reexport}` });
  if (!isObject(json)) throw bad('is not a JSON object');
  if (json.format !== BUNDLE_FORMAT) {
    throw new HitcastError(`${where} is not a hitcast model bundle (bundle.json has format ${JSON.stringify(json.format ?? null)}, expected "${BUNDLE_FORMAT}")`, {
      fix: `pass a folder written by \`hitcast export\`: ${reexport}`,
    });
  }
  if (json.version !== BUNDLE_VERSION) {
    const newer = typeof json.version === 'number' && json.version > BUNDLE_VERSION;
    throw new HitcastError(`${where} is a model bundle of format version ${JSON.stringify(json.version ?? null)}; this hitcast reads version ${BUNDLE_VERSION}`, {
      fix: newer ? `update hitcast, or export the model again with this one: ${reexport}` : `export the model again: ${reexport}`,
    });
  }
  if (typeof json.name !== 'string' || !json.name) throw bad('has no name');
  if (!(BUNDLE_KINDS as readonly unknown[]).includes(json.kind)) throw bad(`has kind ${JSON.stringify(json.kind ?? null)}; expected one of ${BUNDLE_KINDS.join(', ')}`);
  const kind = json.kind as BundleKind;
  const inputs = isObject(json.inputs) ? json.inputs : undefined;
  if (!inputs) throw bad('has no inputs');
  const reads = inputsOf(kind);
  if (reads.spectrogram) {
    const s = inputs.spectrogram;
    const size = (v: unknown) => isObject(v) && isPositiveInteger(v.height) && isPositiveInteger(v.width);
    if (!isObject(s) || !size(s.stored) || !size(s.model) || typeof s.resampler !== 'string') throw bad('lacks the spectrogram input sizes (inputs.spectrogram.stored, .model, .resampler)');
  }
  if (reads.text) {
    const t = inputs.text;
    if (!isObject(t) || t.tokenizer !== TOKENIZER_FILE || !isPositiveInteger(t.maxLength) || !isPositiveInteger(t.vocabSize)) throw bad('lacks the text input (inputs.text.tokenizer, .maxLength, .vocabSize)');
  }
  if (!isObject(json.files)) throw bad('has no file list');
  for (const [file, entry] of Object.entries(json.files)) {
    if (!isObject(entry) || typeof entry.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(entry.sha256) || !Number.isInteger(entry.bytes)) throw bad(`lists ${file} without its size and SHA-256`);
    if (file.startsWith('/') || file.split(/[\\/]/).includes('..')) throw bad(`lists a file outside the bundle (${file})`);
  }
  for (const file of requiredFiles(kind)) if (!(file in json.files)) throw bad(`does not list ${file}, which a ${kind} bundle needs`);
  if (!Array.isArray(json.references)) throw bad('has no reference songs');
  if (typeof json.referenceTolerance !== 'number' || !(json.referenceTolerance > 0)) throw bad('has no reference tolerance');
  return json as unknown as BundleManifest;
}
