import path from 'node:path';
import { HitcastError } from '@hitcast/core';
import { DATA_ROOT_ENV } from '@hitcast/core/stage';
import type { SpectrogramParams } from './params.ts';
import type { SongFile } from './match/matcher.ts';
import { writeFileReport, type FileOutcome } from './steps/file-report.ts';
import { listSongFiles } from './steps/list-song-files.ts';
import { matchSongFiles, type MatchOutcome } from './steps/match-song-files.ts';
import { startSpectrogramWorkers, writeSongs, type SongsWritten } from './steps/write-songs.ts';
import { writeTextSet } from './steps/write-text-set.ts';

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

/**
 * Stage data-spectrogram: matches every spectrogram PNG to a Spotify track, down-samples the matched
 * ones exactly as scipy.signal.resample does (time axis, then frequency axis; min-max to uint8), and
 * writes songs.arrow (merged set), text.arrow (Spotify tracks minus every merged song) and report.csv.
 * Each step is a module of its own under steps/.
 */
export async function buildMergedDataset(options: SpectrogramStageOptions): Promise<SpectrogramSummary> {
  const started = Date.now();
  const { outDir } = options;
  const songsFile = path.join(outDir, 'songs.arrow');
  const textFile = path.join(outDir, 'text.arrow');
  const reportFile = path.join(outDir, 'report.csv');
  const log = (line: string) => options.showProgress !== false && process.stderr.write(`${line}\n`);

  // Started first: the threads load while the files are listed and matched (see startSpectrogramWorkers).
  const pool = startSpectrogramWorkers(options.workers);
  let listed: { files: SongFile[]; unparsable: FileOutcome[] };
  let match: MatchOutcome;
  let songs: SongsWritten;
  try {
    listed = await listSongFiles(options.src, options.filePattern);
    log(`${listed.files.length + listed.unparsable.length} spectrogram files in ${options.src}`);

    match = await matchSongFiles(listed.files, options.tracksFile, { yearsBefore: options.yearsBefore, yearsAfter: options.yearsAfter });
    const found = listed.files.length - match.duplicates;
    log(`${match.matched.length} of ${found} songs matched to Spotify (${((100 * match.matched.length) / Math.max(1, found)).toFixed(1)}%)`);
    if (match.matched.length === 0) {
      await writeFileReport(reportFile, [...listed.unparsable, ...match.outcomes]);
      throw noMatchError(options.src, options.tracksFile, found, match, reportFile);
    }

    songs = await writeSongs(match.matched, {
      src: options.src,
      songsFile,
      width: options.width,
      height: options.height,
      pool,
      batchRows: options.batchRows ?? 16,
      showProgress: options.showProgress !== false,
    });
  } finally {
    await pool.close();
  }
  const { files, unparsable } = listed;
  const distinct = files.length - match.duplicates;
  const textRows = await writeTextSet(options.tracksFile, textFile, match.merged, match.matched.length);
  await writeFileReport(reportFile, [...unparsable, ...match.outcomes, ...songs.outcomes]);

  return {
    files: files.length + unparsable.length,
    unparsableNames: unparsable.length,
    matched: match.matched.length,
    unmatched: match.outcomes.filter((r) => r.status === 'unmatched').length,
    duplicates: match.duplicates,
    decodeFailures: songs.decodeFailures,
    reused: songs.reused,
    resampled: songs.resampled,
    songs: songs.songs,
    textRows,
    matchRate: match.matched.length / Math.max(1, distinct),
    exactStringMatches: match.exactStringMatches,
    seconds: (Date.now() - started) / 1000,
    songsFile,
    textFile,
    reportFile,
  };
}

/** Spectrograms and tracks that share no song: almost always two data sets that do not belong together. */
function noMatchError(src: string, tracksFile: string, songs: number, match: MatchOutcome, reportFile: string): HitcastError {
  const examples = match.outcomes.slice(0, 3).map((outcome) => `${outcome.file}: ${outcome.detail}`).join('; ');
  return new HitcastError(`none of the ${songs} songs in ${src} matches a Spotify track in ${tracksFile} (${examples})`, {
    fix:
      `the spectrograms and tracks.csv must come from the same data: with ${DATA_ROOT_ENV} set, fetch both there ` +
      '(`npx hitcast fetch spotify` and `npx hitcast fetch spectrograms`) and run stage data-spotify again; a csv or src ' +
      `written into a params.json by hand is not moved by ${DATA_ROOT_ENV}. Each file's reason is in ${reportFile}`,
  });
}
