import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Float32, Int16, makeData, makeVector, type RecordBatch, type Data } from 'apache-arrow';
import {
  ArtifactReader,
  artifactSchema,
  Progress,
  recordBatchFromColumns,
  takeRows,
  utf8Column,
  utf8ListColumn,
  writeArtifact,
  writeFileAtomic,
  WorkerPool,
} from '@hitcast/core';
import { TRACKS_SPEC } from '@hitcast/data-spotify';
import { SongMatcher, SongSet, type SongFile, type TrackCandidate } from './match/matcher.ts';
import { PreviousSongs } from './previous-songs.ts';
import type { SpectrogramParams } from './params.ts';
import { compileFilePattern } from './song-file-name.ts';
import { pixelsColumn, resampleSignature, songsSpec, TEXT_SPEC } from './songs-schema.ts';
import type { SpectrogramResult, SpectrogramTask } from './spectrogram-worker.ts';
import { listPngFiles } from './walk.ts';


export interface SpectrogramStageOptions extends SpectrogramParams {
  /** tracks.arrow from stage data-spotify. */
  tracksFile: string;
  outDir: string;
  /** Rows per record batch of songs.arrow (each row is width × height bytes). */
  batchRows?: number;
  showProgress?: boolean;
}

export interface SpectrogramSummary {
  files: number;
  unparsableNames: number;
  matched: number;
  unmatched: number;
  duplicates: number;
  decodeFailures: number;
  /** Songs taken from the previous songs.arrow (same file content and parameters). */
  reused: number;
  /** Songs decoded and resampled in this run. */
  resampled: number;
  songs: number;
  textRows: number;
  /** Share of distinct songs (files minus duplicates and bad names) matched to Spotify. */
  matchRate: number;
  /** How many of the matches exact, case-sensitive artist + title comparison would also have found. */
  exactStringMatches: number;
  seconds: number;
  songsFile: string;
  textFile: string;
  reportFile: string;
}

type ReportStatus = 'matched' | 'unmatched' | 'duplicate' | 'decode-error' | 'unparsable-name';

/**
 * Stage data-spectrogram: matches every spectrogram PNG to a Spotify track, down-samples the matched
 * ones exactly as scipy.signal.resample does (time axis, then frequency axis; min-max to uint8), and
 * writes songs.arrow (merged set), text.arrow (Spotify tracks minus every merged song) and report.csv.
 */
export async function buildMergedDataset(options: SpectrogramStageOptions): Promise<SpectrogramSummary> {
  const started = Date.now();
  const { outDir, width, height } = options;
  const songsFile = path.join(outDir, 'songs.arrow');
  const textFile = path.join(outDir, 'text.arrow');
  const reportFile = path.join(outDir, 'report.csv');
  const report: { file: string; status: ReportStatus; detail: string }[] = [];
  const log = (line: string) => options.showProgress !== false && process.stderr.write(`${line}\n`);

  // 1. Files and the songs their names give.
  const parseName = compileFilePattern(options.filePattern);
  const files: SongFile[] = [];
  for (const relative of await listPngFiles(options.src)) {
    const parsed = parseName(relative);
    if (parsed) files.push(parsed);
    else report.push({ file: relative, status: 'unparsable-name', detail: `does not fit the pattern ${options.filePattern}` });
  }
  log(`${files.length + report.length} spectrogram files in ${options.src}`);

  // 2. Spotify candidates: only rows whose title some file has are kept in memory.
  const matcher = new SongMatcher(files, { yearsBefore: options.yearsBefore, yearsAfter: options.yearsAfter });
  await forEachTrack(options.tracksFile, (track) => {
    const key = matcher.wants(track.name);
    if (key) matcher.add({ ...track, artists: track.artists }, key); // copy: do not pin the batch
  });

  // 3. Match, one song per Spotify track and per song (the same song may be charted in two years).
  const merged = new SongSet();
  const byTrackId = new Map<string, string>();
  const matched: { file: SongFile; track: TrackCandidate }[] = [];
  let exactStringMatches = 0;
  let duplicates = 0;
  for (const file of files) {
    const outcome = matcher.match(file);
    if (!outcome.matched) {
      report.push({ file: file.path, status: 'unmatched', detail: outcome.reason });
      continue;
    }
    const earlier = byTrackId.get(outcome.track.id) ?? (merged.has(outcome.track) ? 'an earlier file of the same song' : undefined);
    if (earlier) {
      duplicates++;
      report.push({ file: file.path, status: 'duplicate', detail: `same song as ${earlier}` });
      continue;
    }
    byTrackId.set(outcome.track.id, file.path);
    merged.add(outcome.track);
    if (outcome.exactStrings) exactStringMatches++;
    matched.push({ file, track: outcome.track });
  }
  const distinct = files.length - duplicates;
  log(`${matched.length} of ${distinct} songs matched to Spotify (${((100 * matched.length) / Math.max(1, distinct)).toFixed(1)}%)`);

  // 4. songs.arrow: reuse earlier results by content hash, resample the rest on worker threads.
  const previous = await PreviousSongs.open(songsFile, width, height);
  const pool = new WorkerPool<SpectrogramTask, SpectrogramResult>(new URL('./spectrogram-worker.ts', import.meta.url), options.workers);
  const progress = new Progress({ label: 'spectrograms', total: matched.length, unit: 'songs', enabled: options.showProgress !== false });
  const counts = { reused: 0, resampled: 0, decodeFailures: 0, songs: 0 };
  const schema = artifactSchema(songsSpec(width, height), {
    'hitcast.spectrogram_shape': JSON.stringify([height, width]),
    'hitcast.spectrogram_layout': 'row-major: rows = frequency (as in the PNG), columns = time',
    'hitcast.resample': resampleSignature(width, height),
  });

  type Done = { item: (typeof matched)[number]; sha256: string; pixels: Uint8Array } | { item: (typeof matched)[number]; error: string };
  const load = async (item: (typeof matched)[number]): Promise<Done> => {
    const bytes = await fs.readFile(path.join(options.src, item.file.path));
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (previous.has(sha256)) {
      counts.reused++;
      return { item, sha256, pixels: await previous.pixels(sha256) };
    }
    try {
      const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
      const result = await pool.run({ bytes: buffer, width, height }, [buffer]);
      counts.resampled++;
      return { item, sha256, pixels: result.pixels };
    } catch (error) {
      return { item, error: (error as Error).message };
    }
  };

  async function* songBatches(): AsyncGenerator<RecordBatch> {
    const window: Promise<Done>[] = [];
    const lookahead = Math.max(2, options.workers * 2);
    let next = 0;
    let rows: { item: (typeof matched)[number]; sha256: string; pixels: Uint8Array }[] = [];
    while (next < matched.length || window.length) {
      while (next < matched.length && window.length < lookahead) window.push(load(matched[next++]));
      const done = await window.shift()!; // in file order, so the artifact is deterministic
      progress.tick(1);
      if ('error' in done) {
        counts.decodeFailures++;
        report.push({ file: done.item.file.path, status: 'decode-error', detail: done.error });
        continue;
      }
      report.push({ file: done.item.file.path, status: 'matched', detail: done.item.track.id });
      rows.push(done);
      if (rows.length >= (options.batchRows ?? 16)) {
        yield songsBatch(rows);
        rows = [];
      }
    }
    if (rows.length) yield songsBatch(rows);
  }

  const songsBatch = (rows: { item: (typeof matched)[number]; sha256: string; pixels: Uint8Array }[]): RecordBatch => {
    counts.songs += rows.length;
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

  try {
    await writeArtifact(songsFile, schema, songBatches());
  } finally {
    await pool.close();
    await previous.close();
  }
  progress.finish(`${counts.reused} reused, ${counts.resampled} resampled, ${counts.decodeFailures} unreadable`);

  // 5. text.arrow: every Spotify row that is not a song of the merged set, in any version.
  let textRows = 0;
  const tracks = await ArtifactReader.open(options.tracksFile, TRACKS_SPEC);
  try {
    const textSchema = artifactSchema(TEXT_SPEC, { 'hitcast.excluded_songs': String(matched.length) });
    async function* textBatches(): AsyncGenerator<RecordBatch> {
      for await (const batch of tracks.batches()) {
        const names = batch.getChild('name')!;
        const artists = batch.getChild('artists')!;
        const keep: number[] = [];
        for (let i = 0; i < batch.numRows; i++) {
          if (!merged.has({ name: names.get(i) as string, artists: [...(artists.get(i) as Iterable<string>)] })) keep.push(i);
        }
        textRows += keep.length;
        yield takeRows(batch, keep, textSchema);
      }
    }
    await writeArtifact(textFile, textSchema, textBatches());
  } finally {
    await tracks.close();
  }

  // 6. The report: one line per file, sorted by file.
  report.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  const csvField = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
  await writeFileAtomic(reportFile, ['file,status,detail', ...report.map((r) => [r.file, r.status, r.detail].map(csvField).join(','))].join('\n') + '\n');

  return {
    files: files.length + report.filter((r) => r.status === 'unparsable-name').length,
    unparsableNames: report.filter((r) => r.status === 'unparsable-name').length,
    matched: matched.length,
    unmatched: report.filter((r) => r.status === 'unmatched').length,
    duplicates,
    decodeFailures: counts.decodeFailures,
    reused: counts.reused,
    resampled: counts.resampled,
    songs: counts.songs,
    textRows,
    matchRate: matched.length / Math.max(1, distinct),
    exactStringMatches,
    seconds: (Date.now() - started) / 1000,
    songsFile,
    textFile,
    reportFile,
  };
}

/** Streams tracks.arrow and calls `visit` with the fields matching needs, row by row. */
async function forEachTrack(tracksFile: string, visit: (track: TrackCandidate) => void): Promise<void> {
  const reader = await ArtifactReader.open(tracksFile, TRACKS_SPEC);
  try {
    let row = 0;
    for await (const batch of reader.batches()) {
      const ids = batch.getChild('id')!;
      const names = batch.getChild('name')!;
      const artists = batch.getChild('artists')!;
      const years = batch.getChild('release_year')!;
      const popularity = batch.getChild('popularity')!;
      for (let i = 0; i < batch.numRows; i++, row++) {
        visit({
          row,
          id: ids.get(i) as string,
          name: names.get(i) as string,
          get artists() {
            return [...(artists.get(i) as Iterable<string>)];
          },
          year: years.get(i) as number,
          popularity: popularity.get(i) as number,
        } as TrackCandidate);
      }
    }
  } finally {
    await reader.close();
  }
}
