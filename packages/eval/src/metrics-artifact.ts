import path from 'node:path';
import { Field, Float64, Int32, makeVector, Utf8 } from 'apache-arrow';
import { artifactSchema, recordBatchFromColumns, utf8Column, writeArtifact, writeFileAtomic, type ArtifactSpec } from '@hitcast/core';
import { METRIC_NAMES, type EvalReport, type MetricName } from './types.ts';

/**
 * metrics.arrow: one row per entry (configuration, backbone, baseline) × metric, with its interval and
 * the paired difference to predict-the-mean. NaN where a metric is undefined (e.g. ρ of a constant).
 * within15 and original_within15 are fractions (0–1); rmse and mae are popularity points.
 */
export const METRICS_SPEC: ArtifactSpec = {
  name: 'eval-metrics',
  version: 1,
  fields: [
    new Field('entry', new Utf8(), false),
    new Field('label', new Utf8(), false),
    new Field('kind', new Utf8(), false),
    new Field('source', new Utf8(), false),
    new Field('metric', new Utf8(), false),
    new Field('value', new Float64(), false),
    new Field('low', new Float64(), false),
    new Field('high', new Float64(), false),
    new Field('vs_mean', new Float64(), false),
    new Field('vs_mean_low', new Float64(), false),
    new Field('vs_mean_high', new Float64(), false),
    new Field('test_songs', new Int32(), false),
    new Field('original_within15', new Float64(), false),
  ],
};

/** One row of metrics.arrow / metrics.json (the same names in both). */
export interface MetricRow {
  entry: string;
  label: string;
  kind: string;
  source: string;
  metric: MetricName;
  value: number;
  low: number;
  high: number;
  vs_mean: number;
  vs_mean_low: number;
  vs_mean_high: number;
  test_songs: number;
  original_within15: number;
}

export function metricRows(report: EvalReport): MetricRow[] {
  return report.entries.flatMap((e) =>
    METRIC_NAMES.map((metric) => ({
      entry: e.name,
      label: e.label,
      kind: e.kind,
      source: e.source,
      metric,
      ...e.metrics[metric],
      vs_mean: e.versusMean[metric].value,
      vs_mean_low: e.versusMean[metric].low,
      vs_mean_high: e.versusMean[metric].high,
      test_songs: e.testSongs,
      original_within15: metric === 'within15' && e.originalWithin15 !== undefined ? e.originalWithin15 : NaN,
    })),
  );
}

export async function writeMetricsArrow(file: string, report: EvalReport): Promise<void> {
  const rows = metricRows(report);
  const schema = artifactSchema(METRICS_SPEC, {
    'hitcast.bootstrap': JSON.stringify(report.bootstrap),
    'hitcast.songs': JSON.stringify(report.songs),
  });
  const floats = (pick: (r: MetricRow) => number) => makeVector(Float64Array.from(rows, pick)).data[0];
  const strings = (pick: (r: MetricRow) => string) => utf8Column(rows.map(pick));
  await writeArtifact(file, schema, [
    recordBatchFromColumns(schema, {
      entry: strings((r) => r.entry),
      label: strings((r) => r.label),
      kind: strings((r) => r.kind),
      source: strings((r) => r.source),
      metric: strings((r) => r.metric),
      value: floats((r) => r.value),
      low: floats((r) => r.low),
      high: floats((r) => r.high),
      vs_mean: floats((r) => r.vs_mean),
      vs_mean_low: floats((r) => r.vs_mean_low),
      vs_mean_high: floats((r) => r.vs_mean_high),
      test_songs: makeVector(Int32Array.from(rows, (r) => r.test_songs)).data[0],
      original_within15: floats((r) => r.original_within15),
    }),
  ]);
}

/** metrics.json: the same rows (NaN written as null), plus the split sizes, bootstrap settings and notes. */
export async function writeMetricsJson(file: string, report: EvalReport): Promise<void> {
  const json = {
    songs: report.songs,
    bootstrap: report.bootstrap,
    notes: report.notes,
    baselines: Object.fromEntries(report.entries.filter((e) => e.kind === 'baseline').map((e) => [e.name, e.note])),
    metrics: metricRows(report),
  };
  await writeFileAtomic(file, `${JSON.stringify(json, (_, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`);
}

export const OUTPUT_FILES = { metricsArrow: 'metrics.arrow', metricsJson: 'metrics.json', markdown: 'report.md', html: 'report.html' } as const;
export const outputPath = (outDir: string, name: keyof typeof OUTPUT_FILES) => path.join(outDir, OUTPUT_FILES[name]);
