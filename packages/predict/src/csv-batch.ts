/**
 * Batch prediction from a CSV file: a header row naming the columns (spectrogram, artist, title, year;
 * the ones the bundle reads are required, others are passed through), one song per row, spectrogram
 * paths relative to the CSV file's folder. A row that cannot be predicted (missing file, corrupt PNG,
 * bad year, …) is reported — on stderr and in the output — and the others carry on.
 *
 * Text is checked and tokenised on the main thread; spectrograms and the model run in chunks, either on
 * the main thread or on prediction workers (each with its own copy of the model), so every core works.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { withAtomicFile } from '@hitcast/core/atomic';
import { HitcastError, isHitcastError } from '@hitcast/core/errors';
import { WorkerPool } from '@hitcast/core/worker-pool';
import { CsvChunkParser } from '@hitcast/data-spotify/csv';
import type { BackendName } from '@hitcast/core/tf/backends';
import type { WordPieceTokenizer } from '@hitcast/model-text/tokenizer';
import { inputsOf, type BundleManifest } from './bundle-format.ts';
import type { Bundle } from './bundle-read.ts';
import type { PredictTask, PredictTaskResult } from './predict-worker.ts';
import type { Predictor } from './predictor.ts';
import { predictRows, type RowInput, type RowOutcome } from './rows.ts';
import { checkFields, ignoredNote, popularityOf, songText, type SongField } from './song.ts';

export interface CsvRow {
  /** 1-based data row (the header is row 0). */
  row: number;
  /** 1-based line of the file where the row starts. */
  line: number;
  /** Column name → value, as written. */
  values: Record<string, string>;
}

export interface CsvTable {
  columns: string[];
  rows: CsvRow[];
  /** Rows whose field count differs from the header's: bad rows, reported like the others. */
  malformed: { row: CsvRow; message: string }[];
}

const SONG_FIELDS: SongField[] = ['spectrogram', 'artist', 'title', 'year'];

/** Parses CSV text (RFC 4180: quoted fields may hold commas, quotes and newlines); blank lines are skipped. */
export function parseCsvTable(text: string, file: string): CsvTable {
  const records = new CsvChunkParser(file).push(text.replace(/^\uFEFF/, ''), true).filter((r) => !(r.fields.length === 1 && r.fields[0].trim() === ''));
  if (!records.length) throw new HitcastError(`${file} is empty`, { fix: 'write a header row (spectrogram,artist,title,year) and one row per song' });
  const columns = records[0].fields.map((name) => name.trim().toLowerCase());
  const duplicate = columns.find((name, i) => columns.indexOf(name) !== i);
  if (duplicate !== undefined) throw new HitcastError(`${file}: the header names column "${duplicate}" twice`, { fix: 'give each column once: spectrogram,artist,title,year' });
  const table: CsvTable = { columns, rows: [], malformed: [] };
  records.slice(1).forEach((record, i) => {
    const row: CsvRow = { row: i + 1, line: record.line, values: Object.fromEntries(columns.map((name, k) => [name, record.fields[k] ?? ''])) };
    if (record.fields.length !== columns.length) {
      table.malformed.push({ row, message: `has ${record.fields.length} fields, the header has ${columns.length}` });
    }
    table.rows.push(row);
  });
  return table;
}

/** One output record: the row, its input as written, and its prediction or its error. */
export type RowResult = { row: number; line: number; input: Record<string, string> } & ({ popularity: number; raw: number } | { error: string; fix?: string });

/** Runs the model on rows whose text is checked: on the main thread, or on prediction workers. */
export interface RowRunner {
  run(rows: RowInput[]): Promise<RowOutcome[]>;
  /** Chunks this runner wants in flight at once. */
  readonly parallel: number;
  close(): Promise<void>;
}

/** The main thread: the bundle's model loaded here. */
export function inThreadRunner(predictor: Predictor): RowRunner {
  return { run: (rows) => predictRows(predictor, rows), parallel: 1, close: async () => {} };
}

/**
 * Worker threads, each with its own copy of the model (about 1 s to start), each taking whole chunks:
 * reading, decoding, down-sampling and the CNN all run off the main thread, on every core. Each worker
 * selects the backend as training does (`preferred` as --backend); `onBackend` hears the first one's
 * backend line.
 */
export function workerRunner(bundle: Bundle, workers: number, preferred: BackendName | undefined, onBackend: (note: string) => void): RowRunner {
  const pool = new WorkerPool<PredictTask, PredictTaskResult>(new URL('./predict-worker.ts', import.meta.url), workers);
  let heard = false;
  return {
    parallel: 2 * workers,
    async run(rows) {
      const result = await pool.run({ bundleDir: path.resolve(bundle.dir), backend: preferred, rows });
      if (!result.ok) throw new HitcastError(result.message, { fix: result.fix });
      if (!heard) onBackend(result.backend.note);
      heard = true;
      return result.outcomes;
    },
    close: () => pool.close(),
  };
}

/** Fewer rows than this are predicted on the main thread: starting workers (~1 s) costs more than they save. */
export const WORKER_MIN_ROWS = 64;

export interface CsvBatchOptions {
  manifest: BundleManifest;
  /** The bundle's tokenizer (kinds that read text): rows are checked and tokenised on the main thread. */
  tokenizer?: WordPieceTokenizer;
  runner: RowRunner;
  table: CsvTable;
  /** The CSV file's folder: spectrogram paths are relative to it. */
  baseDir: string;
  /** Where each result goes, in row order. */
  emit: (result: RowResult) => void | Promise<void>;
  /** Rows per model call (and per worker task). */
  chunkRows?: number;
}

export interface CsvBatchSummary {
  rows: number;
  predicted: number;
  failed: RowResult[];
  seconds: number;
}

/** Checks the header against what the bundle reads; returns a note on ignored columns, if any. */
export function checkColumns(manifest: BundleManifest, table: CsvTable, file: string): string | undefined {
  const given = SONG_FIELDS.filter((field) => table.columns.includes(field));
  try {
    return ignoredNote(manifest.kind, checkFields(manifest.kind, given));
  } catch (error) {
    if (!isHitcastError(error)) throw error;
    throw new HitcastError(`${file}: the header (${table.columns.join(',')}) lacks a column: ${error.message}`, { fix: error.fix });
  }
}

/** Predicts every row; results go to `emit` in row order. */
export async function predictCsvRows(options: CsvBatchOptions): Promise<CsvBatchSummary> {
  const started = performance.now();
  const { manifest, table, runner } = options;
  const reads = inputsOf(manifest.kind);
  const chunkRows = options.chunkRows ?? 16;
  const malformed = new Map(table.malformed.map((m) => [m.row.row, m.message]));

  /** A row's input, or why it cannot be predicted (checked here, before any file is read). */
  const check = (row: CsvRow): RowInput | RowOutcome => {
    const bad = malformed.get(row.row);
    if (bad) return { error: bad, fix: 'quote fields that hold commas ("A, B") and give every column' };
    try {
      const input: RowInput = {};
      if (reads.text) input.tokens = options.tokenizer!.encode(songText(manifest, row.values).text);
      if (reads.spectrogram) {
        const file = row.values.spectrogram.trim();
        if (!file) return { error: 'the spectrogram path is empty', fix: "give the PNG file, relative to the CSV file's folder" };
        Object.assign(input, { file: path.resolve(options.baseDir, file), shownAs: file });
      }
      return input;
    } catch (error) {
      if (!isHitcastError(error)) throw error;
      return { error: error.message, ...(error.fix ? { fix: error.fix } : {}) };
    }
  };
  const runChunk = async (rows: CsvRow[]): Promise<RowOutcome[]> => {
    const checked = rows.map(check);
    const inputs = checked.filter((c): c is RowInput => !('error' in c));
    const outcomes = inputs.length ? await runner.run(inputs) : [];
    let k = 0;
    return checked.map((c) => ('error' in c ? (c as RowOutcome) : outcomes[k++]));
  };

  const chunks: CsvRow[][] = [];
  for (let i = 0; i < table.rows.length; i += chunkRows) chunks.push(table.rows.slice(i, i + chunkRows));
  const failed: RowResult[] = [];
  let predicted = 0;
  // A window of chunks in flight (the workers take them as they free up); results are written in row order.
  const inFlight: Promise<RowOutcome[]>[] = [];
  let next = 0;
  const fill = () => {
    while (next < chunks.length && inFlight.length < Math.max(1, runner.parallel)) inFlight.push(runChunk(chunks[next++]));
  };
  try {
    fill();
    for (const chunk of chunks) {
      const outcomes = await inFlight.shift()!;
      fill();
      for (const [k, row] of chunk.entries()) {
        const outcome = outcomes[k];
        const base = { row: row.row, line: row.line, input: row.values };
        if ('error' in outcome) {
          const result: RowResult = { ...base, ...outcome };
          failed.push(result);
          await options.emit(result);
        } else {
          predicted++;
          await options.emit({ ...base, ...popularityOf(outcome.raw) });
        }
      }
    }
  } finally {
    // Settle what is still running (an error above) before the workers go.
    await Promise.allSettled(inFlight);
    await runner.close();
  }
  return { rows: table.rows.length, predicted, failed, seconds: (performance.now() - started) / 1000 };
}

/** Output formats: JSON lines (stdout or .jsonl) or CSV (the input columns + popularity, raw, error). */
export type OutputFormat = 'jsonl' | 'csv';

export function outputFormatOf(file: string): OutputFormat {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  if (ext === '.csv') return 'csv';
  throw new HitcastError(`--out ${file}: unknown format "${ext || '(no extension)'}"`, { fix: 'name the output file .jsonl (one JSON object per line) or .csv' });
}

export function jsonLine(result: RowResult): string {
  return `${JSON.stringify(result)}\n`;
}

const csvField = (value: string | number | undefined) => {
  const text = value === undefined ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

export function csvHeader(columns: string[]): string {
  return `${[...columns, 'popularity', 'raw', 'error'].map(csvField).join(',')}\n`;
}

export function csvLine(columns: string[], result: RowResult): string {
  const values = columns.map((name) => result.input[name]);
  const tail = 'error' in result ? ['', '', result.error] : [result.popularity, result.raw, ''];
  return `${[...values, ...tail].map(csvField).join(',')}\n`;
}

/** Writes the output file whole (temporary file, then rename), so a failed run leaves no half file. */
export async function writeOutputFile(file: string, format: OutputFormat, columns: string[], run: (emit: (result: RowResult) => Promise<void>) => Promise<CsvBatchSummary>): Promise<CsvBatchSummary> {
  return withAtomicFile(file, async (tmp) => {
    const handle = await fs.open(tmp, 'w');
    try {
      if (format === 'csv') await handle.write(csvHeader(columns));
      return await run(async (result) => {
        await handle.write(format === 'csv' ? csvLine(columns, result) : jsonLine(result));
      });
    } finally {
      await handle.close();
    }
  });
}
