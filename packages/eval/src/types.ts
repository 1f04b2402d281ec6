/**
 * What the evaluation stage computes, as plain data: the input of every report writer (metrics.arrow,
 * metrics.json, report.md, report.html). Kept free of I/O so that each writer is a pure function of it.
 */
import type { EpochRecord, Split } from '@hitcast/core/training';

/** The metrics every model and baseline is judged by, on the 0–100 popularity scale. */
export const METRIC_NAMES = ['rmse', 'mae', 'r2', 'spearman', 'within15'] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

/** A point estimate with its bootstrap interval (NaN where the metric is undefined, e.g. ρ of a constant). */
export interface Estimate {
  value: number;
  low: number;
  high: number;
}

/** configuration: one of the study's four; backbone: a pre-trained model on its own; baseline: no learning beyond a lookup. */
export type EntryKind = 'configuration' | 'backbone' | 'baseline';

/** One song's prediction as the charts and tables see it. */
export interface SongPrediction {
  id: string;
  split: Split;
  predicted: number;
  actual: number;
}

export interface EvaluatedEntry {
  /** Stable key, e.g. 'fusion-pretrained', 'baseline-mean'. */
  name: string;
  /** Human label, e.g. '4. pre-trained, frozen (fusion head only)'. */
  label: string;
  kind: EntryKind;
  /** Where the predictions came from, e.g. 'model-fusion/fusion-pretrained' or 'baseline'. */
  source: string;
  /** How many test songs the figures rest on. */
  testSongs: number;
  metrics: Record<MetricName, Estimate>;
  /** This entry minus predict-the-mean, paired on the same bootstrap resamples (a lower RMSE gives a negative difference). */
  versusMean: Record<MetricName, Estimate>;
  /** Every merged-set song's prediction (all splits); the metrics use the test split only. */
  predictions: SongPrediction[];
  /** Train and validation loss per epoch (MSE on popularity / 100), for trained runs. */
  history?: EpochRecord[];
  bestEpoch?: number;
  backend?: string;
  /** The original study's ±15 share for the same configuration, on its own data (a fraction, 0–1). */
  originalWithin15?: number;
  /** A short note on how a baseline was fit. */
  note?: string;
}

/** One trial of a tuning study (filled in by the tuning stage once it exists). */
export interface TuningTrial {
  number: number;
  state: 'complete' | 'pruned' | 'failed' | 'running';
  value?: number;
  params: Record<string, number | string>;
  /** Intermediate validation losses, one per epoch reported. */
  intermediate?: { step: number; value: number }[];
}

export interface TuningStudySummary {
  model: string;
  study: string;
  direction: 'minimize';
  trials: TuningTrial[];
  bestTrial?: number;
}

export interface EvalReport {
  /** Songs in each split of the merged set. */
  songs: Record<Split, number>;
  bootstrap: { resamples: number; seed: number; confidence: number };
  entries: EvaluatedEntry[];
  /** Tuning studies found beside the runs; empty until the tuning stage has run. */
  tuning: TuningStudySummary[];
  /** Below this many test songs, reports say that differences between models are mostly noise. */
  smallTestSet: number;
  /** Caveats printed with every table, beyond those the writers derive from the fields above. */
  notes: string[];
}
