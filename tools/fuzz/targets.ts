/**
 * The readers users can point hitcast at, each with its seed inputs (committed sample files, or small
 * artifacts made from them at start-up), the mutations that fit its format, and the call that reads a file
 * the way the command does. A target's `read` returns when the reader accepted the input (after checking
 * that what it returned is usable) and throws what the reader threw otherwise.
 */
import { createHash } from 'node:crypto';
import { promises as fs, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ARROW, CSV, JSON_LINES, JSON_MUTATIONS, PICKLE, PNG, type Mutation } from './mutate.ts';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const repo = (...parts: string[]) => path.join(ROOT, ...parts);

/** One input: a set of files (relative path → bytes), one of which is mutated per case. */
export interface SeedInput {
  name: string;
  files: Record<string, Uint8Array>;
  /** The files a mutation may change, with weights. */
  mutable: { file: string; weight: number; mutations: readonly Mutation[] }[];
  /** After a mutation of `file`: adjust the others (e.g. re-sign a bundle's hashes so the change reaches the loader). */
  afterMutation?: (files: Record<string, Uint8Array>, file: string, keep: boolean) => void;
}

export interface FuzzTarget {
  name: string;
  /** Per-case time bound. */
  timeoutMs: number;
  /** Reads or makes the seed inputs; `workDir` is the child's scratch folder. */
  seeds(workDir: string): Promise<SeedInput[]>;
  /** The path the reader is given (a file or folder under caseDir) and the strings a clear error must name (any one). */
  entry(caseDir: string, seed: SeedInput): { target: string; names: string[] };
  read(target: string, caseDir: string): Promise<void>;
}

const one = (file: string, mutations: readonly Mutation[]) => [{ file, weight: 1, mutations }];

function fileSeed(name: string, file: string, bytes: Uint8Array, mutations: readonly Mutation[]): SeedInput {
  return { name, files: { [file]: bytes }, mutable: one(file, mutations) };
}

const singleFile = (caseDir: string, seed: SeedInput) => {
  const target = path.join(caseDir, Object.keys(seed.files)[0]);
  return { target, names: [target] };
};

/** The first `lines` lines of a CSV file (header included). */
function csvHead(file: string, lines: number): Uint8Array {
  const text = readFileSync(file, 'utf8');
  let at = 0;
  for (let i = 0; i < lines && at >= 0; i++) at = text.indexOf('\n', at + 1);
  return new Uint8Array(Buffer.from(at < 0 ? text : text.slice(0, at + 1)));
}

const TRACKS_CSV = repo('datasets/spotify/tracks.csv');
const TRACKS_EXCERPT = repo('packages/data-spotify/test/fixtures/realdata/tracks_excerpt.csv');

const tracksCsv: FuzzTarget = {
  name: 'tracks-csv',
  timeoutMs: 10_000,
  async seeds() {
    return [fileSeed('sample tracks.csv, first 40 lines', 'tracks.csv', csvHead(TRACKS_CSV, 40), CSV), fileSeed('real tracks.csv excerpt', 'tracks.csv', new Uint8Array(readFileSync(TRACKS_EXCERPT)), CSV)];
  },
  entry: singleFile,
  async read(target, caseDir) {
    const { convertTracksCsv } = await import('../../packages/data-spotify/src/tracks-stage.ts');
    const summary = await convertTracksCsv({ csv: target, outDir: path.join(caseDir, 'out'), showProgress: false, batchRows: 16 });
    if (summary.rowsWritten + summary.rowsRejected !== summary.rowsRead) throw new Error(`inconsistent summary: ${summary.rowsWritten} written + ${summary.rowsRejected} rejected ≠ ${summary.rowsRead} read`);
  },
};

const PNG_FIXTURES = repo('packages/data-spectrogram/test/fixtures/png');
const pngFiles = () => [
  ...['gray8.png', 'gray16.png', 'rgb.png', 'rgba.png', 'palette.png', 'gray_alpha.png'].map((f) => path.join(PNG_FIXTURES, f)),
  repo('datasets/spectrograms/1979/Lil_Light_-_The_Perfect_Eyes.png'),
];

const png: FuzzTarget = {
  name: 'png',
  timeoutMs: 10_000,
  async seeds() {
    return pngFiles().map((file) => fileSeed(path.relative(ROOT, file), 'spectrogram.png', new Uint8Array(readFileSync(file)), PNG));
  },
  entry: singleFile,
  async read(target) {
    // As `hitcast predict --spectrogram` reads one: the file's bytes, decoded, errors naming the file.
    const { decodeSpectrogram } = await import('../../packages/predict/src/inputs.ts');
    const image = decodeSpectrogram(new Uint8Array(await fs.readFile(target)), target);
    if (!(image.width > 0 && image.height > 0) || image.pixels.length !== image.width * image.height) {
      throw new Error(`decoded image is inconsistent: ${image.width}×${image.height} with ${image.pixels.length} pixels`);
    }
  },
};

const PICKLES = repo('packages/pickle/test/fixtures/pickles');
const PICKLE_SEEDS = ['df_mixed_p4.pkl', 'df_arrays_p2.pkl', 'dict_p5.pkl', 'records_p4.pkl', 'images_small_p5.pkl', 'images_small_p2.pkl', 'spotify_data_p4.pkl', 'dict_numpy2_p4.pkl'];

const pickle: FuzzTarget = {
  name: 'pickle',
  timeoutMs: 10_000,
  async seeds() {
    return PICKLE_SEEDS.map((f) => fileSeed(f, 'data.pkl', new Uint8Array(readFileSync(path.join(PICKLES, f))), PICKLE));
  },
  entry: singleFile,
  async read(target, caseDir) {
    const { convertPickle } = await import('../../packages/pickle/src/index.ts');
    await convertPickle({ input: target, output: path.join(caseDir, 'out.arrow') });
  },
};

const arrow: FuzzTarget = {
  name: 'arrow',
  timeoutMs: 10_000,
  async seeds(workDir) {
    // Two artifacts written by the stages' own writers: tracks.arrow (strings, numbers, lists) and a
    // pickle-table of images (fixed-size lists of bytes).
    const { convertTracksCsv } = await import('../../packages/data-spotify/src/tracks-stage.ts');
    const { convertPickle } = await import('../../packages/pickle/src/index.ts');
    const csv = path.join(workDir, 'seed-tracks.csv');
    await fs.writeFile(csv, csvHead(TRACKS_CSV, 60));
    await convertTracksCsv({ csv, outDir: path.join(workDir, 'seed-tracks'), showProgress: false, batchRows: 16 });
    const images = path.join(workDir, 'seed-images.arrow');
    await convertPickle({ input: path.join(PICKLES, 'images_small_p5.pkl'), output: images });
    return [
      fileSeed('tracks.arrow (data-spotify)', 'tracks.arrow', new Uint8Array(readFileSync(path.join(workDir, 'seed-tracks', 'tracks.arrow'))), ARROW),
      fileSeed('pickle-table of images', 'images.arrow', new Uint8Array(readFileSync(images)), ARROW),
    ];
  },
  entry: singleFile,
  async read(target) {
    const { readArtifact } = await import('../../packages/core/src/arrow-artifact.ts');
    const { TRACKS_SPEC } = await import('../../packages/data-spotify/src/tracks-schema.ts');
    const { PICKLE_TABLE_ARTIFACT } = await import('../../packages/pickle/src/write-arrow.ts');
    const spec = path.basename(target) === 'tracks.arrow' ? TRACKS_SPEC : { ...PICKLE_TABLE_ARTIFACT, fields: [] };
    const table = await readArtifact(target, spec);
    // Every value read, as a stage reading the artifact would.
    for (const field of table.schema.fields) {
      const column = table.getChild(field.name);
      if (!column) continue;
      for (let i = 0; i < column.length; i++) column.get(i);
    }
  },
};

const PARAM_STAGES = ['data-spotify', 'data-spectrogram', 'model-text', 'model-cnn', 'model-fusion', 'eval'];

const params: FuzzTarget = {
  name: 'params',
  timeoutMs: 10_000,
  async seeds() {
    return PARAM_STAGES.map((stage) => ({
      name: `packages/${stage}/params.json`,
      files: { 'params.json': new Uint8Array(readFileSync(repo('packages', stage, 'params.json'))), 'stage.txt': new Uint8Array(Buffer.from(stage)) },
      mutable: one('params.json', JSON_MUTATIONS),
    }));
  },
  entry: singleFile,
  async read(target, caseDir) {
    const { readStageParams } = await import('../../packages/core/src/stage/read-stage-params.ts');
    const stage = (await fs.readFile(path.join(caseDir, 'stage.txt'), 'utf8')).trim();
    const { stage: definition } = (await import(`../../packages/${stage}/src/stage.ts`)) as { stage: Parameters<typeof readStageParams>[0] };
    readStageParams(definition, target);
  },
};

const TOKENIZER = repo('trained_models/text-pretrained/tokenizer.json');

const tokenizer: FuzzTarget = {
  name: 'tokenizer',
  timeoutMs: 10_000,
  async seeds() {
    return [fileSeed('trained_models/text-pretrained/tokenizer.json', 'tokenizer.json', new Uint8Array(readFileSync(TOKENIZER)), JSON_MUTATIONS)];
  },
  entry: singleFile,
  async read(target) {
    const { WordPieceTokenizer } = await import('../../packages/model-text/src/tokenizer.ts');
    const loaded = await WordPieceTokenizer.load(target);
    const ids = loaded.encode({ artists: ['Queen', 'David Bowie'], title: 'Under Pressure', year: 1981 });
    if (ids.length !== loaded.maxLength || ids.some((id) => !(id >= 0 && id < loaded.vocabSize))) {
      throw new Error(`the loaded tokenizer encodes to ids outside its vocabulary: ${[...ids].join(' ')}`);
    }
  },
};

/** Every file of a folder, relative paths → bytes. */
function readTree(dir: string, prefix = ''): Record<string, Uint8Array> {
  const files: Record<string, Uint8Array> = {};
  for (const entry of readdirSync(path.join(dir, prefix), { withFileTypes: true })) {
    const rel = path.join(prefix, entry.name);
    if (entry.isDirectory()) Object.assign(files, readTree(dir, rel));
    else files[rel] = new Uint8Array(readFileSync(path.join(dir, rel)));
  }
  return files;
}

/** Rewrites bundle.json's size and SHA-256 of `file`, so a changed model or tokenizer gets past the integrity check to the loader. */
function resignBundle(files: Record<string, Uint8Array>, file: string, keep: boolean): void {
  if (file === 'bundle.json' || keep) return;
  const manifest = JSON.parse(Buffer.from(files['bundle.json']).toString('utf8')) as { files: Record<string, { bytes: number; sha256: string }> };
  const bytes = files[file];
  manifest.files[file] = { bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
  files['bundle.json'] = new Uint8Array(Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`));
}

const bundle: FuzzTarget = {
  name: 'bundle',
  timeoutMs: 20_000,
  async seeds() {
    const { GENERIC } = await import('./mutate.ts');
    return ['text-pretrained', 'cnn-pretrained'].map((name) => {
      const files = readTree(repo('trained_models', name));
      const mutable = [
        { file: 'bundle.json', weight: 4, mutations: JSON_MUTATIONS },
        { file: 'model/model.json', weight: 4, mutations: JSON_MUTATIONS },
        { file: 'model/weights.bin', weight: 1, mutations: GENERIC },
      ];
      if (files['tokenizer.json']) mutable.push({ file: 'tokenizer.json', weight: 1, mutations: JSON_MUTATIONS });
      return { name: `trained_models/${name}`, files, mutable, afterMutation: resignBundle };
    });
  },
  entry(caseDir) {
    return { target: caseDir, names: [caseDir] };
  },
  async read(target) {
    await loadTf();
    const { Predictor } = await import('../../packages/predict/src/predictor.ts');
    await Predictor.load(target);
  },
};

let tfReady: Promise<unknown> | undefined;
function loadTf(): Promise<unknown> {
  tfReady ??= import('../../packages/core/src/tf/backend.ts').then(({ selectBackend }) => selectBackend('cpu', { log: () => undefined }));
  return tfReady;
}

const journal: FuzzTarget = {
  name: 'journal',
  timeoutMs: 10_000,
  async seeds(workDir) {
    // A journal written by the tuning code itself: a study, trials with parameters, reports, results.
    const { parseSearchSpace } = await import('../../packages/tuning/src/space.ts');
    const { RandomSampler } = await import('../../packages/tuning/src/samplers.ts');
    const { Study } = await import('../../packages/tuning/src/study.ts');
    const file = path.join(workDir, 'seed-journal', 'journal.jsonl');
    const space = parseSearchSpace(
      { lr: { type: 'float', low: 1e-5, high: 1e-1, log: true }, layers: { type: 'int', low: 1, high: 8 }, opt: { type: 'categorical', choices: ['adam', 'sgd'] } },
      'fuzz space',
    );
    const study = Study.open(file, { space, sampler: new RandomSampler({ seed: 7 }), warn: () => undefined });
    for (let t = 0; t < 4; t++) {
      const trial = study.ask();
      trial.suggestFloat('lr');
      trial.suggestInt('layers');
      trial.report(0, 1 / (t + 1));
      trial.report(1, t === 2 ? Infinity : 0.5 / (t + 1));
      if (t < 3) study.tell(trial, t === 1 ? 'pruned' : 0.1 * t);
    }
    study.close();
    return [fileSeed('a tuning journal written by Study', 'journal.jsonl', new Uint8Array(readFileSync(file)), JSON_LINES)];
  },
  entry: singleFile,
  async read(target) {
    const { Study } = await import('../../packages/tuning/src/study.ts');
    // As `hitcast tune` resumes a study: open (replay), then the trials a sampler would look at.
    const study = Study.open(target, { warn: () => undefined });
    try {
      void study.trials;
      void study.bestTrial;
    } finally {
      study.close();
    }
  },
};

export const TARGETS: FuzzTarget[] = [tracksCsv, png, pickle, arrow, params, tokenizer, bundle, journal];

export function targetNamed(name: string): FuzzTarget {
  const found = TARGETS.find((t) => t.name === name);
  if (!found) throw new Error(`unknown fuzz target ${name}; known: ${TARGETS.map((t) => t.name).join(', ')}`);
  return found;
}
