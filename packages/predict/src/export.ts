/**
 * `hitcast export`: a training run's folder → a model bundle. The bundle is written whole in a
 * temporary sibling folder, checked (it must load and reproduce its reference songs), then renamed
 * into place, so the destination is always either the previous bundle or the complete new one.
 */
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ArtifactReader, HitcastError } from '@hitcast/core';
import { PREDICTIONS_SPEC, type RegressionMetrics, type RunReport } from '@hitcast/core/training';
import { encodeGrayPng, songsSpec } from '@hitcast/data-spectrogram';
import {
  BUNDLE_FILE, BUNDLE_FORMAT, BUNDLE_VERSION, MODEL_JSON, MODEL_WEIGHTS, REFERENCE_DIR, TOKENIZER_FILE, inputsOf,
  type BundleKind, type BundleManifest, type ReferenceSong, type SpectrogramInputSpec, type TextInputSpec,
} from './bundle-format.ts';
import { Predictor } from './predictor.ts';
import { checkReferences } from './references.ts';

/** The stages whose runs can be exported, and the kind of model each writes. */
export const EXPORTABLE_STAGES: Record<string, BundleKind> = { 'model-fusion': 'fusion', 'model-text': 'text', 'model-cnn': 'cnn' };

/** Reference songs stored per bundle, and the tolerance (popularity points) within which it must reproduce them. */
export const REFERENCE_SONGS = 5;
export const REFERENCE_TOLERANCE = 1e-3;

export interface ExportOptions {
  /** "<stage>/<run>", e.g. "model-fusion/fusion-pretrained". */
  run: string;
  /** The bundle folder to write. */
  out: string;
  /** Folder holding the stages' outputs (default "artifacts"). */
  artifacts?: string;
  references?: number;
  log?: (line: string) => void;
}

export interface ExportResult {
  dir: string;
  manifest: BundleManifest;
  bytes: number;
  worstReferenceDifference: number;
}

/** Parses "<stage>/<run>" into the run's folder and the bundle kind. */
export function parseRun(run: string, artifacts: string): { stage: string; name: string; kind: BundleKind; dir: string } {
  const [stage, name, ...rest] = run.split('/');
  const kind = EXPORTABLE_STAGES[stage];
  if (!kind || !name || rest.length) {
    throw new HitcastError(`--run ${run}: expected <stage>/<run> with stage ${Object.keys(EXPORTABLE_STAGES).join(', ')}`, {
      fix: 'e.g. --run model-fusion/fusion-pretrained, model-text/text-pretrained or model-cnn/cnn-pretrained',
    });
  }
  return { stage, name, kind, dir: path.join(artifacts, stage, name) };
}

export async function exportBundle(options: ExportOptions): Promise<ExportResult> {
  const artifacts = options.artifacts ?? 'artifacts';
  const log = options.log ?? (() => {});
  const run = parseRun(options.run, artifacts);
  const modelDir = path.join(run.dir, 'model');
  const trainFix = `run \`npx nx run ${run.stage}:train\` first, or point --artifacts at the folder that holds ${run.stage}/`;
  for (const file of [path.join(modelDir, 'model.json'), path.join(modelDir, 'weights.bin'), path.join(run.dir, 'metrics.json'), path.join(run.dir, 'predictions.arrow')]) {
    if (!(await exists(file))) throw new HitcastError(`training run ${options.run} is not complete: ${file} is missing`, { fix: trainFix });
  }
  const report = JSON.parse(await fs.readFile(path.join(run.dir, 'metrics.json'), 'utf8')) as RunReport;
  const modelJson = JSON.parse(await fs.readFile(path.join(modelDir, 'model.json'), 'utf8'));
  const reads = inputsOf(run.kind);
  const songsFile = path.join(artifacts, 'data-spectrogram', 'songs.arrow');

  const inputs: BundleManifest['inputs'] = {};
  let tokenizerFile: string | undefined;
  if (reads.text) {
    // The model stages record where their tokenizer is, relative to the model folder.
    const recorded = modelJson.userDefinedMetadata?.hitcast?.tokenizer as string | undefined;
    tokenizerFile = recorded ? path.resolve(modelDir, recorded) : path.join(artifacts, 'model-text', TOKENIZER_FILE);
    if (!(await exists(tokenizerFile))) throw new HitcastError(`the tokenizer of ${options.run} (${tokenizerFile}) is missing`, { fix: 'run `npx nx run model-text:train` first' });
    const tokenizer = JSON.parse(await fs.readFile(tokenizerFile, 'utf8'));
    inputs.text = { tokenizer: TOKENIZER_FILE, maxLength: tokenizer.maxLength, vocabSize: tokenizer.vocab.length, yearMin: tokenizer.yearMin, yearMax: tokenizer.yearMax } satisfies TextInputSpec;
  }

  const chosen = await chooseReferences(path.join(run.dir, 'predictions.arrow'), options.references ?? REFERENCE_SONGS);
  const songs = await readSongs(songsFile, new Set(chosen.map((p) => p.id)));
  if (reads.spectrogram) inputs.spectrogram = spectrogramSpec(modelJson, songs.metadata, options.run);

  const out = path.resolve(options.out);
  await checkReplaceable(out, options.out);
  await fs.mkdir(path.dirname(out), { recursive: true });
  const tmp = sibling(out, 'tmp');
  await fs.mkdir(path.join(tmp, 'model'), { recursive: true });
  try {
    await fs.copyFile(path.join(modelDir, 'model.json'), path.join(tmp, MODEL_JSON));
    await fs.copyFile(path.join(modelDir, 'weights.bin'), path.join(tmp, MODEL_WEIGHTS));
    if (tokenizerFile) await fs.copyFile(tokenizerFile, path.join(tmp, TOKENIZER_FILE));
    if (reads.spectrogram) await fs.mkdir(path.join(tmp, REFERENCE_DIR));
    const references: ReferenceSong[] = [];
    for (const prediction of chosen) {
      const song = songs.rows.get(prediction.id);
      if (!song) throw new HitcastError(`song ${prediction.id} of ${options.run}'s predictions is not in ${songsFile}`, { fix: `the run is older than songs.arrow: re-run \`npx nx run ${run.stage}:train\`` });
      const reference: ReferenceSong = { id: song.id, split: prediction.split, artists: song.artists, title: song.title, year: song.year, predicted: prediction.predicted, actual: prediction.actual };
      if (reads.spectrogram) {
        reference.spectrogram = `${REFERENCE_DIR}/${song.id}.png`;
        await fs.writeFile(path.join(tmp, reference.spectrogram), encodeGrayPng(song.pixels, songs.width, songs.height));
      }
      references.push(reference);
    }
    const manifest: BundleManifest = {
      format: BUNDLE_FORMAT,
      version: BUNDLE_VERSION,
      name: path.basename(out),
      kind: run.kind,
      inputs,
      source: { stage: run.stage, run: run.name, backend: report.backend, trainedAt: String(report.finishedAt ?? '') },
      params: report.params,
      testMetrics: report.metrics.test as RegressionMetrics,
      meanBaseline: report.meanBaseline,
      referenceTolerance: REFERENCE_TOLERANCE,
      references,
      files: await hashFiles(tmp),
    };
    await fs.writeFile(path.join(tmp, BUNDLE_FILE), `${JSON.stringify(manifest, null, 2)}\n`);

    // The bundle must load and predict what its run predicted before it replaces anything.
    const predictor = await Predictor.load(tmp);
    const checks = await checkReferences(predictor);
    predictor.dispose();
    const worst = Math.max(0, ...checks.map((c) => c.difference));
    for (const c of checks) log(`  reference ${c.id} "${c.title}": run ${c.expected.toFixed(4)}, bundle ${c.got.toFixed(4)} (|Δ| ${c.difference.toExponential(1)})`);
    const failed = checks.filter((c) => !c.ok);
    if (failed.length) {
      throw new HitcastError(`the exported bundle does not reproduce ${failed.length} of its run's predictions within ${REFERENCE_TOLERANCE} (worst |Δ| ${worst.toExponential(2)})`, {
        fix: 'the run folder is inconsistent (model, tokenizer and predictions.arrow from different trainings?): re-run the stage',
      });
    }
    const bytes = Object.values(manifest.files).reduce((sum, f) => sum + f.bytes, 0);
    await replaceFolder(tmp, out);
    return { dir: out, manifest, bytes, worstReferenceDifference: worst };
  } catch (error) {
    await fs.rm(tmp, { recursive: true, force: true });
    throw error;
  }
}

interface RunPrediction {
  id: string;
  split: string;
  predicted: number;
  actual: number;
}

/** The first `count` test songs by id (then validation, then train, if the test split is smaller). */
async function chooseReferences(file: string, count: number): Promise<RunPrediction[]> {
  const reader = await ArtifactReader.open(file, PREDICTIONS_SPEC);
  const all: RunPrediction[] = [];
  try {
    for await (const batch of reader.batches()) {
      const [id, split, predicted, actual] = ['id', 'split', 'predicted', 'actual'].map((name) => batch.getChild(name)!);
      for (let i = 0; i < batch.numRows; i++) all.push({ id: id.get(i), split: split.get(i), predicted: predicted.get(i), actual: actual.get(i) });
    }
  } finally {
    await reader.close();
  }
  const order = ['test', 'validation', 'train'];
  all.sort((a, b) => order.indexOf(a.split) - order.indexOf(b.split) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return all.slice(0, count);
}

interface SongRow {
  id: string;
  title: string;
  artists: string[];
  year: number;
  pixels: Uint8Array;
}

/** The wanted songs of songs.arrow, with their stored spectrograms. */
async function readSongs(file: string, ids: Set<string>): Promise<{ rows: Map<string, SongRow>; width: number; height: number; metadata: Map<string, string> }> {
  const reader = await ArtifactReader.open(file, songsSpec(1024, 256));
  const rows = new Map<string, SongRow>();
  try {
    const [height, width] = JSON.parse(reader.metadata.get('hitcast.spectrogram_shape') ?? '[256, 1024]') as [number, number];
    for await (const batch of reader.batches()) {
      const column = (name: string) => batch.getChild(name)!;
      const pixels = column('spectrogram').data[0].children[0].values as Uint8Array;
      for (let i = 0; i < batch.numRows; i++) {
        const id = column('id').get(i) as string;
        if (!ids.has(id)) continue;
        rows.set(id, {
          id,
          title: column('title').get(i),
          artists: [...(column('artists').get(i) as Iterable<string>)],
          year: column('year').get(i),
          pixels: pixels.slice(i * width * height, (i + 1) * width * height),
        });
      }
    }
    return { rows, width, height, metadata: reader.metadata };
  } finally {
    await reader.close();
  }
}

/** The CNN input from the model itself; the stored size and resampler from songs.arrow's metadata. */
function spectrogramSpec(modelJson: { modelTopology: { config: { layers: { class_name: string; config: { name: string; batch_input_shape?: number[] } }[] } } }, metadata: Map<string, string>, run: string): SpectrogramInputSpec {
  const input = modelJson.modelTopology.config.layers.find((l) => l.class_name === 'InputLayer' && l.config.name === 'spectrogram');
  const shape = input?.config.batch_input_shape;
  if (!shape || shape.length !== 4) throw new HitcastError(`the model of ${run} has no spectrogram input of shape [batch, height, width, 1]`, { fix: 'export a model-cnn or model-fusion run' });
  const [height, width] = JSON.parse(metadata.get('hitcast.spectrogram_shape') ?? '[256, 1024]') as [number, number];
  return {
    stored: { height, width },
    model: { height: shape[1], width: shape[2] },
    resampler: metadata.get('hitcast.resample') ?? `scipy-fft ${width}x${height} v1`,
    scale: 'pixels / 255 * 2 - 1',
  };
}

/** Size and SHA-256 of every file under `dir`, by relative path with "/" separators, sorted. */
async function hashFiles(dir: string): Promise<BundleManifest['files']> {
  const files: BundleManifest['files'] = {};
  const walk = async (sub: string): Promise<void> => {
    for (const entry of (await fs.readdir(path.join(dir, sub), { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const relative = sub ? `${sub}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(relative);
      else {
        const bytes = await fs.readFile(path.join(dir, relative));
        files[relative] = { bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
      }
    }
  };
  await walk('');
  return files;
}

/** --out may be new, an empty folder or a bundle: never replace a folder that holds something else. */
async function checkReplaceable(out: string, shown: string): Promise<void> {
  const stat = await fs.stat(out).catch(() => null);
  if (!stat) return;
  if (!stat.isDirectory()) throw new HitcastError(`--out ${shown} is a file`, { fix: 'give a folder path for the bundle, e.g. trained_models/<name>' });
  const entries = await fs.readdir(out);
  if (entries.length && !entries.includes(BUNDLE_FILE)) {
    throw new HitcastError(`--out ${shown} is a folder that holds other files, not a model bundle; export would replace it`, { fix: 'give a new folder, e.g. trained_models/<name>' });
  }
}

const exists = (file: string) => fs.stat(file).then(() => true, () => false);

function sibling(target: string, tag: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${tag}-${process.pid}-${randomBytes(4).toString('hex')}`);
}

/** Moves `from` onto `to` by rename; an existing `to` is renamed aside first and removed after. */
async function replaceFolder(from: string, to: string): Promise<void> {
  if (!(await exists(to))) {
    await fs.rename(from, to);
    return;
  }
  const old = sibling(to, 'old');
  await fs.rename(to, old);
  await fs.rename(from, to);
  await fs.rm(old, { recursive: true, force: true });
}
