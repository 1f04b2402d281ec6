/**
 * `hitcast predict`: stdout carries JSON only; the backend line, notes and per-row errors go to stderr.
 * Inputs are checked and prepared before tfjs is loaded, so a bad input fails at once.
 */
import { promises as fs } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { HitcastError } from '@hitcast/core/errors';
import type { BackendName } from '@hitcast/core/tf/backends';
import { readBundle, type Bundle } from './bundle-read.ts';
import { WordPieceTokenizer } from '@hitcast/model-text/tokenizer';
import { inputsOf, TOKENIZER_FILE } from './bundle-format.ts';
import { loadTfjs } from './load-tfjs.ts';
import {
  checkColumns, inThreadRunner, jsonLine, outputFormatOf, parseCsvTable, predictCsvRows, WORKER_MIN_ROWS, workerRunner, writeOutputFile,
  type CsvBatchSummary, type RowResult, type RowRunner,
} from './csv-batch.ts';
import type { PreparedSpectrogram, SongRequest, SongText } from './inputs.ts';
import { checkFields, ignoredNote, popularityOf, songSpectrogram, songText, type SongField } from './song.ts';

export interface PredictCommandOptions extends SongRequest {
  model: string;
  csv?: string;
  out?: string;
  workers?: number;
  backend?: BackendName;
}

const SONG_OPTIONS: SongField[] = ['spectrogram', 'artist', 'title', 'year'];
const ONE_SONG = '--spectrogram FILE.png --artist "A" --title "T" --year 1987 (those the bundle reads)';

export async function runPredictCommand(options: PredictCommandOptions): Promise<void> {
  const given = SONG_OPTIONS.filter((field) => options[field] !== undefined);
  if (options.csv && given.length) {
    throw new HitcastError(`give either --csv or one song's ${given.map((f) => `--${f}`).join(', ')}, not both`, { fix: 'put the song in the CSV file, or drop --csv' });
  }
  if (!options.csv && !given.length) throw new HitcastError('nothing to predict', { fix: `give one song: ${ONE_SONG}; or many: --csv FILE` });
  if (options.out && !options.csv) throw new HitcastError('--out is for --csv', { fix: 'a single prediction is printed to stdout; redirect it (> result.json) to keep it' });
  const bundle = await readBundle(options.model);
  // A reader that stops early (`| head`) closes stdout: stop quietly, as command-line tools do.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
  if (options.csv) await predictCsv(bundle, options.csv, options);
  else await predictOne(bundle, options, given);
}

async function predictOne(bundle: Bundle, options: PredictCommandOptions, given: SongField[]): Promise<void> {
  const { manifest } = bundle;
  const ignored = checkFields(manifest.kind, given);
  const notes: string[] = [];
  const note = ignoredNote(manifest.kind, ignored);
  if (note) notes.push(note);
  let text: SongText | undefined;
  if (manifest.inputs.text) {
    const checked = songText(manifest, options);
    text = checked.text;
    notes.push(...checked.notes);
  }
  let spectrogram: PreparedSpectrogram | undefined;
  if (manifest.inputs.spectrogram) spectrogram = await songSpectrogram(manifest, options.spectrogram!);
  for (const line of notes) process.stderr.write(`note: ${line}\n`);

  const { predictor, backend } = await loadPredictor(bundle, options.backend);
  const [raw] = predictor.predict([{ pixels: spectrogram?.pixels, tokens: text && predictor.tokenize(text) }]);
  const input: Record<string, unknown> = {};
  if (spectrogram) input.spectrogram = { file: options.spectrogram, width: spectrogram.source.width, height: spectrogram.source.height, resampled: spectrogram.steps };
  if (text) Object.assign(input, { artist: text.artists[0], title: text.title, year: text.year });
  const result = { ...popularityOf(raw), bundle: bundleInfo(bundle), backend, input, notes };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

async function predictCsv(bundle: Bundle, csvFile: string, options: PredictCommandOptions): Promise<void> {
  let text: string;
  try {
    text = await fs.readFile(csvFile, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new HitcastError(code === 'ENOENT' ? `--csv ${csvFile} does not exist` : `cannot read --csv ${csvFile}: ${(error as Error).message}`, { fix: 'check the path' });
  }
  const format = options.out ? outputFormatOf(options.out) : 'jsonl';
  const table = parseCsvTable(text, csvFile);
  const note = checkColumns(bundle.manifest, table, csvFile);
  if (note) process.stderr.write(`note: ${note}\n`);

  const manifest = bundle.manifest;
  const workers = inputsOf(manifest.kind).spectrogram && table.rows.length >= WORKER_MIN_ROWS ? (options.workers ?? availableParallelism()) : 0;
  let runner: RowRunner;
  let tokenizer: WordPieceTokenizer | undefined;
  let runsOn: string;
  if (workers) {
    // The workers load tfjs and the model; this thread only reads the CSV, tokenises and writes.
    runner = workerRunner(bundle, workers, options.backend, (note) => process.stderr.write(`${note}\n`));
    runsOn = `${workers} worker threads`;
    if (manifest.inputs.text) tokenizer = await WordPieceTokenizer.load(path.join(bundle.dir, TOKENIZER_FILE));
  } else {
    const loaded = await loadPredictor(bundle, options.backend);
    runner = inThreadRunner(loaded.predictor);
    runsOn = loaded.backend;
    tokenizer = loaded.predictor.tokenizer;
  }
  const info = bundleInfo(bundle);
  process.stderr.write(`predicting ${table.rows.length} rows of ${csvFile} with ${info.name} (${info.kind}, bundle format ${info.version}) on ${runsOn}\n`);
  const run = (emit: (result: RowResult) => void | Promise<void>) =>
    predictCsvRows({
      manifest,
      tokenizer,
      runner,
      table,
      baseDir: path.dirname(path.resolve(csvFile)),
      emit: (result) => {
        if ('error' in result) process.stderr.write(`row ${result.row} (line ${result.line}): ${result.error}\n`);
        return emit(result);
      },
    });
  const summary: CsvBatchSummary = options.out
    ? await writeOutputFile(options.out, format, table.columns, run)
    : await run((result) => {
        process.stdout.write(jsonLine(result));
      });
  const rate = summary.rows / Math.max(summary.seconds, 1e-3);
  process.stderr.write(
    `${summary.predicted} of ${summary.rows} rows predicted${summary.failed.length ? `, ${summary.failed.length} failed` : ''} in ${summary.seconds.toFixed(2)} s (${rate.toFixed(0)} rows/s)` +
      `${options.out ? `; written to ${options.out}` : ''}\n`,
  );
  if (summary.failed.length) {
    const rows = summary.failed.map((r) => r.row);
    throw new HitcastError(`${summary.failed.length} of ${summary.rows} rows could not be predicted (row${rows.length > 1 ? 's' : ''} ${listRows(rows)}); the other rows were predicted`, {
      fix: `see each row's error above (and in its output record's "error")`,
      exitCode: 2,
    });
  }
}

function listRows(rows: number[]): string {
  return rows.length <= 10 ? rows.join(', ') : `${rows.slice(0, 10).join(', ')}, … ${rows.length - 10} more`;
}

/** Selects the backend as training does; its line goes to stderr. */
async function selectBackendHere(preferred: BackendName | undefined) {
  await loadTfjs();
  const { selectBackend, SYNCHRONOUS_READS } = await import('@hitcast/core/tf');
  return selectBackend(preferred, { exclude: SYNCHRONOUS_READS });
}

/** Selects the backend, then loads the bundle's model on this thread. */
async function loadPredictor(bundle: Bundle, preferred: BackendName | undefined) {
  const backend = await selectBackendHere(preferred);
  const { Predictor } = await import('./predictor.ts');
  return { predictor: await Predictor.fromBundle(bundle), backend: backend.name };
}

function bundleInfo(bundle: Bundle) {
  const { name, kind, version } = bundle.manifest;
  return { name, kind, version, path: bundle.dir };
}
