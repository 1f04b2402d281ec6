import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { regressionMetrics, splitOf, type Split } from '../../src/training/index.ts';

describe('splitOf', () => {
  it('splits about 70/15/15, independent of the other songs', () => {
    const ids = Array.from({ length: 20_000 }, (_, i) => `song-${i}`);
    const counts = { train: 0, validation: 0, test: 0 };
    for (const id of ids) counts[splitOf(id)]++;
    expect(counts.train / ids.length).toBeCloseTo(0.7, 1);
    expect(counts.validation / ids.length).toBeCloseTo(0.15, 1);
    expect(counts.test / ids.length).toBeCloseTo(0.15, 1);
  });

  // Computed once from the split as it is (sha256 of "hitcast-split|<id>"); a change to the hash or its
  // thresholds would move songs between splits, and every stored run and report with them.
  it.each([
    ['2CQu0irhkyFuHWZniLUoKb', 'train'],
    ['3eZQUzEejR6sto18Zg0G04', 'train'],
    ['406AgGby33ZntR0mKS1s7E', 'train'],
    ['0V3zyI7hmDAeKkdeAvZ3t6', 'train'],
    ['2h8wnAzoSXlPGw5caldbFR', 'train'],
    ['04n5Vk7xOSxgYHL8cVOLw1', 'train'],
    ['2DJTzMQHu9Hnn3JkKZuawu', 'train'],
    ['57pWsX8irHh9dGjYqQrAii', 'test'],
    ['5lQq8ueymAeV0u0dSKi4vl', 'test'],
    ['1KrLq70FMT7dMcqvWIWz7W', 'test'],
    ['1EkrHeaNcJjETxQ2Gmc8ku', 'validation'],
    ['7XfRQqPEPVzt1K1SdPM9rH', 'test'],
    ['4GZGXZTuyUt94RNwMVMmn0', 'test'],
    ['5LN22aHnW7bX6MLIRzWoIV', 'validation'],
    ['70XiUX49mQC80zol75Lc4M', 'test'],
    ['0buqGrLkGtu8QJtFN0AL5P', 'validation'],
    ['7qz7dLpjJrw141djNCbqou', 'test'],
    ['3CJbei2vWqmTUG14wRLHA4', 'validation'],
    ['7upTwyDuxOsUX9S313yxGU', 'validation'],
    ['2oQ1qxRZjoONvCZLqMy4TI', 'validation'],
    ['0SVqMnwF23rqrreaiVIB7q', 'validation'],
  ] as const)('puts Spotify track %s in %s, as it always has', (id, split) => {
    expect(splitOf(id)).toBe(split);
  });

  it('splits the merged set of the committed sample 73 / 15 / 12, each song where it always was', () => {
    // The ids are the songs data-spectrogram matches in datasets/ (checked against the stage itself by
    // data-spectrogram's sample-matching test), listed by the split they have always had.
    const fixture = JSON.parse(readFileSync(path.join(import.meta.dirname, 'fixtures', 'sample-split.json'), 'utf8')) as Record<Split, string[]>;
    const ids = [...fixture.train, ...fixture.validation, ...fixture.test];
    expect(new Set(ids).size).toBe(100);
    expect(ids.every((id) => /^[0-9A-Za-z]{22}$/.test(id))).toBe(true);
    const now: Record<Split, string[]> = { train: [], validation: [], test: [] };
    for (const id of ids) now[splitOf(id)].push(id);
    expect({ train: now.train.length, validation: now.validation.length, test: now.test.length }).toEqual({ train: 73, validation: 15, test: 12 });
    expect(now).toEqual({ train: fixture.train, validation: fixture.validation, test: fixture.test });
  });

  it('honours other fractions, nesting test inside the same hash order', () => {
    const ids = Array.from({ length: 5000 }, (_, i) => `x${i}`);
    expect(ids.filter((id) => splitOf(id, { validation: 0, test: 0.5 }) === 'test').length / ids.length).toBeCloseTo(0.5, 1);
    expect(ids.some((id) => splitOf(id, { validation: 0, test: 0.5 }) === 'validation')).toBe(false);
    // A larger test fraction only adds songs to the test split; none leaves it.
    const test = ids.filter((id) => splitOf(id) === 'test');
    expect(test.every((id) => splitOf(id, { validation: 0.15, test: 0.3 }) === 'test')).toBe(true);
    expect(splitOf('57pWsX8irHh9dGjYqQrAii', { validation: 0, test: 0 })).toBe('train');
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
