import * as tf from '@tensorflow/tfjs';
import type { RecordBatch, Vector } from 'apache-arrow';
import { ArtifactReader, Progress, SeededRng, type ArtifactSpec } from '@hitcast/core';
import { splitOf, type Batch, type Split } from '@hitcast/core/training';
import { songsSpec, TEXT_SPEC } from '@hitcast/data-spectrogram';
import type { SongText, WordPieceTokenizer } from './tokenizer.ts';
import type { WordCounter } from './tokenizer-train.ts';

/**
 * Songs pre-tokenised once per run into one flat array: row r's ids are ids[r·maxLength … (r+1)·maxLength).
 * Uint16 while the vocabulary fits (586k × 32 ids = 37 MB), Int32 beyond. The model's target is popularity / 100.
 */
export interface EncodedSet {
  maxLength: number;
  size: number;
  ids: Uint16Array | Int32Array;
  /** Tokens before the padding, per row (batches are trimmed to their longest). */
  lengths: Uint8Array;
  /** Popularity, 0–100. */
  popularity: Float32Array;
  /** SPLITS index of each row (splitOf(id)). */
  splits: Uint8Array;
  /** Spotify ids, kept only where asked (the merged set, for predictions). */
  songIds?: string[];
  /** Rows whose artists + title did not fit maxLength. */
  truncated: number;
}

export const SPLITS: readonly Split[] = ['train', 'validation', 'test'];

/** Where a text set lives and what its columns are called. */
export interface TextSource {
  file: string;
  spec: ArtifactSpec;
  columns: { id: string; title: string; artists: string; year: string; popularity: string };
}

export const textSource = (file: string): TextSource => ({
  file,
  spec: TEXT_SPEC,
  columns: { id: 'id', title: 'name', artists: 'artists', year: 'release_year', popularity: 'popularity' },
});

/**
 * songs.arrow: only its text columns are checked and read (whatever the spectrogram size), and each
 * record batch, spectrograms included, is dropped as soon as its rows are read.
 */
const SONG_TEXT_COLUMNS = ['id', 'title', 'artists', 'year', 'popularity'];
export const songsSource = (file: string): TextSource => ({
  file,
  spec: { ...songsSpec(1024, 256), fields: songsSpec(1024, 256).fields.filter((f) => SONG_TEXT_COLUMNS.includes(f.name)) },
  columns: { id: 'id', title: 'title', artists: 'artists', year: 'year', popularity: 'popularity' },
});

export interface SourceRow extends SongText {
  id: string;
  popularity: number;
}

/** Streams the rows of a text source, one record batch in memory at a time. */
export async function* readRows(source: TextSource, maxRows = 0): AsyncGenerator<SourceRow> {
  const reader = await ArtifactReader.open(source.file, source.spec);
  let count = 0;
  try {
    for (let b = 0; b < reader.numBatches; b++) {
      const batch: RecordBatch = await reader.readBatch(b);
      const column = (name: string) => batch.getChild(name) as Vector;
      const c = source.columns;
      const [ids, titles, artists, years, popularity] = [column(c.id), column(c.title), column(c.artists), column(c.year), column(c.popularity)];
      for (let i = 0; i < batch.numRows; i++) {
        if (maxRows > 0 && count >= maxRows) return;
        count++;
        yield {
          id: ids.get(i) as string,
          title: titles.get(i) as string,
          artists: [...(artists.get(i) as Iterable<string>)],
          year: years.get(i) as number,
          popularity: popularity.get(i) as number,
        };
      }
    }
  } finally {
    await reader.close();
  }
}

/** Feeds every artist and title string of a source to the tokenizer's word counter (one pass). */
export async function countWords(source: TextSource, counter: WordCounter, options: { maxRows?: number; progress?: boolean } = {}): Promise<void> {
  const progress = new Progress({ label: `counting words in ${source.file}`, unit: 'rows', enabled: options.progress ?? true });
  for await (const row of readRows(source, options.maxRows)) {
    counter.add(row.artists.join(', '));
    counter.add(row.title);
    progress.tick();
  }
  progress.finish(`${counter.texts} strings`);
}

/** Tokenises a source into an EncodedSet (one pass). */
export function encodeSource(
  source: TextSource,
  tokenizer: WordPieceTokenizer,
  options: { maxRows?: number; keepIds?: boolean; progress?: boolean } = {},
): Promise<EncodedSet> {
  return encodeRows(readRows(source, options.maxRows), tokenizer, { ...options, label: source.file });
}

/** Tokenises rows (from a file or made in memory) into an EncodedSet. */
export async function encodeRows(
  rows: AsyncIterable<SourceRow> | Iterable<SourceRow>,
  tokenizer: WordPieceTokenizer,
  options: { keepIds?: boolean; progress?: boolean; label?: string } = {},
): Promise<EncodedSet> {
  const L = tokenizer.maxLength;
  if (L > 255) throw new Error(`maxLength ${L}: at most 255 tokens per song`);
  const wide = tokenizer.vocabSize > 65536;
  let capacity = 1024;
  let ids: Uint16Array | Int32Array = wide ? new Int32Array(capacity * L) : new Uint16Array(capacity * L);
  let popularity = new Float32Array(capacity);
  let splits = new Uint8Array(capacity);
  let lengths = new Uint8Array(capacity);
  const songIds: string[] = [];
  const row = new Int32Array(L);
  let size = 0;
  let truncated = 0;
  const progress = new Progress({ label: `tokenising ${options.label ?? 'rows'}`, unit: 'rows', enabled: options.progress ?? true });
  for await (const song of rows) {
    if (size === capacity) {
      capacity *= 2;
      const grown = wide ? new Int32Array(capacity * L) : new Uint16Array(capacity * L);
      grown.set(ids);
      ids = grown;
      popularity = grow(popularity, capacity);
      splits = grow(splits, capacity);
      lengths = grow(lengths, capacity);
    }
    tokenizer.encode(song, row);
    if (row[L - 1] !== 0 && tokenizer.length(song) > L) truncated++;
    ids.set(row, size * L);
    lengths[size] = row.indexOf(0) === -1 ? L : row.indexOf(0);
    popularity[size] = song.popularity;
    splits[size] = SPLITS.indexOf(splitOf(song.id));
    if (options.keepIds) songIds.push(song.id);
    size++;
    progress.tick();
  }
  progress.finish(`${truncated} truncated to ${L} tokens`);
  return {
    maxLength: L,
    size,
    ids: ids.slice(0, size * L),
    popularity: popularity.slice(0, size),
    splits: splits.slice(0, size),
    lengths: lengths.slice(0, size),
    songIds: options.keepIds ? songIds : undefined,
    truncated,
  };
}

function grow<T extends Float32Array | Uint8Array>(array: T, capacity: number): T {
  const grown = new (array.constructor as new (n: number) => T)(capacity);
  grown.set(array);
  return grown;
}

/** Row indices of one split, in file order. */
export function rowsOf(set: EncodedSet, split: Split): Int32Array {
  const code = SPLITS.indexOf(split);
  const rows: number[] = [];
  for (let r = 0; r < set.size; r++) if (set.splits[r] === code) rows.push(r);
  return Int32Array.from(rows);
}

/** Rows this many batches long are sorted by length before being cut into batches. */
const LENGTH_GROUP = 64;

/**
 * The batches of one epoch, from (seed, epoch) only, so a resumed run sees the same ones: rows shuffled,
 * then within runs of LENGTH_GROUP batches sorted by length and cut, and the batches shuffled again.
 * Each batch then holds songs of similar length and is trimmed to its longest: ~12 tokens on average
 * instead of maxLength, about 3× less work (the same trick as Hugging Face's group_by_length).
 */
export function epochBatches(set: EncodedSet, rows: Int32Array, batchSize: number, seed: number, epoch: number): Int32Array[] {
  const rng = new SeededRng(`model-text|${seed}|epoch ${epoch}`);
  const order = shuffle(Int32Array.from(rows), rng);
  const out: Int32Array[] = [];
  const group = batchSize * LENGTH_GROUP;
  for (let g = 0; g < order.length; g += group) out.push(...lengthSortedBatches(set.lengths, order.subarray(g, g + group), batchSize));
  return shuffle(out, rng);
}

/** Rows sorted by length (stably: ties keep their order) and cut into batches. `lengths` is indexed by row. */
export function lengthSortedBatches(lengths: ArrayLike<number>, rows: Int32Array, batchSize: number): Int32Array[] {
  const sorted = Array.from(rows).sort((a, b) => lengths[a] - lengths[b]);
  const out: Int32Array[] = [];
  for (let start = 0; start < sorted.length; start += batchSize) out.push(Int32Array.from(sorted.slice(start, start + batchSize)));
  return out;
}

function shuffle<T extends Int32Array | unknown[]>(items: T, rng: SeededRng): T {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = items[i];
    items[i] = items[j];
    items[j] = t;
  }
  return items;
}

/** Token ids of the given rows as an int32 tensor [rows, longest of them]: trailing padding dropped. */
export function idsTensor(set: EncodedSet, rows: ArrayLike<number>): tf.Tensor2D {
  const L = set.maxLength;
  let width = 1;
  for (let i = 0; i < rows.length; i++) width = Math.max(width, set.lengths[rows[i]]);
  const out = new Int32Array(rows.length * width);
  for (let i = 0; i < rows.length; i++) out.set(set.ids.subarray(rows[i] * L, rows[i] * L + width), i * width);
  return tf.tensor2d(out, [rows.length, width], 'int32');
}

/** Popularity (0–100) of the given rows. */
export function popularityOf(set: EncodedSet, rows: ArrayLike<number>): Float32Array {
  return Float32Array.from(rows, (r) => set.popularity[r]);
}

/** Batches for fit(): ids [b, length] and target popularity / 100 [b, 1]. `onBatch` sees each batch's size (progress). */
export async function* batches(set: EncodedSet, batchRows: Iterable<Int32Array>, onBatch?: (size: number) => void): AsyncGenerator<Batch> {
  for (const rows of batchRows) {
    const target = new Float32Array(rows.length);
    for (let i = 0; i < rows.length; i++) target[i] = set.popularity[rows[i]] / 100;
    onBatch?.(rows.length);
    yield { inputs: idsTensor(set, rows), target: tf.tensor2d(target, [rows.length, 1]) };
  }
}

/** Mean popularity (0–100) of the given rows. */
export function meanPopularity(set: EncodedSet, rows: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < rows.length; i++) sum += set.popularity[rows[i]];
  return rows.length ? sum / rows.length : NaN;
}

/** Predicted popularity (0–100, clamped: the scale has no values outside it) for the given rows, in their order. */
export async function predictPopularity(model: tf.LayersModel, set: EncodedSet, rows: Int32Array, batchSize = 512): Promise<Float32Array> {
  const out = new Float32Array(rows.length);
  // Batches of similar length (faster), written back to where each row was asked for.
  const lengths = Uint8Array.from(rows, (r) => set.lengths[r]);
  for (const chunk of lengthSortedBatches(lengths, Int32Array.from(rows.keys()), batchSize)) {
    const output = tf.tidy(() => model.predict(idsTensor(set, Array.from(chunk, (i) => rows[i]))) as tf.Tensor);
    const values = await output.data(); // asynchronously: webgpu in Node has no synchronous read
    output.dispose();
    chunk.forEach((i, k) => (out[i] = Math.min(100, Math.max(0, 100 * values[k]))));
  }
  return out;
}
