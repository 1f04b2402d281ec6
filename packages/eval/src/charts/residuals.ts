/**
 * Chart 3: residuals (predicted − actual) of every entry on the test songs: a box per entry (min to max
 * whiskers) with each song as a point, the ±15 band shaded and zero marked.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { EvaluatedEntry } from '../types.ts';
import { entryRows, finite, fixed, kindScale, LABEL_LIMIT } from './common.ts';

/** A fixed spread in [−1, 1] per song and entry, so points that coincide stay visible and the page is reproducible. */
function jitter(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return ((h >>> 0) / 4294967295) * 2 - 1;
}

export function residualsSpec(entries: EvaluatedEntry[]): TopLevelSpec {
  const rows = entryRows(entries);
  const values = entries.flatMap((entry, k) =>
    entry.predictions
      .filter((p) => p.split === 'test' && finite(p.predicted) && finite(p.actual))
      .map((p) => ({
        ...rows[k],
        residual: p.predicted - p.actual,
        jitter: jitter(`${entry.name}\u0000${p.id}`),
        description: `${entry.label}, song ${p.id}: predicted ${fixed(p.predicted, 1)} − actual ${fixed(p.actual, 0)} = ${fixed(p.predicted - p.actual, 1, true)}`,
      })),
  );
  const reach = Math.max(30, ...values.map((v) => Math.abs(v.residual)));
  const limit = Math.ceil(reach / 10) * 10;
  const y = { field: 'label', type: 'nominal' as const, scale: { domain: rows.map((r) => r.label), paddingInner: 0.25 }, axis: { title: null, labelFontSize: 12, labelLimit: LABEL_LIMIT } };
  const x = {
    field: 'residual',
    type: 'quantitative' as const,
    scale: { domain: [-limit, limit] },
    title: 'predicted − actual (popularity points)',
  };
  return {
    description: 'Residuals on the test songs per entry',
    width: 640,
    height: Math.max(140, 34 * entries.length),
    // The boxes and the points each colour by kind; only the points (opaque) make the legend.
    resolve: { scale: { color: 'independent' } },
    layer: [
      {
        data: { values: [{}] },
        mark: { type: 'rect', color: '#dbeafe', opacity: 0.6 },
        encoding: { x: { datum: -15, type: 'quantitative', scale: x.scale }, x2: { datum: 15 } },
      },
      {
        data: { values: [{}] },
        mark: { type: 'rule', color: '#6b7280', strokeDash: [4, 3] },
        encoding: { x: { datum: 0, type: 'quantitative', scale: x.scale } },
      },
      {
        data: { values },
        mark: { type: 'boxplot', extent: 'min-max', size: 18, opacity: 0.25, median: { color: '#111827' }, rule: { color: '#6b7280' }, ticks: false, outliers: false },
        encoding: { y, x, color: { field: 'kind', type: 'nominal', scale: kindScale, legend: null } },
      },
      {
        data: { values },
        mark: { type: 'circle', size: 30, opacity: 0.85, stroke: 'white', strokeWidth: 0.6, aria: true },
        encoding: {
          y,
          x,
          yOffset: { field: 'jitter', type: 'quantitative', scale: { domain: [-1.6, 1.6] } },
          color: { field: 'kind', type: 'nominal', scale: kindScale, legend: { title: null } },
          description: { field: 'description', type: 'nominal' },
        },
      },
    ],
  } as TopLevelSpec;
}
