import path from 'node:path';
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
}

/**
 * Writes a training run's record: `metrics.json` (backend, parameters, history, metrics per split and
 * the predict-the-mean baseline on the same test songs) and `predictions.json` (every song, for the
 * evaluation stage). Returns the report.
 */
export async function writeRunReport(
  runDir: string,
  entry: { run: string; backend: string; params: Record<string, unknown>; fit: FitResult; predictions: Prediction[] },
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
  };
  await writeFileAtomic(path.join(runDir, 'metrics.json'), `${JSON.stringify(report, null, 2)}\n`);
  await writeFileAtomic(path.join(runDir, 'predictions.json'), `${JSON.stringify(entry.predictions)}\n`);
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
