import { artistKey, creditedArtists, normalizeText, titleKey } from './normalize.ts';

/** A Spotify row, as much of it as matching needs. `row` is its index in tracks.arrow. */
export interface TrackCandidate {
  row: number;
  id: string;
  name: string;
  artists: string[];
  year: number;
  popularity: number;
}

/** A spectrogram file's song, from its path: `<year>/<Artist_Name>_-_<Song_Title>.png`. */
export interface SongFile {
  path: string;
  chartYear: number;
  artist: string;
  title: string;
}

export interface MatchParams {
  /** A Spotify release may be this many years before the chart year … */
  yearsBefore: number;
  /** … or this many after it (Billboard year-end charts list songs released late the year before). */
  yearsAfter: number;
}

export type MatchOutcome =
  | { matched: true; track: TrackCandidate; exactStrings: boolean }
  | { matched: false; reason: string };

/**
 * Matches spectrogram files to Spotify rows on normalised title + artist, with the Spotify release year
 * in a window around the chart year. Built for streaming: `wants(name)` tells which Spotify rows are
 * worth keeping (their title is one of the files'), so only a few thousand of the 586k rows are held.
 */
export class SongMatcher {
  private readonly titles = new Set<string>();
  private readonly byTitle = new Map<string, TrackCandidate[]>();

  constructor(
    files: Iterable<SongFile>,
    private readonly params: MatchParams,
  ) {
    for (const file of files) this.titles.add(titleKey(file.title));
  }

  /** The title key of a Spotify track name if some file has that title, else null. */
  wants(name: string): string | null {
    const key = titleKey(name);
    return this.titles.has(key) ? key : null;
  }

  add(candidate: TrackCandidate, key = titleKey(candidate.name)): void {
    const list = this.byTitle.get(key);
    if (list) list.push(candidate);
    else this.byTitle.set(key, [candidate]);
  }

  match(file: SongFile): MatchOutcome {
    const candidates = this.byTitle.get(titleKey(file.title)) ?? [];
    if (candidates.length === 0) return { matched: false, reason: 'no Spotify track has this title' };
    const credited = creditedArtists(file.artist);
    const byArtist = candidates.filter((c) => artistsAgree(credited, c.artists));
    if (byArtist.length === 0) {
      const others = [...new Set(candidates.map((c) => c.artists.join(', ')))].slice(0, 3).join('; ');
      return { matched: false, reason: `this title exists only by other artists (${others})` };
    }
    const low = file.chartYear - this.params.yearsBefore;
    const high = file.chartYear + this.params.yearsAfter;
    const inWindow = byArtist.filter((c) => c.year >= low && c.year <= high);
    if (inWindow.length === 0) {
      const years = [...new Set(byArtist.map((c) => c.year))].sort().join(', ');
      return { matched: false, reason: `the song is on Spotify only with release years ${years}, outside ${low}–${high}` };
    }
    const exactTitle = normalizeText(file.title);
    // Deterministic choice among versions: the plain title over a "(Remastered)" one, then the release
    // closest to the chart year, then the smallest id. Popularity is never used: it is the label.
    const best = [...inWindow].sort(
      (a, b) =>
        Number(normalizeText(b.name) === exactTitle) - Number(normalizeText(a.name) === exactTitle) ||
        Math.abs(a.year - file.chartYear) - Math.abs(b.year - file.chartYear) ||
        (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    )[0];
    const exactStrings = best.name === file.title && (best.artists[0] === file.artist || best.artists.join(', ') === file.artist);
    return { matched: true, track: best, exactStrings };
  }
}

function artistsAgree(credited: string[], spotifyArtists: string[]): boolean {
  const keys = new Set(spotifyArtists.map(artistKey));
  keys.add(artistKey(spotifyArtists.join(' and ')));
  return credited.some((artist) => keys.has(artist));
}

/**
 * The songs of the merged set, so the text set can leave them out: a Spotify row is the same song when
 * its title key matches and it shares a credited artist, whatever its version or release year.
 */
export class SongSet {
  private readonly artistsByTitle = new Map<string, Set<string>>();

  add(track: Pick<TrackCandidate, 'name' | 'artists'>): void {
    const key = titleKey(track.name);
    let artists = this.artistsByTitle.get(key);
    if (!artists) this.artistsByTitle.set(key, (artists = new Set()));
    for (const artist of track.artists) artists.add(artistKey(artist));
  }

  has(track: Pick<TrackCandidate, 'name' | 'artists'>): boolean {
    const artists = this.artistsByTitle.get(titleKey(track.name));
    return artists !== undefined && track.artists.some((artist) => artists.has(artistKey(artist)));
  }

  get size(): number {
    return this.artistsByTitle.size;
  }
}
