/**
 * report.html: the evaluation as one self-contained page that opens offline. CSS is inline, every chart is
 * an SVG rendered here in Node with Vega-Lite (the page runs no script and requests nothing), and every
 * string that comes from the data is escaped.
 */
import type { EvalReport, EvaluatedEntry, Estimate, MetricName, TuningStudySummary } from './types.ts';
import { finite, fixed, KIND_COLOURS, KIND_NAMES, METRIC_DECIMALS, ORIGINAL_STUDY, percent } from './charts/common.ts';
import { learningCurvesSpec, trainedEntries } from './charts/learning-curves.ts';
import { metricBarsSpec } from './charts/metric-bars.ts';
import { predictedActualSpec } from './charts/predicted-actual.ts';
import { renderSvg } from './charts/render.ts';
import { residualsSpec } from './charts/residuals.ts';
import { bestTrial, parameterSpec, trialValue, tuningSpec } from './charts/tuning.ts';

/** Below this many test songs the summary says plainly that most differences are noise. */

const MEAN_BASELINE = 'baseline-mean';

/** Text for HTML content and attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
const h = escapeHtml;

interface MetricColumn {
  metric: MetricName;
  title: string;
  unit: string;
  lowerIsBetter: boolean;
  format: (value: number | undefined) => string;
  /** An interval's bounds: as the value, without the unit. */
  formatBound: (value: number | undefined, signed?: boolean) => string;
  /** How a difference is written (percentage points for the share). */
  formatDelta: (value: number | undefined) => string;
}

const decimals =
  (metric: keyof typeof METRIC_DECIMALS) =>
  (v: number | undefined, signed = false) =>
    fixed(v, METRIC_DECIMALS[metric], signed);

function numeric(metric: keyof typeof METRIC_DECIMALS, title: string, unit: string, lowerIsBetter: boolean): MetricColumn {
  const format = decimals(metric);
  return { metric, title, unit, lowerIsBetter, format: (v) => format(v), formatBound: format, formatDelta: (v) => format(v, true) };
}

const COLUMNS: MetricColumn[] = [
  numeric('rmse', 'RMSE', 'points', true),
  numeric('mae', 'MAE', 'points', true),
  numeric('r2', 'R²', '', false),
  numeric('spearman', 'Spearman ρ', '', false),
  {
    metric: 'within15',
    title: 'Within ±15',
    unit: '% of songs',
    lowerIsBetter: false,
    format: (v) => percent(v),
    formatBound: (v, signed) => (finite(v) ? fixed(v * 100, 1, signed) : '—'),
    formatDelta: (v) => (finite(v) ? `${fixed(v * 100, 1, true)} pp` : '—'),
  },
];

const interval = (e: Estimate | undefined, format: (v: number | undefined) => string) =>
  e && finite(e.low) && finite(e.high) ? `[${format(e.low)}, ${format(e.high)}]` : '';

/** Whether an interval of a difference lies wholly on one side of 0, and which side is better. */
function verdict(difference: Estimate | undefined, lowerIsBetter: boolean): 'better' | 'worse' | 'unclear' {
  if (!difference || !finite(difference.low) || !finite(difference.high)) return 'unclear';
  if (difference.high < 0) return lowerIsBetter ? 'better' : 'worse';
  if (difference.low > 0) return lowerIsBetter ? 'worse' : 'better';
  return 'unclear';
}

const isMeanBaseline = (e: EvaluatedEntry) => e.name === MEAN_BASELINE;

function kindBadge(entry: EvaluatedEntry): string {
  return `<span class="kind kind-${entry.kind}">${h(KIND_NAMES[entry.kind] ?? entry.kind)}</span>`;
}

function metricCell(entry: EvaluatedEntry, column: MetricColumn): string {
  const estimate = entry.metrics[column.metric];
  const value = `<span class="value">${h(column.format(estimate?.value))}</span>`;
  const range = interval(estimate, (v) => column.formatBound(v));
  let delta: string;
  if (isMeanBaseline(entry)) delta = '<span class="delta">reference</span>';
  else {
    const d = entry.versusMean?.[column.metric];
    const side = verdict(d, column.lowerIsBetter);
    delta = finite(d?.value)
      ? `<span class="delta ${side}" title="${h(side === 'unclear' ? 'interval includes 0' : `interval excludes 0: ${side} than predict-the-mean`)}">Δ ${h(column.formatDelta(d.value))}<span class="ci">${h(interval(d, (v) => column.formatBound(v, true)))}</span></span>`
      : '<span class="delta">Δ —</span>';
  }
  return `<td class="num">${value}${range ? `<span class="ci">${h(range)}</span>` : ''}${delta}</td>`;
}

function metricsTable(report: EvalReport): string {
  const confidence = Math.round(report.bootstrap.confidence * 100);
  const head = COLUMNS.map((c) => `<th class="num">${h(c.title)}${c.unit ? `<small>${h(c.unit)}</small>` : ''}<small>${c.lowerIsBetter ? 'lower is better' : 'higher is better'}</small></th>`).join('');
  const rows = report.entries
    .map((e) => {
      const note = e.note ? `<div class="note">${h(e.note)}</div>` : '';
      const original = finite(e.originalWithin15) ? `<span class="value">${h(percent(e.originalWithin15))}</span>` : '<span class="value muted">—</span>';
      return (
        `<tr class="row-${e.kind}"><td class="entry"><div class="label">${h(e.label)}</div>` +
        `<div class="meta">${kindBadge(e)} <code>${h(e.source)}</code>${finite(e.testSongs) && e.testSongs !== report.songs.test ? ` · ${h(e.testSongs)} test songs` : ''}</div>${note}</td>` +
        COLUMNS.map((c) => metricCell(e, c)).join('') +
        `<td class="num original">${original}</td></tr>`
      );
    })
    .join('\n');
  return `<div class="table-wrap"><table class="metrics">
<thead><tr><th>Entry</th>${head}<th class="num">Within ±15<small>${h(ORIGINAL_STUDY)}</small></th></tr></thead>
<tbody>
${rows || `<tr><td colspan="${COLUMNS.length + 2}">No entries were evaluated.</td></tr>`}
</tbody></table></div>
<p class="how">Each cell: the estimate on the test songs, its ${confidence} % interval in brackets, and Δ, the paired difference from
predict-the-mean with its interval. <span class="delta better">Green</span>: the difference's interval lies wholly on the better side of 0;
<span class="delta worse">red</span>: wholly on the worse side; plain: it includes 0, so the data cannot tell the entry from predict-the-mean.
The last column is the share the original study reported for the same configuration, measured on its own data and split, not on these songs.</p>
<dl class="glossary">
<dt>RMSE, MAE</dt><dd>typical error in popularity points (RMSE weighs large misses more).</dd>
<dt>R²</dt><dd>share of the spread in popularity explained; 0 is as good as the test songs' own mean, below 0 worse.</dd>
<dt>Spearman ρ</dt><dd>how well the predictions rank the songs (1 = same order); undefined (—) for a constant prediction such as predict-the-mean, and so is every difference from its ρ.</dd>
<dt>Within ±15</dt><dd>the original study's measure: the share of songs predicted within 15 points of their popularity.</dd>
</dl>`;
}

function summary(report: EvalReport): string {
  const test = report.songs.test;
  const { resamples, seed, confidence } = report.bootstrap;
  const counts = new Set(report.entries.map((e) => e.testSongs).filter(finite));
  const songs = counts.size === 1 ? [...counts][0] : test;
  const small = songs < report.smallTestSet;
  const parts: string[] = [];
  parts.push(
    `<p>Every figure below rests on <strong>${h(songs)} test songs</strong> of the merged set (train ${h(report.songs.train)}, validation ${h(report.songs.validation)}, test ${h(test)}); ` +
      `every entry is scored on the same songs. Intervals are ${h(Math.round(confidence * 100))} % bootstrap intervals over ${h(resamples.toLocaleString('en'))} resamples of the test songs (seed ${h(seed)}), ` +
      `paired: all entries are scored on the same resamples, so their differences from predict-the-mean have intervals of their own.</p>`,
  );
  if (small)
    parts.push(
      `<p class="callout warn"><strong>Only ${h(songs)} test songs.</strong> With so few songs the differences between models are within noise: ` +
        `read an entry as better than predict-the-mean only where the interval of its difference from predict-the-mean excludes 0 (green in the table).</p>`,
    );
  else parts.push(`<p class="callout">An entry differs from predict-the-mean only where the interval of its difference excludes 0 (green or red in the table).</p>`);

  const scored = report.entries.filter((e) => !isMeanBaseline(e) && finite(e.metrics.rmse?.value));
  const bestRmse = scored.filter((e) => e.kind !== 'baseline').sort((a, b) => a.metrics.rmse.value - b.metrics.rmse.value)[0];
  if (bestRmse) {
    const d = bestRmse.versusMean?.rmse;
    const side = verdict(d, true);
    const sideText = side === 'unclear' ? 'its interval includes 0' : `its interval excludes 0 (${side})`;
    parts.push(
      `<p>Lowest test RMSE among the trained models: <strong>${h(bestRmse.label)}</strong>, ${h(fixed(bestRmse.metrics.rmse.value, 2))} points ${h(interval(bestRmse.metrics.rmse, (v) => fixed(v, 2)))}` +
        (finite(d?.value) ? `; versus predict-the-mean ${h(fixed(d.value, 2, true))} ${h(interval(d, (v) => fixed(v, 2, true)))} points, ${h(sideText)}.` : '.') +
        `</p>`,
    );
  }
  const beats = scored.filter((e) => verdict(e.versusMean?.rmse, true) === 'better');
  parts.push(
    `<p>Lower RMSE than predict-the-mean beyond noise: ${beats.length > 0 ? beats.map((e) => `<strong>${h(e.label)}</strong>`).join(', ') : '<strong>none</strong>'}.</p>`,
  );
  if (report.notes.length > 0) parts.push(`<ul class="notes">${report.notes.map((n) => `<li>${h(n)}</li>`).join('')}</ul>`);
  return parts.join('\n');
}

async function figure(key: string, spec: Parameters<typeof renderSvg>[0], caption: string): Promise<string> {
  const svg = await renderSvg(spec, key);
  return `<figure class="chart" id="chart-${key}">${svg}<figcaption>${caption}</figcaption></figure>`;
}

const empty = (text: string) => `<p class="empty">${text}</p>`;

function trialCounts(study: TuningStudySummary): string {
  const count = (state: string) => study.trials.filter((t) => t.state === state).length;
  const parts = [`${study.trials.length} trials`, `${count('complete')} complete`, `${count('pruned')} pruned`, `${count('failed')} failed`];
  if (count('running') > 0) parts.push(`${count('running')} running`);
  return parts.join(' · ');
}

const paramValue = (v: number | string) => (typeof v === 'number' ? (finite(v) ? (Number.isInteger(v) ? String(v) : Number(v.toPrecision(4)).toString()) : '—') : v);

async function tuningSection(report: EvalReport): Promise<string> {
  if (report.tuning.length === 0)
    return empty(
      'No tuning study has been run yet. Run one with <code>npx hitcast tune --model fusion</code> (or cnn, text; ' +
        'or <code>npx nx run tuning:tune-fusion</code>); its trials appear here the next time the evaluation runs.',
    );
  const parts: string[] = [];
  for (const [i, study] of report.tuning.entries()) {
    const best = bestTrial(study);
    const bestValue = best ? trialValue(best) : undefined;
    parts.push(`<h3>${h(study.model)} · ${h(study.study)}</h3>`);
    parts.push(
      `<p class="meta">${h(trialCounts(study))} · objective ${h(study.direction)}d` +
        (best ? ` · best: trial ${h(best.number)}, ${h(fixed(bestValue, 4))}` : ' · no complete trial yet') +
        `</p>`,
    );
    if (study.trials.length > 0)
      parts.push(
        await figure(
          `tuning-${i + 1}`,
          tuningSpec(study),
          'Each trial’s objective by trial number; the step line is the best value found so far. Pruned trials are drawn at the last value they reported before being stopped; failed trials, which have no value, along the top (dashed).',
        ),
      );
    const byParameter = parameterSpec(study);
    if (byParameter)
      parts.push(
        await figure(
          `tuning-${i + 1}-parameters`,
          byParameter,
          'Each tuned parameter against the objective (lower is better): complete trials at their value, pruned ones at the last value they reported.',
        ),
      );
    if (best) {
      const rows = Object.entries(best.params)
        .map(([k, v]) => `<tr><td><code>${h(k)}</code></td><td class="num">${h(paramValue(v))}</td></tr>`)
        .join('');
      parts.push(`<table class="params"><caption>Parameters of the best trial (${h(best.number)})</caption><thead><tr><th>parameter</th><th class="num">value</th></tr></thead><tbody>${rows || '<tr><td colspan="2">none</td></tr>'}</tbody></table>`);
    }
  }
  return parts.join('\n');
}

const CSS = `
:root { --ink: #111827; --muted: #4b5563; --line: #e5e7eb; --better: #047857; --worse: #b91c1c;
  --configuration: ${KIND_COLOURS.configuration}; --backbone: ${KIND_COLOURS.backbone}; --baseline: ${KIND_COLOURS.baseline}; }
* { box-sizing: border-box; }
body { margin: 0; background: #f6f7f9; color: var(--ink); font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1100px; margin: 0 auto; padding: 28px 24px 48px; background: white; min-height: 100vh; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 40px 0 8px; padding-top: 12px; border-top: 1px solid var(--line); }
h3 { font-size: 15px; margin: 24px 0 4px; }
p { margin: 8px 0; max-width: 80ch; }
.lede { color: var(--muted); font-size: 15px; margin-bottom: 20px; }
code { white-space: nowrap; font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: #f3f4f6; padding: 1px 4px; border-radius: 3px; }
.callout { border-left: 4px solid #93c5fd; background: #eff6ff; padding: 10px 14px; border-radius: 4px; }
.callout.warn { border-left-color: #f59e0b; background: #fffbeb; }
.notes { color: var(--muted); margin: 8px 0; padding-left: 20px; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; font-size: 13px; }
table.metrics { width: 100%; }
th, td { padding: 7px 8px; border-bottom: 1px solid var(--line); vertical-align: top; text-align: left; }
thead th { border-bottom: 2px solid #d1d5db; font-weight: 600; white-space: nowrap; }
th small { display: block; font-weight: 400; color: var(--muted); font-size: 11px; white-space: normal; }
th.num, td.num { text-align: right; }
td.num { white-space: nowrap; font-variant-numeric: tabular-nums; }
td .value { display: block; font-size: 14px; font-weight: 600; }
td .ci { display: block; color: var(--muted); font-size: 11.5px; }
.delta { display: block; color: var(--muted); font-size: 11.5px; margin-top: 3px; }
.delta .ci { display: block; font-weight: 400; }
.delta.better { color: var(--better); font-weight: 600; }
.delta.worse { color: var(--worse); font-weight: 600; }
p .delta { display: inline; font-size: inherit; }
td.entry { min-width: 240px; max-width: 320px; }
td.entry .label { font-weight: 600; }
td.entry .meta { color: var(--muted); font-size: 12px; margin-top: 2px; }
td.entry .note { color: var(--muted); font-size: 11.5px; margin-top: 2px; }
tr.row-configuration td.entry { border-left: 4px solid var(--configuration); }
tr.row-backbone td.entry { border-left: 4px solid var(--backbone); }
tr.row-baseline td.entry { border-left: 4px solid var(--baseline); }
.kind { display: inline-block; padding: 0 6px; border-radius: 9px; font-size: 11px; color: white; }
.kind-configuration { background: var(--configuration); }
.kind-backbone { background: var(--backbone); }
.kind-baseline { background: var(--baseline); }
.muted { color: #9ca3af; }
.how { color: var(--muted); font-size: 12.5px; }
.glossary { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; font-size: 12.5px; color: var(--muted); margin: 10px 0; }
.glossary dt { font-weight: 600; color: var(--ink); }
.glossary dd { margin: 0; }
figure.chart { margin: 16px 0; }
figure.chart svg { display: block; max-width: 100%; height: auto; }
figcaption { color: var(--muted); font-size: 12.5px; margin-top: 6px; max-width: 90ch; }
.empty { color: var(--muted); font-style: italic; }
.meta { color: var(--muted); }
table.params { margin-top: 8px; min-width: 320px; }
table.params caption { text-align: left; font-weight: 600; padding: 4px 0; }
footer { margin-top: 40px; color: var(--muted); font-size: 12px; }
`;

/** The whole report as one HTML document: inline CSS and SVG, no script, no external request. */
export async function renderReportHtml(report: EvalReport): Promise<string> {
  const { entries } = report;
  const confidence = report.bootstrap.confidence;
  const pct = `${Math.round(confidence * 100)} %`;
  const modelEntries = entries.filter((e) => e.kind !== 'baseline');
  const trained = trainedEntries(entries);

  const sections: string[] = [];
  sections.push(`<section id="summary"><h2>Summary</h2>\n${summary(report)}</section>`);
  sections.push(`<section id="metrics"><h2>Metrics on the test songs</h2>\n${metricsTable(report)}</section>`);

  sections.push(
    `<section id="metric-bars"><h2>1. Metrics with their intervals</h2>\n` +
      (entries.length > 0
        ? await figure(
            'metric-bars',
            metricBarsSpec(entries, confidence),
            `Bars: each entry’s estimate on the test songs; whiskers: its ${pct} bootstrap interval. ` +
              `Diamonds in the ±15 panel: the share the original study reported for the same configuration, on its own data (not these songs). Undefined values are left out.`,
          )
        : empty('No entries were evaluated.')) +
      `</section>`,
  );
  sections.push(
    `<section id="predicted-actual"><h2>2. Predicted against actual popularity</h2>\n` +
      (modelEntries.length > 0
        ? await figure(
            'predicted-actual',
            predictedActualSpec(modelEntries),
            'Each point is a test song. Dashed: a perfect prediction (y = x); shaded: within ±15 points of it, what the original study counted as a hit. A model that only predicts the mean draws a flat row of points.',
          )
        : empty('No configuration or backbone was evaluated.')) +
      `</section>`,
  );
  sections.push(
    `<section id="residuals"><h2>3. Residuals on the test songs</h2>\n` +
      (entries.length > 0
        ? await figure(
            'residuals',
            residualsSpec(entries),
            'Predicted − actual per test song (positive: predicted too popular). Boxes span the quartiles with the median marked, whiskers the full range; the shaded band is ±15 points.',
          )
        : empty('No entries were evaluated.')) +
      `</section>`,
  );
  sections.push(
    `<section id="learning-curves"><h2>4. Learning curves</h2>\n` +
      (trained.length > 0
        ? await figure(
            'learning-curves',
            learningCurvesSpec(trained),
            'Training and validation loss per epoch (mean squared error on popularity / 100; 0.01 is an RMSE of 10 points). The red mark is the best validation epoch, whose weights were kept (early stopping).',
          )
        : empty('No trained entry carries a training history.')) +
      `</section>`,
  );
  sections.push(`<section id="tuning"><h2>5. Hyperparameter tuning</h2>\n${await tuningSection(report)}</section>`);

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>hitcast — evaluation report</title>
<link rel="icon" href="data:,">
<style>${CSS}</style>
</head>
<body>
<main>
<header><h1>hitcast — evaluation report</h1>
<p class="lede">How well each model predicts a song’s Spotify popularity (0–100) on the held-out test songs. Colours mark the kind of entry throughout:
<span class="kind kind-configuration">configuration</span> the study’s four training set-ups, <span class="kind kind-backbone">pre-trained backbone</span> a pre-trained model on its own,
<span class="kind kind-baseline">baseline</span> no learning beyond a lookup.</p></header>
${sections.join('\n')}
<footer>Written by the hitcast evaluation stage. Self-contained: no scripts, no external requests.</footer>
</main>
</body>
</html>
`;
}
