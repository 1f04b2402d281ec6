import type { MetricName } from './types.ts';

/**
 * The evaluation metrics, on the 0–100 popularity scale, over a chosen list of song indices (so the
 * bootstrap can resample indices without copying arrays; an index may repeat).
 * - rmse, mae: errors in popularity points.
 * - r2: 1 − SSE/SST about the mean of these songs' actual values (0 = as good as their own mean; NaN when they are all equal).
 * - spearman: Spearman's ρ, the Pearson correlation of average ranks (ties share their mean rank); NaN for a constant prediction.
 * - within15: the original study's metric, the share of songs predicted within ±15 points (a fraction, 0–1).
 */
export function metricsAt(predicted: ArrayLike<number>, actual: ArrayLike<number>, indices: ArrayLike<number>): Record<MetricName, number> {
  const n = indices.length;
  if (n === 0) return { rmse: NaN, mae: NaN, r2: NaN, spearman: NaN, within15: NaN };
  let actualMean = 0;
  for (let k = 0; k < n; k++) actualMean += actual[indices[k]];
  actualMean /= n;
  let sse = 0;
  let sae = 0;
  let sst = 0;
  let within = 0;
  for (let k = 0; k < n; k++) {
    const i = indices[k];
    const error = predicted[i] - actual[i];
    sse += error * error;
    sae += Math.abs(error);
    sst += (actual[i] - actualMean) ** 2;
    if (Math.abs(error) <= 15) within++;
  }
  return {
    rmse: Math.sqrt(sse / n),
    mae: sae / n,
    r2: sst > 0 ? 1 - sse / sst : NaN,
    spearman: spearmanAt(predicted, actual, indices),
    within15: within / n,
  };
}

/** Metrics over every song given. */
export function metricsOf(predicted: ArrayLike<number>, actual: ArrayLike<number>): Record<MetricName, number> {
  return metricsAt(predicted, actual, Int32Array.from({ length: actual.length }, (_, i) => i));
}

export function spearmanAt(x: ArrayLike<number>, y: ArrayLike<number>, indices: ArrayLike<number>): number {
  return pearson(averageRanks(x, indices), averageRanks(y, indices));
}

/** Ranks 1…n of values[indices[k]], ties given the mean of the ranks they span. */
export function averageRanks(values: ArrayLike<number>, indices: ArrayLike<number>): Float64Array {
  const n = indices.length;
  const order = Array.from({ length: n }, (_, k) => k).sort((a, b) => values[indices[a]] - values[indices[b]]);
  const ranks = new Float64Array(n);
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && values[indices[order[end]]] === values[indices[order[start]]]) end++;
    const rank = (start + 1 + end) / 2; // mean of ranks start+1 … end
    for (let k = start; k < end; k++) ranks[order[k]] = rank;
    start = end;
  }
  return ranks;
}

export function pearson(x: Float64Array, y: Float64Array): number {
  const n = x.length;
  if (n < 2) return NaN;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : NaN;
}
