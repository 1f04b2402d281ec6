import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readArtifact, SeededRng } from '@hitcast/core';
import { splitOf } from '@hitcast/core/training';
import { ArtistHistoryBuilder, type BaselineSong } from '../src/baselines.ts';
import { evaluate } from '../src/evaluate.ts';
import type { MergedSongs } from '../src/inputs.ts';
import { METRICS_SPEC, writeMetricsArrow, writeMetricsJson } from '../src/metrics-artifact.ts';
import { EVAL_DEFAULTS } from '../src/params.ts';
import { renderMarkdown } from '../src/report-md.ts';
import { alignPredictions, EVALUATED_RUNS, type LoadedRun } from '../src/runs.ts';

/** 120 songs with a hash split; popularity driven by the artist's fame and the year. */
function mergedSet(): MergedSongs {
  const rng = new SeededRng('eval-test');
  const songs: BaselineSong[] = Array.from({ length: 120 }, (_, i) => {
    const id = `song${i}`;
    const fame = (i % 12) * 6;
    return { id, artists: [`artist${i % 12}`], year: 1970 + (i % 40), popularity: Math.min(100, Math.max(0, 10 + fame + rng.normal(0, 5))), isTrain: splitOf(id) === 'train' };
  });
  return { ids: songs.map((s) => s.id), splits: songs.map((s) => splitOf(s.id)), popularity: Float64Array.from(songs, (s) => s.popularity), songs };
}

/** Every evaluated run, each predicting the truth plus noise of its own size. */
function runsFor(merged: MergedSongs): LoadedRun[] {
  return EVALUATED_RUNS.map((spec, r) => {
    const rng = new SeededRng(`run-${r}`);
    return {
      spec,
      predictions: merged.ids.map((id, i) => ({ id, split: merged.splits[i], predicted: merged.popularity[i] + rng.normal(0, 3 + 4 * r), actual: merged.popularity[i] })),
      history: [{ epoch: 1, trainLoss: 0.05, validationLoss: 0.06, seconds: 1 }],
      bestEpoch: 1,
      backend: 'wasm',
    };
  });
}

function historyOf(merged: MergedSongs) {
  const builder = new ArtistHistoryBuilder(new Set(merged.songs.flatMap((s) => s.artists)));
  for (let a = 0; a < 12; a++) for (let k = 0; k < 20; k++) builder.add([`artist${a}`], 5 + a * 5);
  return builder.build();
}

describe('evaluate', () => {
  const merged = mergedSet();
  const report = evaluate({ merged, runs: runsFor(merged), artistHistory: historyOf(merged), params: { ...EVAL_DEFAULTS, bootstrapResamples: 300 } });
  const testSongs = merged.splits.filter((s) => s === 'test').length;

  it('judges the four configurations, two backbones and three baselines on the same test songs', () => {
    expect(report.entries.map((e) => [e.kind, e.name])).toEqual([
      ['configuration', 'text-only'],
      ['configuration', 'cnn-only'],
      ['configuration', 'combined-naive'],
      ['configuration', 'fusion-pretrained'],
      ['backbone', 'text-pretrained'],
      ['backbone', 'cnn-pretrained'],
      ['baseline', 'baseline-mean'],
      ['baseline', 'baseline-year'],
      ['baseline', 'baseline-artist'],
    ]);
    expect(new Set(report.entries.map((e) => e.testSongs))).toEqual(new Set([testSongs]));
    expect(report.songs.test).toBe(testSongs);
    // The least noisy run beats the mean, with the paired interval below 0; the reference is exactly 0.
    expect(report.entries[0].versusMean.rmse.high).toBeLessThan(0);
    expect(report.entries[6].versusMean.rmse).toEqual({ value: 0, low: 0, high: 0 });
    // Artist fame drives popularity here: the artist baseline beats the mean by a wide margin.
    expect(report.entries[8].metrics.rmse.value).toBeLessThan(report.entries[6].metrics.rmse.value / 2);
    expect(report.entries.find((e) => e.name === 'cnn-only')!.originalWithin15).toBe(0.3208);
  });

  it('says when the test split is too small to rank models', () => {
    expect(renderMarkdown(report)).toMatch(new RegExp(`## Reading these figures\\n\\n- Only ${testSongs} test songs`));
    const large = evaluate({ merged, runs: runsFor(merged), artistHistory: historyOf(merged), params: { ...EVAL_DEFAULTS, bootstrapResamples: 100, smallTestSet: 5 } });
    expect(renderMarkdown(large)).not.toMatch(/Only \d+ test songs/);
  });

  it('refuses a run made on another merged set, naming it and the fix', () => {
    const [run] = runsFor(merged);
    const missing = { ...run, predictions: run.predictions.slice(1) };
    expect(() => alignPredictions(missing, merged.ids, merged.splits, merged.popularity)).toThrow(/model-text\/text-only does not fit the current merged set: it predicted 119 songs/);
    const relabelled = { ...run, predictions: run.predictions.map((p, i) => (i === 3 ? { ...p, actual: p.actual + 1 } : p)) };
    expect(() => alignPredictions(relabelled, merged.ids, merged.splits, merged.popularity)).toThrow(/song3 has popularity/);
    const resplit = { ...run, predictions: run.predictions.map((p, i) => (i === 0 ? { ...p, split: p.split === 'test' ? ('train' as const) : ('test' as const) } : p)) };
    expect(() => alignPredictions(resplit, merged.ids, merged.splits, merged.popularity)).toThrow(/split/);
  });

  it('writes metrics.arrow and metrics.json with one row per entry × metric', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'hitcast-eval-'));
    await writeMetricsArrow(path.join(dir, 'metrics.arrow'), report);
    await writeMetricsJson(path.join(dir, 'metrics.json'), report);
    const table = await readArtifact(path.join(dir, 'metrics.arrow'), METRICS_SPEC);
    expect(table.numRows).toBe(9 * 5);
    const rows = table.toArray().map((r) => r.toJSON());
    const fusionRmse = rows.find((r) => r.entry === 'fusion-pretrained' && r.metric === 'rmse')!;
    const fusion = report.entries.find((e) => e.name === 'fusion-pretrained')!;
    expect(fusionRmse.value).toBe(fusion.metrics.rmse.value);
    expect([fusionRmse.low, fusionRmse.high]).toEqual([fusion.metrics.rmse.low, fusion.metrics.rmse.high]);
    expect(fusionRmse.test_songs).toBe(testSongs);
    expect(rows.find((r) => r.entry === 'fusion-pretrained' && r.metric === 'within15')!.original_within15).toBe(0.6208);
    expect(rows.find((r) => r.entry === 'baseline-mean' && r.metric === 'spearman')!.value).toBeNaN();
    const json = JSON.parse(readFileSync(path.join(dir, 'metrics.json'), 'utf8'));
    expect(json.metrics).toHaveLength(45);
    expect(json.metrics.find((r: { entry: string; metric: string }) => r.entry === 'baseline-mean' && r.metric === 'spearman').value).toBeNull();
  });

  it('renders a markdown table naming the test-set size, intervals and the original figures', () => {
    const markdown = renderMarkdown(report);
    expect(markdown).toMatch(new RegExp(`^# hitcast evaluation: ${testSongs} test songs`));
    const cnnRow = markdown.split('\n').find((line) => line.includes('2. CNN only (naive)'))!;
    expect(cnnRow).toMatch(/\| 32\.1% \|$/);
    expect(cnnRow).toMatch(/\d+\.\d\d \[\d+\.\d\d, \d+\.\d\d\]/);
    expect(markdown.split('\n').find((line) => line.includes('predict the mean') && line.startsWith('| baseline'))).toContain('(reference)');
    expect(markdown).toContain('calibrated on');
  });
});

describe('alignPredictions', () => {
  it('clamps predictions to the 0–100 scale', () => {
    const merged = mergedSet();
    const [run] = runsFor(merged);
    const wild = { ...run, predictions: run.predictions.map((p, i) => ({ ...p, predicted: i === 0 ? -12 : i === 1 ? 130 : p.predicted })) };
    const aligned = alignPredictions(wild, merged.ids, merged.splits, merged.popularity);
    expect([aligned[0], aligned[1]]).toEqual([0, 100]);
  });
});
