/**
 * The baselines every model is shown beside. Each is fit on the training songs of the merged set only
 * (the artist baseline also reads the text set, which holds no merged song), then predicts every song.
 */

/** What a baseline sees of a merged-set song. */
export interface BaselineSong {
  id: string;
  artists: readonly string[];
  year: number;
  popularity: number;
  isTrain: boolean;
}

export interface BaselineParams {
  /** Width (years) of the Gaussian kernel that smooths popularity across release years. */
  yearBandwidth: number;
  /** Pseudo-songs at the overall training mean added to each year's estimate (pulls thin years to the mean). */
  yearPriorStrength: number;
  /** Pseudo-songs at the text set's mean added to each artist's history (pulls artists with few songs to it). */
  artistPriorStrength: number;
}

export const BASELINE_DEFAULTS: BaselineParams = { yearBandwidth: 2, yearPriorStrength: 5, artistPriorStrength: 3 };

export interface Baseline {
  name: string;
  label: string;
  note: string;
  /** Prediction for every song, in the order given. */
  predicted: Float64Array;
}

function trainingMean(songs: BaselineSong[]): number {
  const train = songs.filter((s) => s.isTrain);
  if (train.length === 0) throw new Error('baselines: the merged set has no training songs');
  return train.reduce((sum, s) => sum + s.popularity, 0) / train.length;
}

/** Predict-the-mean: the training songs' mean popularity for every song. */
export function meanBaseline(songs: BaselineSong[]): Baseline {
  const mean = trainingMean(songs);
  return {
    name: 'baseline-mean',
    label: 'predict the mean',
    note: `mean popularity of the ${songs.filter((s) => s.isTrain).length} training songs (${mean.toFixed(2)})`,
    predicted: new Float64Array(songs.length).fill(mean),
  };
}

/**
 * Release year only: a kernel-smoothed mean popularity by year,
 * ŷ(y) = (Σ w(y − yᵢ)·pᵢ + k·p̄) / (Σ w(y − yᵢ) + k) over the training songs, w Gaussian.
 * Years with many songs get their own mean; thin or unseen years lean on their neighbours and the mean.
 */
export function yearBaseline(songs: BaselineSong[], params: BaselineParams): Baseline {
  const mean = trainingMean(songs);
  const train = songs.filter((s) => s.isTrain);
  const cache = new Map<number, number>();
  const at = (year: number) => {
    let value = cache.get(year);
    if (value === undefined) {
      let weighted = params.yearPriorStrength * mean;
      let weights = params.yearPriorStrength;
      for (const s of train) {
        const w = Math.exp(-0.5 * ((year - s.year) / params.yearBandwidth) ** 2);
        weighted += w * s.popularity;
        weights += w;
      }
      value = weights > 0 ? weighted / weights : mean;
      cache.set(year, value);
    }
    return value;
  };
  return {
    name: 'baseline-year',
    label: 'release year only',
    note: `mean popularity of training songs by release year, smoothed (Gaussian, ${params.yearBandwidth} years) and pulled to the mean by ${params.yearPriorStrength} songs`,
    predicted: Float64Array.from(songs, (s) => at(s.year)),
  };
}

/** Popularity sums and counts per artist name, over the text set. */
export interface ArtistHistory {
  byArtist: Map<string, { sum: number; count: number }>;
  /** Mean popularity of the whole text set. */
  mean: number;
  rows: number;
}

/**
 * Adds text-set rows to an artist history, keeping only artists in `wanted` (the merged set's), so
 * memory stays small however large the text set is.
 */
export class ArtistHistoryBuilder {
  private readonly byArtist = new Map<string, { sum: number; count: number }>();
  private sum = 0;
  private rows = 0;

  constructor(private readonly wanted: ReadonlySet<string>) {}

  add(artists: readonly string[], popularity: number): void {
    this.sum += popularity;
    this.rows++;
    for (const artist of new Set(artists)) {
      if (!this.wanted.has(artist)) continue;
      const entry = this.byArtist.get(artist) ?? { sum: 0, count: 0 };
      entry.sum += popularity;
      entry.count++;
      this.byArtist.set(artist, entry);
    }
  }

  build(): ArtistHistory {
    return { byArtist: this.byArtist, mean: this.rows ? this.sum / this.rows : NaN, rows: this.rows };
  }
}

/**
 * Artist history: the mean popularity of the song's artists' other songs in the text set (all credited
 * artists pooled, shrunk towards the text set's mean by `artistPriorStrength` songs), mapped to the merged
 * set's scale by a least-squares line fit on the training songs that have a history — the text set is
 * mostly not hits, so its means sit lower. Songs whose artists have no history get the year baseline.
 */
export function artistBaseline(songs: BaselineSong[], history: ArtistHistory, year: Baseline, params: BaselineParams): Baseline {
  const prior = Number.isFinite(history.mean) ? history.mean : trainingMean(songs);
  const raw = songs.map((s) => {
    let sum = 0;
    let count = 0;
    for (const artist of new Set(s.artists)) {
      const entry = history.byArtist.get(artist);
      if (entry) {
        sum += entry.sum;
        count += entry.count;
      }
    }
    return count > 0 ? (sum + params.artistPriorStrength * prior) / (count + params.artistPriorStrength) : NaN;
  });
  const fitRows = songs.flatMap((s, i) => (s.isTrain && Number.isFinite(raw[i]) ? [i] : []));
  const { intercept, slope } = leastSquaresLine(fitRows.map((i) => raw[i]), fitRows.map((i) => songs[i].popularity));
  const known = raw.filter(Number.isFinite).length;
  const calibrated = fitRows.length > 0; // else no training song has a history to calibrate on: the year baseline throughout
  return {
    name: 'baseline-artist',
    label: 'artist history',
    note:
      `mean popularity of the artists' songs in the text set (${history.rows.toLocaleString('en-US')} rows, none of them a merged-set song), ` +
      `calibrated on ${fitRows.length} training songs (ŷ = ${intercept.toFixed(2)} + ${slope.toFixed(3)}·history); ` +
      `${songs.length - known} of ${songs.length} songs have no artist history and get the year baseline`,
    predicted: Float64Array.from(songs, (_, i) => (calibrated && Number.isFinite(raw[i]) ? intercept + slope * raw[i] : year.predicted[i])),
  };
}

/** y ≈ intercept + slope·x by least squares; with fewer than 3 points or no spread in x, the mean of y (slope 0). */
export function leastSquaresLine(x: number[], y: number[]): { intercept: number; slope: number } {
  const n = x.length;
  if (n === 0) return { intercept: NaN, slope: 0 };
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
  }
  if (n < 3 || sxx === 0) return { intercept: my, slope: 0 };
  const slope = sxy / sxx;
  return { intercept: my - slope * mx, slope };
}
