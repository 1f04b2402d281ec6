/**
 * Deterministic synthetic stand-in for the Kaggle "Spotify Dataset 1921-2020, 600k+ Tracks"
 * `tracks.csv` (yamaerenay/spotify-dataset-19212020-600k-tracks): same 20 columns, same text
 * quirks, and a popularity column driven by the same things that drive the real one.
 *
 * Generative story for one row (every number below is a guess tuned so the marginals match the
 * real file: popularity mean 27.6, sd 18.4, quartiles 13/27/41, a spike at 0, few tracks before
 * 1950 and most after 1990):
 *   1. pick the main artist from a Zipf-like artist universe (a few artists have hundreds of
 *      tracks, most have one or two) and maybe some featured artists;
 *   2. the release year comes from the artist's career (tracks of one artist cluster in time);
 *   3. the song gets latent audio factors from its id and year (`songLatents`), which a later
 *      stage turns into spectrogram pictures, and from which the audio-feature columns derive;
 *   4. popularity = year curve (old tracks ~0-10, recent ~40-60) + artist fame (shared by all
 *      tracks of an artist) + title effects (a few words and version suffixes) + latent effect
 *      + noise, rounded and clipped to 0..100; a few percent are "dead copies" at exactly 0,
 *      like Spotify's duplicates and unavailable releases.
 *
 * Determinism: row i depends only on (seed, i) and artist k only on (seed, k), each through its
 * own SeededRng. So any row can be computed alone, files with the same seed share their first
 * rows whatever their length, and a later stage can recompute what it needs.
 */
import { SeededRng } from '@hitcast/core';
import { csvField, pythonFloat, pythonListRepr, roundDecimals, roundSignificant } from './pandas-format.ts';
import {
  APOSTROPHE_LAST,
  BAND_NOUNS,
  CLASSICAL_COMPOSERS,
  CLASSICAL_FORMS,
  CLASSICAL_MOVEMENTS,
  CLASSICAL_PERFORMERS,
  ENGLISH_ADJECTIVES,
  ENGLISH_COMMA_TEMPLATES,
  ENGLISH_FIRST,
  ENGLISH_LAST,
  ENGLISH_NOUNS,
  ENGLISH_TEMPLATES,
  ENGLISH_VERBS,
  FILM_TITLES,
  LANGUAGES,
  type LanguagePool,
  MUSICAL_KEYS,
  SPOKEN_PREFIXES,
  SPOKEN_SERIES,
} from './vocab.ts';

/** The real header, in the real order. */
export const TRACKS_COLUMNS = [
  'id', 'name', 'popularity', 'duration_ms', 'explicit', 'artists', 'id_artists', 'release_date',
  'danceability', 'energy', 'key', 'loudness', 'mode', 'speechiness', 'acousticness',
  'instrumentalness', 'liveness', 'valence', 'tempo', 'time_signature',
] as const;
export const TRACKS_HEADER = TRACKS_COLUMNS.join(',');

/** Row count of the real file (for the full-scale benchmark file). */
export const REAL_TRACKS_ROWS = 586_672;
export const FIRST_YEAR = 1921;
export const LAST_YEAR = 2021;

/**
 * Per-song hidden factors, each in (0, 1) except tempo; shared with the spectrogram generator,
 * which can draw them as overall intensity (energy), beat stripes repeating at tempoBpm whose
 * contrast is `rhythm`, weight of the high-frequency rows (brightness) and smooth harmonic
 * partials versus noise (acoustic). Recompute them with `songLatents(id, year)`.
 */
export interface SongLatents {
  /** Loudness / density of the sound. Modern recordings are louder. */
  energy: number;
  /** Strength of a regular beat (how periodic the onsets are). */
  rhythm: number;
  /** Beat tempo in beats per minute (60..200). */
  tempoBpm: number;
  /** Spectral centroid: how much energy sits in high frequencies (recording tech, style). */
  brightness: number;
  /** Acoustic (unamplified) character; mostly the opposite of energy. */
  acoustic: number;
}

export type ArtistKind = 'pop' | 'classical' | 'spoken';

export interface SynthArtist {
  /** Rank in the Zipf artist universe: 0 is the artist with most tracks. */
  rank: number;
  id: string;
  name: string;
  language: string;
  kind: ArtistKind;
  /** Popularity points this artist adds to every one of its tracks. */
  fame: number;
  /** Centre and spread of the years its tracks come out. */
  careerYear: number;
  careerSd: number;
}

/** One generated row, plus the hidden causes of its popularity (for tests and later stages). */
export interface TrackRecord extends AudioFeatures {
  index: number;
  id: string;
  name: string;
  popularity: number;
  artists: string[];
  artistIds: string[];
  releaseDate: string;
  year: number;
  latents: SongLatents;
  truth: {
    artistRanks: number[];
    yearEffect: number;
    artistEffect: number;
    titleEffect: number;
    latentEffect: number;
    deadCopy: boolean;
  };
}

// ---------------------------------------------------------------------------------------------
// Tunable model constants (tuned against the real marginals; see the README for the outcome).

/** Mean popularity by release year before artist, title and noise; linear in between. */
const YEAR_CURVE: ReadonlyArray<readonly [number, number]> = [
  [1921, -3.5], [1940, -1.5], [1950, 2.5], [1960, 9.5], [1970, 15], [1980, 18], [1990, 21],
  [2000, 26], [2010, 31], [2015, 36], [2020, 45.5], [2021, 49.5],
];
/** Spread of artist fame (popularity points) and of the per-track noise. */
const FAME_SD = 9;
const NOISE_SD = 7.5;
/** Share of rows that are dead copies (popularity exactly 0 whatever the rest says). */
const DEAD_COPY_RATE = 0.01;

/** Zipf-Mandelbrot artist universe: P(rank k) ∝ (k + Q)^-S over K artists. */
const ARTIST_UNIVERSE = 150_000;
const ZIPF_S = 1.0;
const ZIPF_Q = 20;

/** Title words with a popularity effect (points), matched on lowercase whole words. */
export const TITLE_WORD_EFFECTS: Readonly<Record<string, number>> = {
  love: 3, baby: 2.5, girl: 2, night: 2, party: 2, dance: 2, money: 2, fire: 1.5, heart: 1.5,
  summer: 1.5, amor: 2, liebe: 1.5, waltz: -3, blues: -2, letter: -1.5, memory: -1,
};
/** Any effect word as a whole word (not inside a longer word, whatever its script). */
const TITLE_EFFECT_WORD = new RegExp(`(?<!\\p{L})(?:${Object.keys(TITLE_WORD_EFFECTS).join('|')})(?!\\p{L})`, 'giu');
/** Version suffixes and title shapes with a popularity effect (points). */
export const TITLE_PATTERN_EFFECTS: ReadonlyArray<readonly [RegExp, number]> = [
  [/ - Remaster(ed)?\b/i, 4], // the canonical, playlisted version of an old song
  [/ - Live\b| - Ao Vivo\b|\(Live\)/i, -5],
  [/\bRemix\b/i, -2],
  [/\b(feat|ft)\. /i, 3],
  [/ - Radio Edit\b/i, 1],
  [/\bAcoustic\b/i, -1],
  [/\bMono\b/i, -3],
  [/\bInstrumental\b/i, -4],
  [/^(Kapitel|Folge|Teil|Capítulo|Chapter) \d+/, -8],
  [/\bOp\. \d+/, -3],
];

/**
 * Rows of the committed 4,000-row sample where a rare quirk is planted, so the sample is sure to
 * contain it (the real file has only 71 empty names and a handful of multi-line names in 586,672
 * rows, too rare to show up in 4,000 rows by chance). Elsewhere they occur at their natural rate.
 */
const PLANTED_MULTILINE_ROWS = new Set([7, 1913]);
const PLANTED_EMPTY_NAME_ROWS = new Set([42, 2718]);
const EMPTY_NAME_RATE = 71 / REAL_TRACKS_ROWS;
const MULTILINE_NAME_RATE = 2e-5;

/**
 * Artists at fixed ranks near the head of the Zipf universe (so each has several tracks in any
 * sample) whose names carry the quirks the CSV and Python-list parsers must survive.
 */
const ANCHOR_ARTISTS: ReadonlyMap<number, { name: string; language: string }> = new Map([
  [2, { name: "Dana O'Callan", language: 'en' }], // apostrophe: written ["Dana O'Callan"]
  [5, { name: "Gears N' Roses", language: 'en' }],
  [9, { name: 'Hale, Brook & Moss', language: 'en' }], // comma inside one artist name
  [14, { name: 'Renée Beaumont', language: 'fr' }],
  [20, { name: 'MØLLA', language: 'sv' }],
  [27, { name: 'Kateřina Růžičková', language: 'cs' }],
  [35, { name: 'Νίκος Σταύρου', language: 'el' }],
  [44, { name: 'ฟ้าใส วงศ์ทอง', language: 'th' }],
  [54, { name: '星野ミナ', language: 'ja' }],
  [65, { name: 'Tito "El Fuerte"', language: 'es' }], // double quote inside a single-quoted repr
  [400, { name: 'Jok\'air "Le Roi"', language: 'fr' }], // both quotes: repr escapes \'
]);

// ---------------------------------------------------------------------------------------------
// Small numeric helpers.

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
const clamp = (x: number, lo: number, hi: number): number => (x < lo ? lo : x > hi ? hi : x);
/** Years since 1985 in units of 25 years: a smooth "how modern" scale for era effects. */
const eraZ = (year: number): number => (year - 1985) / 25;

export function yearCurve(year: number): number {
  const c = YEAR_CURVE;
  if (year <= c[0][0]) return c[0][1];
  for (let i = 1; i < c.length; i++) {
    const [y1, v1] = c[i];
    if (year <= y1) {
      const [y0, v0] = c[i - 1];
      return v0 + ((v1 - v0) * (year - y0)) / (y1 - y0);
    }
  }
  return c[c.length - 1][1];
}

/** Relative number of tracks per release year: few before 1950, a plateau from the 1990s. */
function yearWeight(year: number): number {
  const base = 0.01 + sigmoid((year - 1963) / 7.5) * (1 + 0.025 * Math.max(0, year - 1990));
  return year === LAST_YEAR ? base * 0.15 : base; // the data was collected in April 2021
}

/** Inverse-CDF sampler over a fixed discrete distribution. */
class DiscreteSampler {
  private readonly cdf: Float64Array;
  constructor(weights: ArrayLike<number>) {
    this.cdf = new Float64Array(weights.length);
    let total = 0;
    for (let i = 0; i < weights.length; i++) this.cdf[i] = total += weights[i];
    for (let i = 0; i < this.cdf.length; i++) this.cdf[i] /= total;
  }
  sample(rng: SeededRng): number {
    const u = rng.next();
    let lo = 0;
    let hi = this.cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cdf[mid] > u) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

// Built once per process; they depend on constants only, never on the seed or the row count.
let artistRankSampler: DiscreteSampler | undefined;
let yearSampler: DiscreteSampler | undefined;
let languageSampler: DiscreteSampler | undefined;
function samplers() {
  artistRankSampler ??= new DiscreteSampler(Float64Array.from({ length: ARTIST_UNIVERSE }, (_, k) => (k + ZIPF_Q) ** -ZIPF_S));
  yearSampler ??= new DiscreteSampler(Array.from({ length: LAST_YEAR - FIRST_YEAR + 1 }, (_, i) => yearWeight(FIRST_YEAR + i)));
  languageSampler ??= new DiscreteSampler(LANGUAGES.map((l) => l.weight));
  return { artistRank: artistRankSampler, year: yearSampler, language: languageSampler };
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** A 22-character base62 Spotify id (128 bits, so the first character is 0..7). */
function spotifyId(rng: SeededRng): string {
  let id = BASE62[rng.int(8)];
  for (let i = 1; i < 22; i++) id += BASE62[rng.int(62)];
  return id;
}

// ---------------------------------------------------------------------------------------------
// Latent audio factors.

/**
 * The hidden audio character of a song, from its Spotify id and release year only (both are in
 * the CSV: year = first four characters of release_date), so the spectrogram generator can
 * recompute it from a row without running this generator.
 * Era shifts the factors (modern recordings are louder, brighter, more beat-driven), and the
 * factors feed back into popularity through `latentPopularityEffect`.
 */
export function songLatents(id: string, year: number): SongLatents {
  const rng = new SeededRng(`latents|${id}`);
  const era = eraZ(year);
  const energyLogit = 1.1 * rng.normal() + 0.9 * era + 0.2;
  const energy = sigmoid(energyLogit);
  const rhythm = sigmoid(rng.normal() + 0.5 * era + 0.4 * energyLogit);
  const tempoBpm = clamp(118 + 24 * rng.normal() + 14 * (energy - 0.5), 60, 200);
  const brightness = sigmoid(0.9 * rng.normal() + 0.8 * era + 0.4 * energyLogit);
  const acoustic = sigmoid(1.6 * rng.normal() - 1.4 * energyLogit - 0.8 * era - 0.3);
  return { energy, rhythm, tempoBpm, brightness, acoustic };
}

/** Popularity points explained by the audio (what a model could learn from a spectrogram). */
export function latentPopularityEffect(l: SongLatents): number {
  return 14 * (l.energy - 0.5) + 12 * (l.rhythm - 0.5) + 6 * (l.brightness - 0.5);
}

/** Popularity points a title carries (word list plus version-suffix patterns). */
export function titleEffect(name: string): number {
  let effect = 0;
  const seen = new Set<string>(); // each word counts once per title
  for (const match of name.matchAll(TITLE_EFFECT_WORD)) {
    const word = match[0].toLowerCase();
    if (!seen.has(word)) {
      seen.add(word);
      effect += TITLE_WORD_EFFECTS[word];
    }
  }
  for (const [pattern, points] of TITLE_PATTERN_EFFECTS) if (pattern.test(name)) effect += points;
  return effect;
}

// ---------------------------------------------------------------------------------------------
// The generator.

export class TracksGenerator {
  private readonly artists = new Map<number, SynthArtist>();

  constructor(readonly seed: string | number) {}

  /** Artist at Zipf rank `rank`: a pure function of (seed, rank), cached. */
  artist(rank: number): SynthArtist {
    let artist = this.artists.get(rank);
    if (!artist) {
      artist = this.makeArtist(rank);
      this.artists.set(rank, artist);
    }
    return artist;
  }

  /** Row `index`: a pure function of (seed, index). */
  track(index: number): TrackRecord {
    const s = samplers();
    const rng = new SeededRng(`${this.seed}|track|${index}`);

    // 1. Artists: the main one, then featured ones (collaborations grew common after ~2000).
    const main = this.artist(s.artistRank.sample(rng));
    const year = this.releaseYear(rng, main);
    const featured: SynthArtist[] = [];
    if (rng.next() < 0.04 + 0.24 * sigmoid((year - 2005) / 6)) {
      const u = rng.next();
      const extra = u < 0.7 ? 1 : u < 0.9 ? 2 : u < 0.97 ? 3 : 4;
      for (let tries = 0; featured.length < extra && tries < 3 * extra; tries++) {
        const other = this.artist(s.artistRank.sample(rng));
        if (other !== main && !featured.includes(other)) featured.push(other);
      }
    }

    // 2. Id, date, latent audio factors.
    const id = spotifyId(rng);
    const releaseDate = releaseDateText(rng, year);
    const latents = songLatents(id, year);

    // 3. Title; rare text quirks are drawn on every row so the draw sequence never shifts.
    let name = makeTitle(rng, main, featured, year);
    const emptyDraw = rng.next();
    const multilineDraw = rng.next();
    if (PLANTED_MULTILINE_ROWS.has(index) || multilineDraw < MULTILINE_NAME_RATE) {
      name = `${name}\n${rng.pick(['(Live)', 'Reprise', '- Bonus Track', 'Part II'])}`;
    }
    if (PLANTED_EMPTY_NAME_ROWS.has(index) || emptyDraw < EMPTY_NAME_RATE) name = '';

    // 4. Popularity.
    const yearEffect = yearCurve(year);
    const bestFeatured = featured.reduce((m, a) => Math.max(m, a.fame), -Infinity);
    const artistEffect = main.fame + 0.35 * Math.max(0, bestFeatured - main.fame);
    const tEffect = titleEffect(name);
    const lEffect = latentPopularityEffect(latents);
    const raw = yearEffect + artistEffect + tEffect + lEffect + rng.normal(0, NOISE_SD);
    const deadCopy = rng.next() < DEAD_COPY_RATE;
    const popularity = deadCopy ? 0 : clamp(Math.round(raw), 0, 100);

    // 5. Audio-feature columns: noisy readings of the latents, shifted by artist kind.
    const f = audioFeatures(rng, latents, main.kind, year, name);
    const all = [main, ...featured];
    return {
      index,
      id,
      name,
      popularity,
      durationMs: f.durationMs,
      explicit: f.explicit,
      artists: all.map((a) => a.name),
      artistIds: all.map((a) => a.id),
      releaseDate,
      year,
      danceability: f.danceability,
      energy: f.energy,
      key: f.key,
      loudness: f.loudness,
      mode: f.mode,
      speechiness: f.speechiness,
      acousticness: f.acousticness,
      instrumentalness: f.instrumentalness,
      liveness: f.liveness,
      valence: f.valence,
      tempo: f.tempo,
      timeSignature: f.timeSignature,
      latents,
      truth: {
        artistRanks: all.map((a) => a.rank),
        yearEffect,
        artistEffect,
        titleEffect: tEffect,
        latentEffect: lEffect,
        deadCopy,
      },
    };
  }

  private releaseYear(rng: SeededRng, artist: SynthArtist): number {
    for (let tries = 0; tries < 8; tries++) {
      const year = Math.round(artist.careerYear + artist.careerSd * rng.normal());
      if (year >= FIRST_YEAR && year <= LAST_YEAR) return year;
    }
    return clamp(Math.round(artist.careerYear), FIRST_YEAR, LAST_YEAR);
  }

  private makeArtist(rank: number): SynthArtist {
    const s = samplers();
    const rng = new SeededRng(`${this.seed}|artist|${rank}`);
    const anchor = ANCHOR_ARTISTS.get(rank);
    const kindDraw = rng.next();
    const kind: ArtistKind = anchor ? 'pop' : kindDraw < 0.025 ? 'spoken' : kindDraw < 0.09 ? 'classical' : 'pop';
    const language = LANGUAGES[s.language.sample(rng)];
    const id = spotifyId(rng);
    // Spoken word and classical catalogues are big but rarely streamed.
    const fame = FAME_SD * rng.normal() + (kind === 'spoken' ? -8 : kind === 'classical' ? -5 : 0);
    const careerYear = FIRST_YEAR + s.year.sample(rng) + rng.uniform(-0.5, 0.5);
    const careerSd = 1 + 5 * rng.next();
    const generatedName = artistName(rng, kind, language);
    return {
      rank,
      id,
      name: anchor?.name ?? generatedName,
      language: anchor?.language ?? language.code,
      kind,
      fame,
      careerYear,
      careerSd,
    };
  }
}

// ---------------------------------------------------------------------------------------------
// Text.

function artistName(rng: SeededRng, kind: ArtistKind, language: LanguagePool): string {
  if (kind === 'spoken') return rng.pick(SPOKEN_SERIES);
  if (kind === 'classical') return rng.next() < 0.5 ? rng.pick(CLASSICAL_COMPOSERS) : rng.pick(CLASSICAL_PERFORMERS);
  const u = rng.next();
  if (language.code === 'en') {
    if (u < 0.4) return `${rng.pick(ENGLISH_FIRST)} ${rng.pick(ENGLISH_LAST)}`;
    if (u < 0.55) return `The ${rng.next() < 0.5 ? `${rng.pick(ENGLISH_ADJECTIVES)} ` : ''}${rng.pick(BAND_NOUNS)}`;
    if (u < 0.63) return `${rng.pick(ENGLISH_FIRST)} & the ${rng.pick(BAND_NOUNS)}`;
    if (u < 0.69) return `DJ ${rng.pick(ENGLISH_FIRST)}`;
    if (u < 0.74) return `Lil ${rng.pick(ENGLISH_NOUNS)}`;
    if (u < 0.82) return rng.pick(ENGLISH_NOUNS).toUpperCase();
    if (u < 0.85) return `${rng.pick(ENGLISH_FIRST)} ${rng.pick(APOSTROPHE_LAST)}`;
    if (u < 0.856) return `${rng.pick(ENGLISH_LAST)}, ${rng.pick(ENGLISH_LAST)} & ${rng.pick(ENGLISH_LAST)}`;
    if (u < 0.86) return `${rng.pick(ENGLISH_FIRST)} "${rng.pick(ENGLISH_ADJECTIVES)}" ${rng.pick(ENGLISH_LAST)}`;
    return `${rng.pick(ENGLISH_FIRST)} ${rng.pick(ENGLISH_LAST)}`;
  }
  if (u < 0.6) {
    const first = rng.pick(language.firstNames);
    const last = rng.pick(language.lastNames);
    return language.code === 'ja' ? `${last}${first}` : `${first} ${last}`; // Japanese: family name first, no space
  }
  if (u < 0.8) return rng.pick(language.firstNames);
  return `${rng.pick(language.words)} ${rng.pick(language.words)}`;
}

function fillEnglishTemplate(rng: SeededRng): string {
  const templates = rng.next() < 0.03 ? ENGLISH_COMMA_TEMPLATES : ENGLISH_TEMPLATES;
  const parts = rng.pick(templates).split(/\{([anv])\}/); // odd indices are slot letters
  let title = parts[0];
  for (let i = 1; i < parts.length; i += 2) {
    const slot = parts[i];
    title += (slot === 'a' ? rng.pick(ENGLISH_ADJECTIVES) : slot === 'n' ? rng.pick(ENGLISH_NOUNS) : rng.pick(ENGLISH_VERBS)) + parts[i + 1];
  }
  return title;
}

function wordsTitle(rng: SeededRng, language: LanguagePool): string {
  const n = 1 + rng.int(3);
  const words = Array.from({ length: n }, () => rng.pick(language.words));
  const text = words.join(language.joinWithoutSpace ? '' : ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const ROMAN = ['I', 'II', 'III', 'IV'];
const LANGUAGE_BY_CODE = new Map(LANGUAGES.map((l) => [l.code, l]));

function makeTitle(rng: SeededRng, main: SynthArtist, featured: SynthArtist[], year: number): string {
  const language = LANGUAGE_BY_CODE.get(main.language) ?? LANGUAGES[0];

  if (main.kind === 'spoken') {
    const sep = rng.next() < 0.7 ? ' - ' : ': ';
    return `${rng.pick(SPOKEN_PREFIXES)} ${1 + rng.int(80)}${sep}${wordsTitle(rng, LANGUAGES[2])}`;
  }
  if (main.kind === 'classical') {
    const key = `${rng.pick(MUSICAL_KEYS)} ${rng.next() < 0.6 ? 'Major' : 'Minor'}`;
    const opus = `Op. ${1 + rng.int(120)}`;
    const form = rng.pick(CLASSICAL_FORMS);
    return rng.next() < 0.6
      ? `${form} No. ${1 + rng.int(24)} in ${key}, ${opus}: ${rng.pick(ROMAN)}. ${rng.pick(CLASSICAL_MOVEMENTS)}`
      : `${form} in ${key}, ${opus}`;
  }

  // Non-English artists sometimes sing in English.
  let title = language.code === 'en' || rng.next() < 0.15 ? fillEnglishTemplate(rng) : wordsTitle(rng, language);
  if (rng.next() < 0.005) title = `"${title}"`; // whole title in quotes, as in the real file
  if (language.code === 'hi' && rng.next() < 0.3) title += ` (From "${rng.pick(FILM_TITLES)}")`;
  if (featured.length > 0 && rng.next() < 0.45) {
    const names = featured.map((a) => a.name);
    const list = names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} & ${names[names.length - 1]}`;
    title += rng.next() < 0.8 ? ` (feat. ${list})` : ` [feat. ${list}]`;
  }
  // At most one version suffix, with era-dependent odds.
  const u = rng.next();
  let p = year < 1995 ? 0.12 : 0.01;
  if (u < p) return `${title} - Remastered${rng.next() < 0.7 ? ` ${Math.min(LAST_YEAR, year + 15 + rng.int(30))}` : ''}`;
  if (u < (p += 0.035)) return `${title}${language.code === 'pt' ? ' - Ao Vivo' : rng.next() < 0.7 ? ' - Live' : ' (Live)'}`;
  if (u < (p += year >= 1990 ? 0.04 : 0.004)) return `${title} - ${rng.next() < 0.5 ? `${rng.pick(ENGLISH_FIRST)} ` : ''}Remix`;
  if (u < (p += year >= 1985 ? 0.02 : 0)) return `${title} - Radio Edit`;
  if (u < (p += 0.012)) return `${title} - Acoustic Version`;
  if (u < (p += year < 1970 ? 0.04 : 0)) return `${title} - Mono Version`;
  if (u < (p += 0.01)) return `${title} - Instrumental`;
  return title;
}

/** `YYYY-MM-DD` mostly; year-only for many old tracks (as in the raw file); `YYYY-MM` rarely. */
function releaseDateText(rng: SeededRng, year: number): string {
  const u = rng.next();
  const yearOnly = 0.04 + 0.8 * sigmoid((1972 - year) / 7);
  if (u < yearOnly) return String(year);
  const month = 1 + rng.int(12);
  const mm = String(month).padStart(2, '0');
  if (u < yearOnly + 0.003) return `${year}-${mm}`;
  // Labels often put a release on 1 January when the day is unknown.
  if (rng.next() < 0.08) return `${year}-01-01`;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${year}-${mm}-${String(1 + rng.int(daysInMonth)).padStart(2, '0')}`;
}

/** The audio-feature columns of a row (also the part of TrackRecord that audioFeatures() fills). */
export interface AudioFeatures {
  durationMs: number;
  explicit: 0 | 1;
  danceability: number;
  energy: number;
  key: number;
  loudness: number;
  mode: 0 | 1;
  speechiness: number;
  acousticness: number;
  instrumentalness: number;
  liveness: number;
  valence: number;
  tempo: number;
  timeSignature: number;
}

function audioFeatures(rng: SeededRng, l: SongLatents, kind: ArtistKind, year: number, name: string): AudioFeatures {
  const era = eraZ(year);
  const classical = kind === 'classical';
  const spoken = kind === 'spoken';

  const energy = roundSignificant(clamp(l.energy * (classical ? 0.45 : spoken ? 0.5 : 1) + 0.06 * rng.normal(), 0.001, 1));
  const danceability = roundDecimals(clamp(0.2 + 0.5 * l.rhythm + 0.12 * l.energy + 0.1 * rng.normal() - (classical ? 0.15 : 0), 0, 0.988));
  const loudness = roundDecimals(clamp(-23 + 18 * energy + 1.5 * era + 2 * rng.normal(), -60, 1.5));

  let speechiness: number;
  if (spoken) speechiness = rng.uniform(0.82, 0.96);
  else if (rng.next() < 0.08 + 0.08 * sigmoid(era * 3)) speechiness = rng.uniform(0.1, 0.5); // rap, talk-overs
  else speechiness = Math.exp(-3.2 + 0.35 * rng.normal());
  speechiness = roundSignificant(clamp(speechiness, 0.0221, 0.97));

  const acousticness = roundSignificant(clamp(sigmoid(Math.log(l.acoustic / (1 - l.acoustic)) + 0.7 * rng.normal() + (classical ? 3 : 0)), 0, 0.996));

  // Instrumentalness is bimodal: exactly 0 for most vocal tracks, tiny for many, high for instrumental music.
  const v = rng.next();
  let instrumentalness: number;
  if (classical || /\bInstrumental\b/.test(name)) instrumentalness = rng.uniform(0.6, 0.98);
  else if (spoken || v < 0.45) instrumentalness = 0;
  else if (v < 0.82) instrumentalness = Math.exp(rng.uniform(Math.log(1e-6), Math.log(1e-2)));
  else if (v < 0.9) instrumentalness = rng.uniform(0.01, 0.5);
  else instrumentalness = rng.uniform(0.5, 0.98);
  instrumentalness = roundSignificant(instrumentalness);

  const live = /\bLive\b|Ao Vivo/.test(name);
  const liveness = roundSignificant(clamp(live ? rng.uniform(0.6, 0.98) : Math.exp(-2 + 0.6 * rng.normal()), 0.0119, 0.997));
  const valence = roundSignificant(clamp(0.15 + 0.45 * danceability + 0.25 * l.energy + 0.2 * rng.normal(), 0, 0.996));
  const tempo = roundDecimals(clamp(l.tempoBpm + 0.8 * rng.normal(), 50, 220));

  const key = rng.int(12);
  const mode: 0 | 1 = rng.next() < 0.66 ? 1 : 0;
  const t = rng.next();
  const timeSignature = t < 0.86 ? 4 : t < 0.96 ? 3 : t < 0.985 ? 5 : t < 0.998 ? 1 : 0;

  const explicitOdds = year < 1985 ? -6 : -3.6 + 0.09 * (year - 2000) + 6 * Math.max(0, speechiness - 0.1);
  const explicit: 0 | 1 = !classical && !spoken && rng.next() < sigmoid(explicitOdds) ? 1 : 0;

  // Track length: 3-minute singles before the LP era, longer in the 80s-90s, classical much longer.
  const median = classical ? 300_000 : spoken ? 170_000 : 165_000 + 65_000 * sigmoid((year - 1966) / 6) - 20_000 * sigmoid((year - 2012) / 3);
  const spread = classical ? 0.6 : spoken ? 0.45 : 0.3;
  const durationMs = Math.round(clamp(median * Math.exp(spread * rng.normal()), 3_344, 5_621_218));

  return { durationMs, explicit, danceability, energy, key, loudness, mode, speechiness, acousticness, instrumentalness, liveness, valence, tempo, timeSignature };
}

// ---------------------------------------------------------------------------------------------
// CSV.

/** One CSV line (no line terminator) in the raw Kaggle file's exact text form. */
export function trackCsvLine(r: TrackRecord): string {
  return [
    r.id,
    csvField(r.name),
    String(r.popularity),
    String(r.durationMs),
    String(r.explicit),
    csvField(pythonListRepr(r.artists)),
    csvField(pythonListRepr(r.artistIds)),
    r.releaseDate,
    pythonFloat(r.danceability),
    pythonFloat(r.energy),
    String(r.key),
    pythonFloat(r.loudness),
    String(r.mode),
    pythonFloat(r.speechiness),
    pythonFloat(r.acousticness),
    pythonFloat(r.instrumentalness),
    pythonFloat(r.liveness),
    pythonFloat(r.valence),
    pythonFloat(r.tempo),
    String(r.timeSignature),
  ].join(',');
}
