/**
 * What a generated tracks.csv looks like, measured while it is written: popularity statistics
 * and counts of the text quirks, plus the README that documents a committed sample. The README
 * is rendered from these measurements (never hand-written), so a test can regenerate it exactly.
 */
import { pearson, summarisePopularity, type PopularitySummary } from './stats.ts';
import type { TrackRecord } from './tracks.ts';

export interface QuirkCounts {
  multiArtist: number;
  apostropheArtist: number;
  commaInArtist: number;
  quoteInArtist: number;
  commaInName: number;
  quoteInName: number;
  multilineName: number;
  emptyName: number;
  nonAsciiText: number;
  yearOnlyDate: number;
  yearMonthDate: number;
}

const NON_ASCII = /[^\x00-\x7f]/;

export class TracksReport {
  private popularity: Uint8Array;
  private years: Uint16Array;
  private count = 0;
  readonly quirks: QuirkCounts = {
    multiArtist: 0, apostropheArtist: 0, commaInArtist: 0, quoteInArtist: 0, commaInName: 0,
    quoteInName: 0, multilineName: 0, emptyName: 0, nonAsciiText: 0, yearOnlyDate: 0, yearMonthDate: 0,
  };

  /** Keeps one byte of popularity and two of year per row, never the rows themselves. */
  constructor(expectedRows: number) {
    this.popularity = new Uint8Array(expectedRows);
    this.years = new Uint16Array(expectedRows);
  }

  add(r: TrackRecord): void {
    if (this.count === this.popularity.length) this.grow();
    this.popularity[this.count] = r.popularity;
    this.years[this.count] = r.year;
    this.count++;
    const q = this.quirks;
    if (r.artists.length > 1) q.multiArtist++;
    if (r.artists.some((a) => a.includes("'"))) q.apostropheArtist++;
    if (r.artists.some((a) => a.includes(','))) q.commaInArtist++;
    if (r.artists.some((a) => a.includes('"'))) q.quoteInArtist++;
    if (r.name.includes(',')) q.commaInName++;
    if (r.name.includes('"')) q.quoteInName++;
    if (r.name.includes('\n')) q.multilineName++;
    if (r.name === '') q.emptyName++;
    if (NON_ASCII.test(r.name) || r.artists.some((a) => NON_ASCII.test(a))) q.nonAsciiText++;
    if (r.releaseDate.length === 4) q.yearOnlyDate++;
    if (r.releaseDate.length === 7) q.yearMonthDate++;
  }

  get rows(): number {
    return this.count;
  }

  summary(): PopularitySummary {
    return summarisePopularity(this.popularity.subarray(0, this.count));
  }

  /** Pearson correlation of popularity with release year. */
  yearCorrelation(): number {
    return pearson(this.popularity.subarray(0, this.count), this.years.subarray(0, this.count));
  }

  /** Share of rows released before 1950 and from 1990 on (the real file: few, and most). */
  eraShares(): { before1950: number; from1990: number } {
    let early = 0;
    let late = 0;
    for (let i = 0; i < this.count; i++) {
      if (this.years[i] < 1950) early++;
      else if (this.years[i] >= 1990) late++;
    }
    return { before1950: early / this.count, from1990: late / this.count };
  }

  private grow(): void {
    const size = Math.max(1024, this.popularity.length * 2);
    const popularity = new Uint8Array(size);
    popularity.set(this.popularity);
    const years = new Uint16Array(size);
    years.set(this.years);
    this.popularity = popularity;
    this.years = years;
  }
}

/** The canonical command line that writes a sample and its README (quoted in the README). */
export function sampleCommand(o: { rows: number; seed: string; out: string; readme: string }): string {
  return `npx tsx tools/synth/make-tracks.ts --rows ${o.rows} --seed ${o.seed} --out ${o.out} --readme ${o.readme}`;
}

const fmt = (x: number, digits = 2): string => x.toFixed(digits);
const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;

/** The README of a committed synthetic sample, entirely from measured numbers. */
export function sampleReadme(report: TracksReport, meta: { seed: string; command: string }): string {
  const s = report.summary();
  const q = report.quirks;
  const era = report.eraShares();
  return `# datasets/spotify — synthetic tracks.csv sample

**This is synthetic data.** \`tracks.csv\` here is *not* the Kaggle dataset
[Spotify Dataset 1921–2020, 600k+ Tracks](https://www.kaggle.com/datasets/yamaerenay/spotify-dataset-19212020-600k-tracks)
(yamaerenay), nor a sample of it. It is a small stand-in with the real file's layout and text
quirks, committed so the pipeline and its tests run offline. Do not draw conclusions about real
music from it. The real file has 586,672 rows; this one has ${s.rows.toLocaleString('en-US')}.

## How it was made

- Generator: \`tools/synth/tracks.ts\` (model), \`tools/synth/make-tracks.ts\` (CLI).
- Seed: \`${meta.seed}\`. Rows 0..n-1 depend only on the seed, so a bigger file with the same seed
  starts with these same rows.
- Command (from the repository root):

  \`\`\`sh
  ${meta.command}
  \`\`\`

- \`tools/test/synth-tracks.test.ts\` regenerates this file and this README and fails if either differs.
- Full-scale file for benchmarks (not committed):
  \`npx tsx tools/synth/make-tracks.ts --rows 586672 --seed ${meta.seed} --out artifacts/synth/tracks.csv\`

## Layout (same as the raw Kaggle file)

Header \`id,name,popularity,duration_ms,explicit,artists,id_artists,release_date,danceability,energy,key,loudness,mode,speechiness,acousticness,instrumentalness,liveness,valence,tempo,time_signature\`,
UTF-8 without BOM, LF line endings, pandas/Python text forms: floats as Python \`repr\` (\`0.0\`,
\`8.13e-06\`), \`artists\`/\`id_artists\` as Python list reprs (\`['A', 'B']\`, \`["Dana O'Callan"]\`),
fields quoted only when needed (Python csv QUOTE_MINIMAL), release dates \`YYYY-MM-DD\`, \`YYYY\` or \`YYYY-MM\`.

## Popularity (measured on this file)

| statistic | this sample | real tracks.csv |
|---|---|---|
| mean | ${fmt(s.mean)} | ≈ 27.6 |
| sd | ${fmt(s.sd)} | ≈ 18.4 |
| min / max | ${s.min} / ${s.max} | 0 / 100 |
| quartiles (25/50/75 %) | ${s.q1} / ${s.median} / ${s.q3} | ≈ 13 / 27 / 41 |
| share of zeros | ${pct(s.zeroShare)} | many (a spike at 0) |
| Pearson r with release year | ${fmt(report.yearCorrelation(), 3)} | strongly positive |
| released before 1950 / from 1990 | ${pct(era.before1950)} / ${pct(era.from1990)} | few / most |

Popularity is built from release year (strongest), a latent per-artist fame shared by all its
tracks, a few title words and version suffixes (\`- Live\`, \`- Remastered\`, \`feat.\`), latent audio
factors (\`songLatents(id, year)\`, reused by the spectrogram generator) and noise.

## Text quirks present (rows)

| quirk | rows |
|---|---|
| more than one artist | ${q.multiArtist} |
| artist with an apostrophe (\`["O'X"]\` in the list repr) | ${q.apostropheArtist} |
| artist with a comma in its name (\`'A, B & C'\`) | ${q.commaInArtist} |
| artist with a double quote | ${q.quoteInArtist} |
| name with a comma | ${q.commaInName} |
| name with a double quote | ${q.quoteInName} |
| name spanning two lines (quoted) | ${q.multilineName} |
| empty name | ${q.emptyName} |
| non-ASCII name or artist | ${q.nonAsciiText} |
| year-only release date \`YYYY\` | ${q.yearOnlyDate} |
| year-month release date \`YYYY-MM\` | ${q.yearMonthDate} |
`;
}
