/**
 * The few summary statistics used to compare the synthetic popularity column with the real one
 * (shared by the README writer and the tests, so both report the same numbers).
 */

export function mean(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s / xs.length;
}

/** Sample standard deviation (n - 1), like pandas' `Series.std()`. */
export function sd(xs: ArrayLike<number>): number {
  const m = mean(xs);
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += (xs[i] - m) ** 2;
  return Math.sqrt(s / (xs.length - 1));
}

/** Quantile with linear interpolation, like pandas' `Series.quantile(q)` (numpy's default). */
export function quantile(xs: ArrayLike<number>, q: number): number {
  const sorted = Float64Array.from(xs).sort();
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function pearson(xs: ArrayLike<number>, ys: ArrayLike<number>): number {
  const mx = mean(xs);
  const my = mean(ys);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < xs.length; i++) {
    const dx = xs[i] - mx;
    const dy = ys[i] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxy / Math.sqrt(sxx * syy);
}

/**
 * Share of the variance of `values` explained by group means (eta squared), over the groups with
 * at least `minGroupSize` members.
 */
export function etaSquared(values: ArrayLike<number>, groups: ArrayLike<string | number>, minGroupSize = 2): number {
  const byGroup = new Map<string | number, number[]>();
  for (let i = 0; i < values.length; i++) {
    const list = byGroup.get(groups[i]);
    if (list) list.push(values[i]);
    else byGroup.set(groups[i], [values[i]]);
  }
  const kept = [...byGroup.values()].filter((g) => g.length >= minGroupSize);
  const all = kept.flat();
  const grand = mean(all);
  let between = 0;
  let total = 0;
  for (const g of kept) {
    const m = mean(g);
    between += g.length * (m - grand) ** 2;
    for (const v of g) total += (v - grand) ** 2;
  }
  return between / total;
}

export interface PopularitySummary {
  rows: number;
  mean: number;
  sd: number;
  min: number;
  q1: number;
  median: number;
  q3: number;
  max: number;
  zeroShare: number;
}

export function summarisePopularity(popularity: ArrayLike<number>): PopularitySummary {
  let zeros = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < popularity.length; i++) {
    const p = popularity[i];
    if (p === 0) zeros++;
    if (p < min) min = p;
    if (p > max) max = p;
  }
  return {
    rows: popularity.length,
    mean: mean(popularity),
    sd: sd(popularity),
    min,
    q1: quantile(popularity, 0.25),
    median: quantile(popularity, 0.5),
    q3: quantile(popularity, 0.75),
    max,
    zeroShare: zeros / popularity.length,
  };
}
