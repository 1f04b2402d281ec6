/**
 * Chart 4: training and validation loss per epoch of every trained entry, the best epoch (the weights
 * that were kept) marked.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { EvaluatedEntry } from '../types.ts';
import { finite, panelTitle, type ChartSpec, type LayerPart, smallMultiples } from './common.ts';

const SERIES = { domain: ['train', 'validation'], range: ['#93c5fd', '#1e3a8a'] };

/** Entries that carry a history with at least one drawable epoch. */
export const trainedEntries = (entries: EvaluatedEntry[]) =>
  entries.filter((e) => (e.history ?? []).some((h) => finite(h.epoch) && (finite(h.trainLoss) || finite(h.validationLoss))));

export function learningCurvesSpec(entries: EvaluatedEntry[], columns = 3): TopLevelSpec {
  const panels = trainedEntries(entries).map((entry): ChartSpec => {
    const history = (entry.history ?? []).filter((h) => finite(h.epoch));
    const values = history.flatMap((h) => [
      ...(finite(h.trainLoss) ? [{ epoch: h.epoch, series: 'train', loss: h.trainLoss }] : []),
      ...(finite(h.validationLoss) ? [{ epoch: h.epoch, series: 'validation', loss: h.validationLoss }] : []),
    ]);
    const best = history.find((h) => h.epoch === entry.bestEpoch);
    const epochs = history.length;
    const first = Math.min(...history.map((h) => h.epoch));
    const last = Math.max(first + 1, ...history.map((h) => h.epoch));
    const labelLeft = finite(entry.bestEpoch) && entry.bestEpoch > first + 0.6 * (last - first);
    const facts = [finite(entry.bestEpoch) ? `best epoch ${entry.bestEpoch} of ${epochs}` : `${epochs} epochs`, entry.backend ? `backend ${entry.backend}` : ''];
    const layers: LayerPart[] = [
      {
        data: { values },
        mark: { type: 'line', point: { size: 16 }, strokeWidth: 1.8 },
        encoding: {
          x: { field: 'epoch', type: 'quantitative', title: 'epoch', axis: { tickMinStep: 1, format: 'd' }, scale: { domain: [first, last], nice: false } },
          y: { field: 'loss', type: 'quantitative', title: 'loss (MSE on popularity / 100)', scale: { zero: false }, axis: { format: '.3f', tickCount: 5 } },
          color: { field: 'series', type: 'nominal', scale: SERIES, legend: { title: null } },
        },
      },
    ];
    if (best && finite(best.validationLoss)) {
      layers.push(
        {
          data: { values: [{ epoch: best.epoch }] },
          mark: { type: 'rule', color: '#dc2626', strokeDash: [3, 3] },
          encoding: { x: { field: 'epoch', type: 'quantitative' } },
        },
        {
          data: { values: [{ epoch: best.epoch, loss: best.validationLoss }] },
          mark: { type: 'point', shape: 'circle', size: 110, color: '#dc2626', strokeWidth: 2 },
          encoding: { x: { field: 'epoch', type: 'quantitative' }, y: { field: 'loss', type: 'quantitative' } },
        },
        {
          data: { values: [{ epoch: best.epoch, text: `best epoch ${best.epoch}` }] },
          mark: { type: 'text', align: labelLeft ? 'right' : 'left', dx: labelLeft ? -4 : 4, baseline: 'top', color: '#b91c1c', fontSize: 11, fontWeight: 600 },
          encoding: { x: { field: 'epoch', type: 'quantitative' }, y: { value: 3 }, text: { field: 'text' } },
        },
      );
    }
    return {
      title: panelTitle(entry.label, facts.filter(Boolean).join(' · '), 290),
      width: 250,
      height: 170,
      layer: layers,
    } as ChartSpec;
  });
  return smallMultiples('Training and validation loss per epoch', panels, columns, { resolve: { scale: { y: 'independent', x: 'independent' } } });
}
