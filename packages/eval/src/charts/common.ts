/**
 * What every chart of report.html shares: the colour of each entry kind, the number formats, the look
 * (fonts the reader's system already has, so the page never fetches one) and a test for usable numbers.
 */
import type { Config } from 'vega-lite';
import type { Field } from 'vega-lite/types_unstable/channeldef.js';
import type { LayerSpec, NonNormalizedSpec } from 'vega-lite/types_unstable/spec/index.js';
import type { EntryKind, EvaluatedEntry } from '../types.ts';
import { wrapText } from './text-width.ts';

/** A chart inside a concatenation, and one layer of a layered chart. */
export type ChartSpec = NonNormalizedSpec;
export type LayerPart = LayerSpec<Field>['layer'][number];

/** One hue per kind of entry, the same in every chart and in the tables. */
export const KIND_COLOURS: Record<EntryKind, string> = {
  configuration: '#2563eb',
  backbone: '#d97706',
  baseline: '#6b7280',
};

export const KIND_NAMES: Record<EntryKind, string> = {
  configuration: 'configuration',
  backbone: 'pre-trained backbone',
  baseline: 'baseline',
};

/** The kind legend of every chart that colours by kind: its scale, in a fixed order. */
export const kindScale = {
  domain: Object.values(KIND_NAMES),
  range: Object.values(KIND_COLOURS),
};

/** The original study's marker in every chart that shows it. */
export const ORIGINAL_STUDY = 'original study, on its own data';

/** Arial's metrics are what the layout measures with (text-width.ts); Liberation Sans shares them. */
export const FONT = 'Arial, "Liberation Sans", Helvetica, sans-serif';

/** A number that can be drawn or printed (NaN, ±Infinity, null and undefined cannot: JSON turns NaN into null). */
export const finite = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

const MINUS = '\u2212';

/** Fixed decimals with a true minus sign; '—' where the number is missing. */
export function fixed(value: number | undefined, decimals: number, signed = false): string {
  if (!finite(value)) return '—';
  const text = Math.abs(value).toFixed(decimals);
  const zero = Number(text) === 0;
  if (value < 0 && !zero) return MINUS + text;
  return signed && !zero ? `+${text}` : text;
}

/** A share (0–1) as a percentage with one decimal. */
export const percent = (share: number | undefined, signed = false): string =>
  finite(share) ? `${fixed(share * 100, 1, signed)} %` : '—';

/** Decimals per metric: points for the errors, three places for R² and ρ. */
export const METRIC_DECIMALS = { rmse: 2, mae: 2, r2: 3, spearman: 3 } as const;

/** Entries in report order with their display kind, for the charts' data tables. */
export const entryRows = (entries: EvaluatedEntry[]) => entries.map((e, order) => ({ order, name: e.name, label: e.label, kind: KIND_NAMES[e.kind] }));

/** Wider than the default so that the study's long configuration names stay whole. */
export const LABEL_LIMIT = 360;

/** A small multiple's title: the entry's label on as many lines as it needs, and a line of facts. */
export function panelTitle(label: string, subtitle: string, width: number) {
  return { text: wrapText(label, width, 13, true), subtitle, limit: width + 60 };
}

export const THEME: Config = {
  font: FONT,
  background: 'white',
  padding: 4,
  view: { stroke: '#d1d5db' },
  axis: {
    labelFontSize: 11,
    titleFontSize: 12,
    titleFontWeight: 500,
    titleColor: '#374151',
    labelColor: '#374151',
    gridColor: '#eef0f3',
    domainColor: '#9ca3af',
    tickColor: '#9ca3af',
    labelLimit: LABEL_LIMIT,
  },
  legend: { labelFontSize: 12, titleFontSize: 12, titleFontWeight: 500, orient: 'top', labelLimit: LABEL_LIMIT },
  title: { fontSize: 13, fontWeight: 600, anchor: 'start', color: '#111827', subtitleColor: '#4b5563', subtitleFontSize: 11 },
  header: { labelFontSize: 12, titleFontSize: 12 },
  concat: { spacing: 24 },
  // Only marks that carry their own description (a song, a bar) are described to screen readers and hover.
  mark: { aria: false },
};

/** Panels laid out in a grid of `columns`, with the report's spacing (one panel per model). */
export function smallMultiples(description: string, panels: ChartSpec[], columns: number, extra: Record<string, unknown> = {}) {
  return { description, concat: panels, columns, spacing: { row: 28, column: 36 }, ...extra };
}
