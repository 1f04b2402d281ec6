/**
 * Chart 2: predicted against actual popularity on the test songs, one small panel per configuration and
 * backbone, with the y = x diagonal and the ±15-point band the original study counted as a hit.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { EvaluatedEntry } from '../types.ts';
import { finite, fixed, KIND_NAMES, kindScale, panelTitle, percent, type ChartSpec, smallMultiples } from './common.ts';

/** The ±15 band clipped to the 0–100 square, as an area's lower and upper edge. */
const BAND = [
  { x: 0, lo: 0, hi: 15 },
  { x: 15, lo: 0, hi: 30 },
  { x: 85, lo: 70, hi: 100 },
  { x: 100, lo: 85, hi: 100 },
];

const SIZE = 250;

export function predictedActualSpec(entries: EvaluatedEntry[], columns = 3): TopLevelSpec {
  const axis = { values: [0, 25, 50, 75, 100], grid: true };
  const scale = { domain: [0, 100], nice: false, clamp: true };
  const panels = entries.map((entry): ChartSpec => {
    const values = entry.predictions
      .filter((p) => p.split === 'test' && finite(p.predicted) && finite(p.actual))
      .map((p) => ({
        actual: p.actual,
        predicted: p.predicted,
        kind: KIND_NAMES[entry.kind],
        description: `song ${p.id}: actual ${fixed(p.actual, 0)}, predicted ${fixed(p.predicted, 1)}`,
      }));
    const m = entry.metrics;
    return {
      title: panelTitle(entry.label, `RMSE ${fixed(m.rmse?.value, 2)} · within ±15: ${percent(m.within15?.value)} · ${values.length} songs`, SIZE + 40),
      width: SIZE,
      height: SIZE,
      layer: [
        {
          data: { values: BAND },
          mark: { type: 'area', color: '#dbeafe', opacity: 0.6 },
          encoding: {
            x: { field: 'x', type: 'quantitative', scale, axis, title: 'actual popularity' },
            y: { field: 'lo', type: 'quantitative', scale, axis, title: 'predicted popularity' },
            y2: { field: 'hi' },
          },
        },
        {
          data: { values: [{ v: 0 }, { v: 100 }] },
          mark: { type: 'line', color: '#6b7280', strokeDash: [4, 3], strokeWidth: 1 },
          encoding: { x: { field: 'v', type: 'quantitative', scale }, y: { field: 'v', type: 'quantitative', scale } },
        },
        {
          data: { values },
          mark: { type: 'circle', size: 46, opacity: 0.85, stroke: 'white', strokeWidth: 0.8, aria: true },
          encoding: {
            x: { field: 'actual', type: 'quantitative', scale },
            y: { field: 'predicted', type: 'quantitative', scale },
            color: { field: 'kind', type: 'nominal', scale: kindScale, legend: { title: null } },
            description: { field: 'description', type: 'nominal' },
          },
        },
      ],
    } as ChartSpec;
  });
  return smallMultiples('Predicted against actual popularity on the test songs', panels, columns);
}
