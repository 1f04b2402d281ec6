import type { Estimate, EvalReport, EvaluatedEntry, MetricName } from './types.ts';

/** How each metric is printed: popularity points with 2 decimals, R² and ρ with 3, the ±15 share in percent. */
const FORMAT: Record<MetricName, { digits: number; percent: boolean; signed?: boolean }> = {
  rmse: { digits: 2, percent: false },
  mae: { digits: 2, percent: false },
  r2: { digits: 3, percent: false },
  spearman: { digits: 3, percent: false },
  within15: { digits: 1, percent: true },
};

export function formatValue(value: number, metric: MetricName, signed = false): string {
  if (!Number.isFinite(value)) return '—';
  const { digits, percent } = FORMAT[metric];
  let text = (percent ? value * 100 : value).toFixed(digits);
  if (Number(text) === 0) text = (0).toFixed(digits); // never "-0.000"
  return `${signed && value > 0 ? '+' : ''}${text}${percent ? '%' : ''}`;
}

/** "16.94 [12.10, 21.30]"; the interval drops the % sign to stay short. */
export function formatEstimate(estimate: Estimate, metric: MetricName, signed = false): string {
  if (!Number.isFinite(estimate.value)) return '—';
  const point = formatValue(estimate.value, metric, signed);
  if (!Number.isFinite(estimate.low) || !Number.isFinite(estimate.high)) return point;
  const bound = (v: number) => formatValue(v, metric, signed).replace('%', '');
  return `${point} [${bound(estimate.low)}, ${bound(estimate.high)}]`;
}

const KIND_LABEL = { configuration: 'config', backbone: 'backbone', baseline: 'baseline' } as const;

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

function differenceCell(entry: EvaluatedEntry, metric: MetricName): string {
  return entry.name === 'baseline-mean' ? '(reference)' : formatEstimate(entry.versusMean[metric], metric, true);
}

/**
 * report.md: the headline table (RMSE and the study's ±15 share, each beside its paired difference to
 * predict-the-mean and the original study's figure), the other metrics, how the baselines were fit, and
 * the caveats. The same text is printed at the end of the pipeline run.
 */
export function renderMarkdown(report: EvalReport): string {
  const pct = Math.round(report.bootstrap.confidence * 100);
  const test = report.songs.test;
  const headline = table(
    ['', 'model', `RMSE [${pct}% CI]`, 'RMSE vs mean', `within ±15 [${pct}% CI]`, '±15 vs mean', 'original study ±15'],
    report.entries.map((e) => [
      KIND_LABEL[e.kind],
      e.label,
      formatEstimate(e.metrics.rmse, 'rmse'),
      differenceCell(e, 'rmse'),
      formatEstimate(e.metrics.within15, 'within15'),
      differenceCell(e, 'within15'),
      e.originalWithin15 === undefined ? '' : formatValue(e.originalWithin15, 'within15'),
    ]),
  );
  const others = table(
    ['model', 'source', `MAE [${pct}% CI]`, `R² [${pct}% CI]`, `Spearman ρ [${pct}% CI]`, 'best epoch', 'backend'],
    report.entries.map((e) => [
      e.label,
      e.source,
      formatEstimate(e.metrics.mae, 'mae'),
      formatEstimate(e.metrics.r2, 'r2'),
      formatEstimate(e.metrics.spearman, 'spearman'),
      e.bestEpoch === undefined ? '' : String(e.bestEpoch),
      e.backend ?? '',
    ]),
  );
  const baselines = report.entries.filter((e) => e.kind === 'baseline').map((e) => `- **${e.label}**: ${e.note ?? ''}`);
  return [
    `# hitcast evaluation: ${test} test songs`,
    '',
    `Merged set: ${report.songs.train} train / ${report.songs.validation} validation / ${test} test songs. Popularity 0–100; lower RMSE is better, a higher ±15 share is better.`,
    '',
    headline,
    '',
    '## Other metrics',
    '',
    others,
    '',
    '## Baselines (fit on the training songs only)',
    '',
    ...baselines,
    '',
    '## Reading these figures',
    '',
    ...readingNotes(report).map((n) => `- ${n}`),
    '',
  ].join('\n');
}

/** The caveats every table is printed with: the test-set size, how intervals were made, what "vs mean" means. */
export function readingNotes(report: EvalReport): string[] {
  const test = report.songs.test;
  const { resamples, seed, confidence } = report.bootstrap;
  const notes = [
    `All figures are on the same ${test} test songs of the merged set (split by a hash of the song id), with ${Math.round(confidence * 100)}% percentile bootstrap intervals over ${resamples.toLocaleString('en-US')} resamples of those songs (seed ${seed}).`,
    `"vs mean" is the paired difference to predict-the-mean on the same resamples: a model beats the baseline on these songs only where that interval excludes 0.`,
    ...report.notes,
  ];
  if (test < report.smallTestSet) {
    notes.unshift(`Only ${test} test songs: the intervals are wide and differences between models are mostly noise; ranking the configurations needs the full data (about 450 test songs).`);
  }
  return notes;
}
