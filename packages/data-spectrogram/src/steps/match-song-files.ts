import { ArtifactReader } from '@hitcast/core';
import { TRACKS_SPEC } from '@hitcast/data-spotify';
import { SongMatcher, SongSet, type SongFile, type TrackCandidate } from '../match/matcher.ts';
import type { FileOutcome } from './file-report.ts';

export interface MatchedFile {
  file: SongFile;
  track: TrackCandidate;
}

export interface MatchOutcome {
  /** One file per song, in file order, with its Spotify track. */
  matched: MatchedFile[];
  /** Every merged song (any version), to keep out of the text set. */
  merged: SongSet;
  duplicates: number;
  exactStringMatches: number;
  /** Unmatched and duplicate files. */
  outcomes: FileOutcome[];
}

/**
 * Steps 2–3: streams tracks.arrow keeping only rows whose title some file has, then matches each file to
 * one track — one file per Spotify track and per song (the same song may be charted in two years).
 */
export async function matchSongFiles(files: SongFile[], tracksFile: string, window: { yearsBefore: number; yearsAfter: number }): Promise<MatchOutcome> {
  const matcher = new SongMatcher(files, window);
  await forEachTrack(tracksFile, (track) => {
    const key = matcher.wants(track.name);
    if (key) matcher.add({ ...track, artists: track.artists }, key); // copy: do not pin the batch
  });
  const merged = new SongSet();
  const byTrackId = new Map<string, string>();
  const matched: MatchedFile[] = [];
  const outcomes: FileOutcome[] = [];
  let exactStringMatches = 0;
  let duplicates = 0;
  for (const file of files) {
    const outcome = matcher.match(file);
    if (!outcome.matched) {
      outcomes.push({ file: file.path, status: 'unmatched', detail: outcome.reason });
      continue;
    }
    const earlier = byTrackId.get(outcome.track.id) ?? (merged.has(outcome.track) ? 'an earlier file of the same song' : undefined);
    if (earlier) {
      duplicates++;
      outcomes.push({ file: file.path, status: 'duplicate', detail: `same song as ${earlier}` });
      continue;
    }
    byTrackId.set(outcome.track.id, file.path);
    merged.add(outcome.track);
    if (outcome.exactStrings) exactStringMatches++;
    matched.push({ file, track: outcome.track });
  }
  return { matched, merged, duplicates, exactStringMatches, outcomes };
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
