import type { Split } from '@hitcast/core/training';
import { artistBaseline, meanBaseline, yearBaseline, type ArtistHistory, type Baseline } from './baselines.ts';
import { bootstrap } from './bootstrap.ts';
import type { MergedSongs } from './inputs.ts';
import type { EvalParams } from './params.ts';
import { alignPredictions, type LoadedRun } from './runs.ts';
import type { EvalReport, EvaluatedEntry, SongPrediction, TuningStudySummary } from './types.ts';

export interface EvaluationInputs {
  merged: MergedSongs;
  runs: LoadedRun[];
  artistHistory: ArtistHistory;
  tuning?: TuningStudySummary[];
  params: EvalParams;
}

/**
 * Judges every run and baseline on the one shared test split of the merged set: point metrics, a
 * bootstrap interval for each, and the paired difference to predict-the-mean on the same resamples.
 */
export function evaluate({ merged, runs, artistHistory, tuning = [], params }: EvaluationInputs): EvalReport {
  const { ids, splits, popularity, songs } = merged;
  const mean = meanBaseline(songs);
  const year = yearBaseline(songs, params);
  const artist = artistBaseline(songs, artistHistory, year, params);
  const baselines: Baseline[] = [mean, year, artist];

  const test = [...splits.keys()].filter((i) => splits[i] === 'test');
  if (test.length === 0) throw new Error('the merged set has no test songs');
  const testActual = Float64Array.from(test, (i) => popularity[i]);
  const predictedAll = [...runs.map((run) => alignPredictions(run, ids, splits, popularity)), ...baselines.map((b) => b.predicted)];
  const referenceIndex = runs.length; // predict-the-mean
  const scored = bootstrap(predictedAll.map((p) => Float64Array.from(test, (i) => p[i])), testActual, referenceIndex, {
    resamples: params.bootstrapResamples,
    seed: params.bootstrapSeed,
    confidence: params.confidence,
  });

  const predictionsOf = (predicted: Float64Array): SongPrediction[] =>
    ids.map((id, i) => ({ id, split: splits[i], predicted: predicted[i], actual: popularity[i] }));
  const entries: EvaluatedEntry[] = [
    ...runs.map((run, r) => ({
      name: run.spec.run,
      label: run.spec.label,
      kind: run.spec.kind,
      source: `${run.spec.stage}/${run.spec.run}`,
      testSongs: test.length,
      metrics: scored[r].metrics,
      versusMean: scored[r].versusReference,
      predictions: predictionsOf(predictedAll[r]),
      history: run.history,
      bestEpoch: run.bestEpoch,
      backend: run.backend,
      ...(run.spec.originalWithin15 === undefined ? {} : { originalWithin15: run.spec.originalWithin15 }),
    })),
    ...baselines.map((b, k) => ({
      name: b.name,
      label: b.label,
      kind: 'baseline' as const,
      source: 'baseline',
      testSongs: test.length,
      metrics: scored[runs.length + k].metrics,
      versusMean: scored[runs.length + k].versusReference,
      predictions: predictionsOf(b.predicted),
      note: b.note,
    })),
  ];

  const count = (split: Split) => splits.filter((s) => s === split).length;
  const notes = [
    `Every prediction is clamped to the 0–100 scale before scoring, as \`hitcast predict\` reports it.`,
    `The original study's ±15 figures were measured on its own data and split (3,195 songs, 15% test): context, not a comparison on the same songs.`,
  ];
  return {
    songs: { train: count('train'), validation: count('validation'), test: count('test') },
    bootstrap: { resamples: params.bootstrapResamples, seed: params.bootstrapSeed, confidence: params.confidence },
    entries,
    tuning,
    smallTestSet: params.smallTestSet,
    notes,
  };
}
