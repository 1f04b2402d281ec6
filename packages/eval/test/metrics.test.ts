import { describe, expect, it } from 'vitest';
import { averageRanks, metricsAt, metricsOf } from '../src/metrics.ts';

describe('metrics', () => {
  it('match values computed by hand', () => {
    // errors −2, 2, −5, 20: SSE 433, SAE 29; actual mean 21.25, SST 286.75; ranks of actual 1, 2, 4, 3
    const m = metricsOf([10, 20, 30, 40], [12, 18, 35, 20]);
    expect(m.rmse).toBeCloseTo(Math.sqrt(433 / 4), 12);
    expect(m.mae).toBeCloseTo(7.25, 12);
    expect(m.r2).toBeCloseTo(1 - 433 / 286.75, 12);
    expect(m.spearman).toBeCloseTo(1 - (6 * 2) / (4 * 15), 12); // 0.8
    expect(m.within15).toBe(0.75);
  });

  it('count an error of exactly 15 points as within ±15', () => {
    expect(metricsOf([15, 0], [0, 15.0001]).within15).toBe(0.5);
  });

  it('give tied values their mean rank (Spearman with ties)', () => {
    expect([...averageRanks([5, 1, 5, 3], [0, 1, 2, 3])]).toEqual([3.5, 1, 3.5, 2]);
    // ranks (1.5, 1.5, 3) vs (1, 2, 3): Pearson = 1.5 / sqrt(1.5 · 2)
    expect(metricsOf([1, 1, 2], [1, 2, 3]).spearman).toBeCloseTo(1.5 / Math.sqrt(3), 12);
  });

  it('leave ρ and R² undefined (NaN) where they are, not 0', () => {
    const constant = metricsOf([50, 50, 50], [10, 20, 30]);
    expect(constant.spearman).toBeNaN();
    expect(constant.r2).toBeCloseTo(1 - (1600 + 900 + 400) / 200, 12);
    expect(metricsOf([1, 2, 3], [7, 7, 7]).r2).toBeNaN();
  });

  it('score a resample with repeated songs as that many copies', () => {
    const predicted = [10, 40];
    const actual = [20, 40];
    expect(metricsAt(predicted, actual, [0, 0, 0, 1]).mae).toBeCloseTo(7.5, 12);
    expect(metricsAt(predicted, actual, [0, 0, 0, 1]).within15).toBe(1);
  });
});
