import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Float32, Int16, makeData, makeVector, type Data, type RecordBatch } from 'apache-arrow';
import { artifactSchema, Progress, recordBatchFromColumns, utf8Column, utf8ListColumn, WorkerPool, writeArtifact } from '@hitcast/core';
import { PreviousSongs } from '../previous-songs.ts';
import { pixelsColumn, resampleSignature, songsSpec } from '../songs-schema.ts';
import type { SpectrogramResult, SpectrogramTask } from '../spectrogram-worker.ts';
import type { FileOutcome } from './file-report.ts';
import type { MatchedFile } from './match-song-files.ts';

export interface WriteSongsOptions {
  src: string;
  songsFile: string;
  width: number;
  height: number;
  /** The decoding and resampling threads (startSpectrogramWorkers); the caller closes them. */
  pool: SpectrogramWorkers;
  /** Rows per record batch (each row is width × height bytes). */
  batchRows: number;
  showProgress: boolean;
}

export interface SongsWritten {
  reused: number;
  resampled: number;
  decodeFailures: number;
  songs: number;
  /** One per matched file: matched, or decode-error. */
  outcomes: FileOutcome[];
}

export type SpectrogramWorkers = WorkerPool<SpectrogramTask, SpectrogramResult>;

/**
 * The worker threads that decode and resample. They take about a second to load (TypeScript through tsx),
 * so the stage starts them first and that second overlaps listing and matching.
 */
export function startSpectrogramWorkers(workers: number): SpectrogramWorkers {
  return new WorkerPool<SpectrogramTask, SpectrogramResult>(new URL('../spectrogram-worker.ts', import.meta.url), workers);
}

interface LoadedSong {
  item: MatchedFile;
  sha256: string;
  pixels: Uint8Array;
}

/**
 * Step 4: songs.arrow. A file whose content (SHA-256) the previous songs.arrow already holds, made by the
 * same size and code (resampleSignature), is copied from it; the rest are decoded and resampled on worker
 * threads, a few files ahead, and written in file order so that the artifact is deterministic.
 */
export async function writeSongs(matched: MatchedFile[], options: WriteSongsOptions): Promise<SongsWritten> {
  const { width, height } = options;
  const previous = await PreviousSongs.open(options.songsFile, width, height);
  const pool = options.pool;
  const progress = new Progress({ label: 'spectrograms', total: matched.length, unit: 'songs', enabled: options.showProgress });
  const written: SongsWritten = { reused: 0, resampled: 0, decodeFailures: 0, songs: 0, outcomes: [] };
  const schema = artifactSchema(songsSpec(width, height), {
    'hitcast.spectrogram_shape': JSON.stringify([height, width]),
    'hitcast.spectrogram_layout': 'row-major: rows = frequency (as in the PNG), columns = time',
    'hitcast.resample': resampleSignature(width, height),
  });

  const load = async (item: MatchedFile): Promise<LoadedSong | { item: MatchedFile; error: string }> => {
    const bytes = await fs.readFile(path.join(options.src, item.file.path));
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (previous.has(sha256)) {
      written.reused++;
      return { item, sha256, pixels: await previous.pixels(sha256) };
    }
    try {
      const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
      const result = await pool.run({ bytes: buffer, width, height }, [buffer]);
      written.resampled++;
      return { item, sha256, pixels: result.pixels };
    } catch (error) {
      return { item, error: (error as Error).message };
    }
  };

  const toBatch = (rows: LoadedSong[]): RecordBatch => {
    written.songs += rows.length;
    const tracks = rows.map((r) => r.item.track);
    return recordBatchFromColumns(schema, {
      id: utf8Column(tracks.map((t) => t.id)),
      title: utf8Column(tracks.map((t) => t.name)),
      artist: utf8Column(tracks.map((t) => t.artists.join(', '))),
      artists: utf8ListColumn(tracks.map((t) => t.artists)),
      year: makeVector(Int16Array.from(tracks, (t) => t.year)).data[0],
      chart_year: makeVector(Int16Array.from(rows, (r) => r.item.file.chartYear)).data[0],
      popularity: makeData({ type: new Float32(), length: rows.length, nullCount: 0, data: Float32Array.from(tracks, (t) => t.popularity) }),
      source_file: utf8Column(rows.map((r) => r.item.file.path)),
      source_sha256: utf8Column(rows.map((r) => r.sha256)),
      spectrogram: pixelsColumn(rows.map((r) => r.pixels), width, height) as Data,
    });
  };

  async function* batches(): AsyncGenerator<RecordBatch> {
    const window: Promise<LoadedSong | { item: MatchedFile; error: string }>[] = [];
    const lookahead = Math.max(2, pool.size * 2);
    let next = 0;
    let rows: LoadedSong[] = [];
    while (next < matched.length || window.length) {
      while (next < matched.length && window.length < lookahead) window.push(load(matched[next++]));
      const done = await window.shift()!; // in file order, so the artifact is deterministic
      progress.tick(1);
      if ('error' in done) {
        written.decodeFailures++;
        written.outcomes.push({ file: done.item.file.path, status: 'decode-error', detail: done.error });
        continue;
      }
      written.outcomes.push({ file: done.item.file.path, status: 'matched', detail: done.item.track.id });
      rows.push(done);
      if (rows.length >= options.batchRows) {
        yield toBatch(rows);
        rows = [];
      }
    }
    if (rows.length) yield toBatch(rows);
  }

  try {
    await writeArtifact(options.songsFile, schema, batches());
  } finally {
    await previous.close();
  }
  progress.finish(`${written.reused} reused, ${written.resampled} resampled, ${written.decodeFailures} unreadable`);
  return written;
}
