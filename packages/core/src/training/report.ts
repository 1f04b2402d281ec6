import path from 'node:path';
import { Field, Float32, makeVector, Utf8 } from 'apache-arrow';
import { artifactSchema, recordBatchFromColumns, writeArtifact, type ArtifactSpec } from '../arrow-artifact.ts';
import { utf8Column } from '../arrow-columns.ts';
import { writeFileAtomic } from '../atomic.ts';
import type { FitResult } from './fit.ts';
import { regressionMetrics, type RegressionMetrics } from './metrics.ts';
import type { Split } from './split.ts';

/** One song's prediction, on the 0–100 popularity scale. */
export interface Prediction {
  id: string;
  split: Split;
  predicted: number;
  actual: number;
}

/** predictions.arrow: every merged-set song's prediction with its split, for the evaluation stage. */
export const PREDICTIONS_SPEC: ArtifactSpec = {
  name: 'predictions',
  version: 1,
  fields: [
    new Field('id', new Utf8(), false),
    new Field('split', new Utf8(), false),
    new Field('predicted', new Float32(), false),
    new Field('actual', new Float32(), false),
  ],
};

export interface RunReport {
  run: string;
  backend: string;
  params: Record<string, unknown>;
  fit: Omit<FitResult, 'halted'>;
  /** The run's model on each split of the merged set. */
  metrics: Record<Split, RegressionMetrics>;
  /** Predicting the mean popularity of the training songs, on the same test songs. */
  meanBaseline: RegressionMetrics;
  finishedAt: string;
  /** Anything else a stage records about the run (model configuration, speed, other test sets). */
  [extra: string]: unknown;
}

/**
 * Writes a training run's record: `metrics.json` (backend, parameters, history, metrics per split and
 * the predict-the-mean baseline on the same test songs, plus the stage's `extra`) and `predictions.arrow`
 * (every merged-set song, for the evaluation stage). Returns the report.
 */
export async function writeRunReport(
  runDir: string,
  entry: { run: string; backend: string; params: Record<string, unknown>; fit: FitResult; predictions: Prediction[]; extra?: Record<string, unknown> },
): Promise<RunReport> {
  const bySplit = (split: Split) => entry.predictions.filter((p) => p.split === split);
  const metricsOf = (rows: Prediction[]) => regressionMetrics(rows.map((p) => p.predicted), rows.map((p) => p.actual));
  const train = bySplit('train');
  const trainMean = train.reduce((sum, p) => sum + p.actual, 0) / Math.max(1, train.length);
  const test = bySplit('test');
  const { halted: _halted, ...fit } = entry.fit;
  const report: RunReport = {
    run: entry.run,
    backend: entry.backend,
    params: entry.params,
    fit,
    metrics: { train: metricsOf(train), validation: metricsOf(bySplit('validation')), test: metricsOf(test) },
    meanBaseline: regressionMetrics(test.map(() => trainMean), test.map((p) => p.actual)),
    finishedAt: new Date().toISOString(),
    ...entry.extra,
  };
  await writeFileAtomic(path.join(runDir, 'metrics.json'), `${JSON.stringify(report, null, 2)}\n`);
  const schema = artifactSchema(PREDICTIONS_SPEC, { 'hitcast.run': entry.run, 'hitcast.scale': 'popularity 0-100' });
  const predictions = entry.predictions;
  await writeArtifact(path.join(runDir, 'predictions.arrow'), schema, [
    recordBatchFromColumns(schema, {
      id: utf8Column(predictions.map((p) => p.id)),
      split: utf8Column(predictions.map((p) => p.split)),
      predicted: makeVector(Float32Array.from(predictions, (p) => p.predicted)).data[0],
      actual: makeVector(Float32Array.from(predictions, (p) => p.actual)).data[0],
    }),
  ]);
  return report;
}

/** One line for the terminal: test RMSE and ±15 share beside the mean baseline. */
export function describeReport(report: RunReport): string {
  const t = report.metrics.test;
  const b = report.meanBaseline;
  return (
    `${report.run}: test RMSE ${t.rmse.toFixed(2)} (mean baseline ${b.rmse.toFixed(2)}), ` +
    `within ±15 ${(100 * t.within15).toFixed(1)}% (baseline ${(100 * b.within15).toFixed(1)}%), ${t.count} test songs, backend ${report.backend}`
  );
}
