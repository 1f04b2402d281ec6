import { describe, expect, it } from 'vitest';
import { regressionMetrics, splitOf } from '../../src/training/index.ts';

describe('splitOf', () => {
  it('splits about 70/15/15, the same way every time, independent of the other songs', () => {
    const ids = Array.from({ length: 20_000 }, (_, i) => `song-${i}`);
    const counts = { train: 0, validation: 0, test: 0 };
    for (const id of ids) counts[splitOf(id)]++;
    expect(counts.train / ids.length).toBeCloseTo(0.7, 1);
    expect(counts.validation / ids.length).toBeCloseTo(0.15, 1);
    expect(counts.test / ids.length).toBeCloseTo(0.15, 1);
    expect(ids.slice(0, 50).map((id) => splitOf(id))).toEqual(ids.slice(0, 50).map((id) => splitOf(id)));
    expect(splitOf('4uLU6hMCjMI75M1A2tKUQC')).toBe(splitOf('4uLU6hMCjMI75M1A2tKUQC'));
  });

  it('honours other fractions', () => {
    const ids = Array.from({ length: 5000 }, (_, i) => `x${i}`);
    expect(ids.filter((id) => splitOf(id, { validation: 0, test: 0.5 }) === 'test').length / ids.length).toBeCloseTo(0.5, 1);
    expect(ids.some((id) => splitOf(id, { validation: 0, test: 0.5 }) === 'validation')).toBe(false);
  });
});

describe('regressionMetrics', () => {
  it('computes MSE, RMSE, MAE, R² and the ±15 share', () => {
    const m = regressionMetrics([10, 20, 50, 90], [12, 40, 50, 70]);
    expect(m.count).toBe(4);
    expect(m.mse).toBe((4 + 400 + 0 + 400) / 4);
    expect(m.rmse).toBe(Math.sqrt(201));
    expect(m.mae).toBe((2 + 20 + 0 + 20) / 4);
    expect(m.within15).toBe(0.5);
    const mean = (12 + 40 + 50 + 70) / 4;
    const sst = [12, 40, 50, 70].reduce((a, y) => a + (y - mean) ** 2, 0);
    expect(m.r2).toBeCloseTo(1 - 804 / sst, 12);
    expect(regressionMetrics([mean, mean, mean, mean], [12, 40, 50, 70]).r2).toBeCloseTo(0, 12);
  });
});
