import { SeededRng } from '@hitcast/core';
import { metricsAt } from './metrics.ts';
import { METRIC_NAMES, type Estimate, type MetricName } from './types.ts';

export interface BootstrapOptions {
  resamples: number;
  seed: number;
  /** e.g. 0.95 for a 95% interval. */
  confidence: number;
}

export interface BootstrapResult {
  metrics: Record<MetricName, Estimate>;
  /** Paired with the reference predictor on the same resamples: this minus the reference. */
  versusReference: Record<MetricName, Estimate>;
}

/**
 * Percentile bootstrap over songs: each resample draws n test songs with replacement, and every
 * predictor is scored on the same draw, so the difference to the reference (predict-the-mean) is
 * paired — it shows whether a model beats the baseline on these songs, not just whether two wide
 * intervals overlap. Seeded: the same seed and inputs give the same intervals.
 * Resamples where a metric is undefined (e.g. ρ when every drawn song has the same value) are left
 * out of that metric's interval.
 */
export function bootstrap(predictors: ArrayLike<number>[], actual: ArrayLike<number>, reference: number, options: BootstrapOptions): BootstrapResult[] {
  const n = actual.length;
  const all = Int32Array.from({ length: n }, (_, i) => i);
  const points = predictors.map((p) => metricsAt(p, actual, all));
  const samples = predictors.map(() => newSamples(options.resamples));
  const differences = predictors.map(() => newSamples(options.resamples));
  const rng = new SeededRng(`eval-bootstrap|${options.seed}`);
  const draw = new Int32Array(n);
  for (let b = 0; b < options.resamples; b++) {
    for (let k = 0; k < n; k++) draw[k] = rng.int(n);
    const scores = predictors.map((p) => metricsAt(p, actual, draw));
    scores.forEach((score, p) => {
      for (const name of METRIC_NAMES) {
        samples[p][name][b] = score[name];
        differences[p][name][b] = score[name] - scores[reference][name];
      }
    });
  }
  const level = options.confidence;
  return predictors.map((_, p) => ({
    metrics: mapMetrics((name) => interval(points[p][name], samples[p][name], level)),
    versusReference: mapMetrics((name) => interval(points[p][name] - points[reference][name], differences[p][name], level)),
  }));
}

function newSamples(resamples: number): Record<MetricName, Float64Array> {
  return mapMetrics(() => new Float64Array(resamples));
}

function mapMetrics<T>(make: (name: MetricName) => T): Record<MetricName, T> {
  return Object.fromEntries(METRIC_NAMES.map((name) => [name, make(name)])) as Record<MetricName, T>;
}

/** The point value with the central `level` share of the finite resampled values around it. */
export function interval(value: number, samples: Float64Array, level: number): Estimate {
  if (!Number.isFinite(value)) return { value: NaN, low: NaN, high: NaN };
  const finite = samples.filter(Number.isFinite).sort();
  if (finite.length === 0) return { value, low: NaN, high: NaN };
  const tail = (1 - level) / 2;
  return { value, low: quantile(finite, tail), high: quantile(finite, 1 - tail) };
}

/** Linear-interpolation quantile of sorted values (numpy's default). */
export function quantile(sorted: Float64Array, q: number): number {
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.min(sorted.length - 1, below + 1);
  return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
}
