import { beforeAll, describe, expect, it } from 'vitest';
import { renderReportHtml } from '../src/report-html.ts';
import type { EvalReport } from '../src/types.ts';
import { buildFixtureReport, HOSTILE_LABEL, HOSTILE_NOTE, HOSTILE_SONG_ID } from './fixtures/report.ts';

const SECTIONS = ['summary', 'metrics', 'metric-bars', 'predicted-actual', 'residuals', 'learning-curves', 'tuning'];
const CHARTS = ['metric-bars', 'predicted-actual', 'residuals', 'learning-curves', 'tuning-1', 'tuning-1-parameters'];

/** The HTML of one <section id="…">. */
function section(html: string, id: string): string {
  const start = html.indexOf(`<section id="${id}">`);
  expect(start, `section ${id}`).toBeGreaterThanOrEqual(0);
  return html.slice(start, html.indexOf('</section>', start));
}

/** The inline SVG of one chart. */
function chart(html: string, key: string): string {
  const start = html.indexOf(`<svg data-chart="${key}"`);
  expect(start, `chart ${key}`).toBeGreaterThanOrEqual(0);
  return html.slice(start, html.indexOf('</svg>', start) + 6);
}

/**
 * Drawn items per kind of data mark (Vega groups a mark's items in <g class="mark-KIND role-mark …">, an
 * empty mark as a self-closing <g/>); `described` counts only items with a hover title (bars, points).
 */
function marks(svg: string, described = false): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const m of svg.matchAll(/<g class="mark-(\w+) role-mark[^"]*"[^>]*?(\/?)>/g)) {
    const body = m[2] ? '' : svg.slice(m.index! + m[0].length, svg.indexOf('</g>', m.index!));
    const items = body.match(described ? /<title>/g : /<(path|line|rect|circle|text)\b/g)?.length ?? 0;
    counts[m[1]] = (counts[m[1]] ?? 0) + items;
  }
  return counts;
}

describe('report.html', () => {
  const plainReport = buildFixtureReport();
  const tunedReport = buildFixtureReport({ tuning: true });
  let plain: string;
  let tuned: string;
  let hostile: string;

  beforeAll(async () => {
    plain = await renderReportHtml(plainReport);
    tuned = await renderReportHtml(tunedReport);
    hostile = await renderReportHtml(buildFixtureReport({ tuning: true, hostile: true }));
  });

  it('is one self-contained document: inline CSS and SVG, no script, no external reference', () => {
    for (const html of [plain, tuned, hostile]) {
      expect(html.startsWith('<!doctype html>')).toBe(true);
      expect(html).toMatch(/<style>[\s\S]+<\/style>/);
      expect(html).not.toMatch(/<script/i);
      expect(html).not.toMatch(/\b(src|href|xlink:href)\s*=\s*["']?\s*(https?:|\/\/)/i);
      expect(html).not.toMatch(/https?:\/\//i);
      expect(html).not.toMatch(/url\(\s*["']?(https?:|\/\/)/i);
      expect(html).not.toMatch(/@import|@font-face|<img\b|<iframe\b|<link rel="stylesheet"/i);
      // The only <link> is the empty icon, so that a browser asks for no favicon.
      expect(html.match(/<link [^>]*>/g)).toEqual(['<link rel="icon" href="data:,">']);
    }
  });

  it('escapes every string that comes from the data', () => {
    expect(hostile).not.toContain(HOSTILE_LABEL);
    expect(hostile).not.toContain(HOSTILE_NOTE);
    expect(hostile).not.toContain(HOSTILE_SONG_ID);
    expect(hostile).not.toMatch(/<script>window|<img src=x|<svg onload|<b>"fast"/);
    expect(hostile).toContain('release year only &lt;script&gt;window.__hitcastInjected = 1&lt;/script&gt;');
    expect(hostile).toContain('smoothed &quot;by year&quot; &amp; &lt;img src=x onerror=&quot;window.__hitcastInjected = 2&quot;&gt;');
    expect(hostile).toContain('cnn-only &lt;lr &amp; dropout&gt;');
    // The song id reaches the scatter's hover titles, escaped by the SVG writer.
    expect(hostile).toContain('song &quot;&gt;&lt;svg onload=window.__hitcastInjected=3&gt;');
  });

  it('puts the summary, the table and the five chart sections in order', () => {
    const at = SECTIONS.map((id) => tuned.indexOf(`<section id="${id}">`));
    expect(at.every((i) => i > 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
  });

  it('draws marks in every chart: bars, a point per test song and model, a line per curve, a point per trial', () => {
    for (const key of CHARTS) expect(tuned).toContain(`<svg data-chart="${key}"`);
    const entries = tunedReport.entries.length;
    const models = tunedReport.entries.filter((e) => e.kind !== 'baseline').length;
    const test = tunedReport.songs.test;

    const bars = marks(chart(tuned, 'metric-bars'));
    // Five panels of bars, less the one undefined ρ (predict-the-mean), each with an error bar (a rule and
    // two end ticks); diamonds for the original study's figures.
    expect(marks(chart(tuned, 'metric-bars'), true).rect).toBe(5 * entries - 1);
    expect(bars.rule).toBe(5 * entries - 1);
    expect(bars.symbol).toBe(tunedReport.entries.filter((e) => e.originalWithin15 !== undefined).length);

    const scatter = marks(chart(tuned, 'predicted-actual'));
    expect(scatter.symbol).toBe(models * test);
    expect(scatter.area).toBe(models);

    expect(marks(chart(tuned, 'residuals')).symbol).toBe(entries * test);

    const curves = marks(chart(tuned, 'learning-curves'));
    const trained = tunedReport.entries.filter((e) => e.history).length;
    expect(curves.line).toBe(2 * trained);
    expect(curves.rule).toBe(trained);

    const study = tunedReport.tuning[0];
    const trials = marks(chart(tuned, 'tuning-1'));
    expect(trials.symbol).toBeGreaterThanOrEqual(study.trials.length);
    expect(trials.line).toBe(1);
    // Each parameter against the objective: one point per parameter for every trial with a value.
    const withValue = study.trials.filter((t) => t.state !== 'failed' && Number.isFinite(t.value ?? t.intermediate?.at(-1)?.value ?? NaN));
    const parameters = Object.keys(study.trials[0].params).length;
    expect(marks(chart(tuned, 'tuning-1-parameters')).symbol).toBe(withValue.length * parameters);
  });

  it('summarises the test set plainly when it is small, with the bootstrap settings and the notes', () => {
    const summary = section(plain, 'summary');
    expect(summary).toContain('<strong>12 test songs</strong>');
    expect(summary).toContain('Only 12 test songs.');
    expect(summary).toContain('within noise');
    expect(summary).toContain('interval of its difference from predict-the-mean excludes 0');
    expect(summary).toContain('95 % bootstrap intervals over 400 resamples');
    expect(summary).toContain('(seed 7)');
    for (const note of plainReport.notes) expect(summary).toContain(note.replace(/'/g, '&#39;'));
  });

  it('tabulates every entry with its intervals, its difference from predict-the-mean and the original figure', () => {
    const table = section(plain, 'metrics');
    for (const e of plainReport.entries) {
      expect(table).toContain(e.label);
      expect(table).toContain(`<code>${e.source}</code>`);
    }
    const fusion = plainReport.entries.find((e) => e.name === 'fusion-pretrained')!;
    const m = fusion.metrics;
    const minus = (text: string) => text.replace('-', '\u2212');
    expect(table).toContain(`<span class="value">${m.rmse.value.toFixed(2)}</span><span class="ci">[${m.rmse.low.toFixed(2)}, ${m.rmse.high.toFixed(2)}]</span>`);
    expect(table).toContain(`<span class="value">${m.mae.value.toFixed(2)}</span>`);
    expect(table).toContain(`<span class="value">${minus(m.r2.value.toFixed(3))}</span>`);
    expect(table).toContain(`<span class="value">${minus(m.spearman.value.toFixed(3))}</span>`);
    expect(table).toContain(`<span class="value">${(m.within15.value * 100).toFixed(1)} %</span>`);
    expect(table).toContain(`Δ ${minus(fusion.versusMean.rmse.value.toFixed(2))}`);
    expect(table).toContain(`<span class="value">${(fusion.originalWithin15! * 100).toFixed(1)} %</span>`);
    expect(table).toContain('original study, on its own data');
    expect(table).toContain('reference');
  });

  it('shows undefined values as — and never prints NaN', () => {
    for (const html of [plain, tuned]) expect(html).not.toMatch(/NaN|undefined%|Infinity/);
    const meanRow = section(plain, 'metrics').split('<tr').find((row) => row.includes('predict the mean'))!;
    expect(meanRow).toContain('<span class="value">—</span>');
  });

  it('survives JSON (NaN becomes null) and entries with nothing to draw', async () => {
    const report: EvalReport = JSON.parse(JSON.stringify(buildFixtureReport({ tuning: true })));
    const broken = report.entries[0];
    for (const m of Object.values(broken.metrics)) Object.assign(m, { value: NaN, low: NaN, high: NaN });
    broken.predictions = broken.predictions.map((p) => ({ ...p, predicted: NaN }));
    broken.history = broken.history!.map((h) => ({ ...h, validationLoss: NaN }));
    report.tuning[0].trials.push({ number: 20, state: 'running', params: {} });
    const html = await renderReportHtml(report);
    expect(html).not.toMatch(/NaN|Infinity/);
    expect(marks(chart(html, 'predicted-actual')).symbol).toBe(5 * report.songs.test);
    expect(marks(chart(html, 'residuals')).symbol).toBe((report.entries.length - 1) * report.songs.test);
    expect(section(html, 'tuning')).toContain('1 running');
  });

  it('says how to run a tuning study while there is none, and shows the best trial when there is', () => {
    const none = section(plain, 'tuning');
    expect(none).toContain('No tuning study has been run yet');
    expect(none).toContain('npx hitcast tune');
    expect(none).not.toContain('<svg');

    const some = section(tuned, 'tuning');
    const study = tunedReport.tuning[0];
    const best = study.trials.find((t) => t.number === study.bestTrial)!;
    expect(some).toContain('20 trials · 14 complete · 5 pruned · 1 failed');
    expect(some).toContain(`Parameters of the best trial (${best.number})`);
    for (const name of Object.keys(best.params)) expect(some).toContain(`<code>${name}</code>`);
  });

  it('renders a report with no entries at all', async () => {
    const html = await renderReportHtml({ ...plainReport, entries: [], notes: [] });
    expect(html).toContain('No entries were evaluated.');
    expect(html).not.toContain('<svg');
  });
});
