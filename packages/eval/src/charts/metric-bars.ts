/**
 * Chart 1: every metric of every entry on the test songs, a bar per entry with its bootstrap interval,
 * one panel per metric sharing the entry axis; the ±15 panel marks the original study's figure.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { EvaluatedEntry, MetricName } from '../types.ts';
import { entryRows, finite, fixed, kindScale, LABEL_LIMIT, ORIGINAL_STUDY, type ChartSpec, type LayerPart } from './common.ts';

interface Panel {
  metric: MetricName;
  title: string;
  subtitle: string;
  axis: string;
  /** 100 for shares, drawn as percentages. */
  scale: number;
  format: string;
  /** A fixed axis (values outside are drawn at its edge). */
  domain?: [number, number];
}

/** Two rows: the errors and the study's own measure, then the two agreement measures. */
const ROWS: Panel[][] = [
  [
    { metric: 'rmse', title: 'RMSE', subtitle: 'points · lower is better', axis: 'popularity points', scale: 1, format: 'd' },
    { metric: 'mae', title: 'MAE', subtitle: 'points · lower is better', axis: 'popularity points', scale: 1, format: 'd' },
    { metric: 'within15', title: 'Within ±15 points', subtitle: 'share of songs · higher is better', axis: '% of test songs', scale: 100, format: 'd', domain: [0, 100] },
  ],
  [
    { metric: 'r2', title: 'R²', subtitle: 'higher is better · axis cut at −1', axis: 'R²', scale: 1, format: '.1f', domain: [-1, 1] },
    { metric: 'spearman', title: 'Spearman ρ', subtitle: 'higher is better', axis: 'ρ', scale: 1, format: '.1f', domain: [-1, 1] },
  ],
];

const PANEL_WIDTH = 200;

export function metricBarsSpec(entries: EvaluatedEntry[], confidence: number): TopLevelSpec {
  const rows = entryRows(entries);
  const labels = rows.map((r) => r.label);
  const height = Math.max(120, 24 * entries.length);
  const panel = (panel: Panel, index: number): ChartSpec => {
    const values = entries.flatMap((e, k) => {
      const m = e.metrics[panel.metric];
      if (!finite(m?.value)) return [];
      const low = finite(m.low) ? m.low * panel.scale : null;
      const high = finite(m.high) ? m.high * panel.scale : null;
      const unit = panel.scale === 100 ? ' %' : '';
      const range = low !== null && high !== null ? ` [${fixed(low, 2)}, ${fixed(high, 2)}]` : '';
      return [{ ...rows[k], value: m.value * panel.scale, low, high, description: `${e.label}: ${panel.title} ${fixed(m.value * panel.scale, 2)}${unit}${range}` }];
    });
    const originals =
      panel.metric === 'within15'
        ? entries.flatMap((e, k) => (finite(e.originalWithin15) ? [{ ...rows[k], value: e.originalWithin15 * 100, marker: ORIGINAL_STUDY }] : []))
        : [];
    const y = {
      field: 'label',
      type: 'nominal' as const,
      scale: { domain: labels },
      axis: index === 0 ? { title: null, labelFontSize: 12, labelLimit: LABEL_LIMIT } : null,
    };
    const xScale = panel.domain ? { domain: panel.domain, clamp: true, nice: false } : { zero: true };
    const layers: LayerPart[] = [
      {
        mark: { type: 'bar', height: { band: 0.7 }, opacity: 0.85, aria: true },
        encoding: {
          y,
          description: { field: 'description', type: 'nominal' },
          x: { field: 'value', type: 'quantitative', title: panel.axis, axis: { format: panel.format, tickCount: 5 }, scale: xScale },
          color: { field: 'kind', type: 'nominal', scale: kindScale, legend: { title: null } },
        },
      },
      {
        transform: [{ filter: 'datum.low !== null && datum.high !== null' }],
        mark: { type: 'errorbar', ticks: { size: 8 }, thickness: 1.4, color: '#111827' },
        encoding: { y, x: { field: 'low', type: 'quantitative', title: panel.axis }, x2: { field: 'high' } },
      },
    ];
    const undefinedRows = entries.flatMap((e, k) => (finite(e.metrics[panel.metric]?.value) ? [] : [{ ...rows[k], text: 'undefined' }]));
    if (undefinedRows.length > 0) {
      layers.push({
        data: { values: undefinedRows },
        mark: { type: 'text', align: 'left', dx: 4, fontStyle: 'italic', fontSize: 11, color: '#6b7280' },
        encoding: { y, x: { datum: panel.domain ? panel.domain[0] : 0, type: 'quantitative' }, text: { field: 'text' } },
      });
    }
    if (originals.length > 0) {
      layers.push({
        data: { values: originals },
        mark: { type: 'point', filled: true, size: 90, color: '#111827', stroke: 'white', strokeWidth: 1 },
        encoding: {
          y,
          x: { field: 'value', type: 'quantitative' },
          shape: { field: 'marker', type: 'nominal', scale: { domain: [ORIGINAL_STUDY], range: ['diamond'] }, legend: { title: null } },
        },
      });
    }
    return {
      title: { text: panel.title, subtitle: panel.subtitle },
      width: PANEL_WIDTH,
      height,
      data: { values },
      layer: layers,
    };
  };
  return {
    description: `Test-set metrics per entry with ${Math.round(confidence * 100)} % bootstrap intervals`,
    vconcat: ROWS.map((row) => ({ hconcat: row.map(panel), spacing: 18, resolve: { scale: { x: 'independent' } } })),
    spacing: 26,
    resolve: { scale: { x: 'independent' } },
  };
}
