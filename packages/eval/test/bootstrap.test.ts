import { describe, expect, it } from 'vitest';
import { SeededRng } from '@hitcast/core';
import { bootstrap, quantile } from '../src/bootstrap.ts';

function synthetic(rng: SeededRng, n: number, noise: number) {
  const actual = Float64Array.from({ length: n }, () => rng.uniform(0, 100));
  const predicted = actual.map((a) => a + rng.normal(0, noise));
  return { actual, predicted };
}

describe('bootstrap intervals', () => {
  it('are seeded: the same seed gives the same intervals, another seed others', () => {
    const { actual, predicted } = synthetic(new SeededRng('data'), 40, 12);
    const mean = new Float64Array(40).fill(50);
    const run = (seed: number) => bootstrap([predicted, mean], actual, 1, { resamples: 300, seed, confidence: 0.95 });
    expect(run(7)).toEqual(run(7));
    expect(run(8)[0].metrics.rmse.low).not.toBe(run(7)[0].metrics.rmse.low);
  });

  it('contain the point estimate and widen with the confidence level', () => {
    const { actual, predicted } = synthetic(new SeededRng('widen'), 50, 10);
    const [at90] = bootstrap([predicted], actual, 0, { resamples: 1000, seed: 1, confidence: 0.9 });
    const [at99] = bootstrap([predicted], actual, 0, { resamples: 1000, seed: 1, confidence: 0.99 });
    for (const name of ['rmse', 'mae', 'within15', 'spearman'] as const) {
      expect(at90.metrics[name].low).toBeLessThanOrEqual(at90.metrics[name].value);
      expect(at90.metrics[name].high).toBeGreaterThanOrEqual(at90.metrics[name].value);
      expect(at99.metrics[name].high - at99.metrics[name].low).toBeGreaterThan(at90.metrics[name].high - at90.metrics[name].low);
    }
  });

  it('cover the true value at about the nominal rate (95%) on a synthetic case', () => {
    // errors ~ N(0, 10): true MAE = 10·sqrt(2/π), true ±15 share = P(|Z| ≤ 1.5)
    const trueMae = 10 * Math.sqrt(2 / Math.PI);
    const trueWithin15 = 0.8663855974622838;
    const rng = new SeededRng('coverage');
    const trials = 200;
    let maeCovered = 0;
    let withinCovered = 0;
    for (let t = 0; t < trials; t++) {
      const { actual, predicted } = synthetic(rng, 80, 10);
      const [result] = bootstrap([predicted], actual, 0, { resamples: 400, seed: t, confidence: 0.95 });
      if (result.metrics.mae.low <= trueMae && trueMae <= result.metrics.mae.high) maeCovered++;
      if (result.metrics.within15.low <= trueWithin15 && trueWithin15 <= result.metrics.within15.high) withinCovered++;
    }
    // 200 trials: the coverage estimate has a standard error of ~1.5 points around 95%.
    expect(maeCovered / trials).toBeGreaterThan(0.89);
    expect(maeCovered / trials).toBeLessThan(0.99);
    expect(withinCovered / trials).toBeGreaterThan(0.87);
    expect(withinCovered / trials).toBeLessThan(0.995);
  });

  it('pair the difference to the reference on the same resamples', () => {
    const { actual, predicted } = synthetic(new SeededRng('paired'), 60, 5);
    const mean = new Float64Array(60).fill(50);
    const [model, reference] = bootstrap([predicted, mean], actual, 1, { resamples: 500, seed: 3, confidence: 0.95 });
    // The reference against itself: exactly 0, with a zero-width interval.
    expect(reference.versusReference.rmse).toEqual({ value: 0, low: 0, high: 0 });
    // A model far better than the mean: the whole interval of its RMSE difference is below 0 …
    expect(model.versusReference.rmse.high).toBeLessThan(0);
    expect(model.versusReference.rmse.value).toBeCloseTo(model.metrics.rmse.value - reference.metrics.rmse.value, 12);
    // … and ρ of the constant reference is undefined, so is the difference: NaN, not a number made up.
    expect(reference.metrics.spearman.value).toBeNaN();
    expect(model.versusReference.spearman.value).toBeNaN();
  });

  it('quantile interpolates linearly between order statistics (numpy default)', () => {
    const sorted = Float64Array.from([1, 2, 3, 4, 5]);
    expect(quantile(sorted, 0.5)).toBe(3);
    expect(quantile(sorted, 0.025)).toBeCloseTo(1.1, 12);
    expect(quantile(sorted, 0.975)).toBeCloseTo(4.9, 12);
  });
});
