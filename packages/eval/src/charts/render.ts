/**
 * Vega-Lite spec → inline SVG, rendered in Node (no browser, no scripts in the page). Several charts share
 * one HTML document, so the ids Vega gives clip paths and gradients are made unique per chart.
 */
import type { TopLevelSpec } from 'vega-lite';
import { THEME } from './common.ts';
import { withTextWidths, type VegaTextMetrics } from './text-width.ts';

let libraries: Promise<[typeof import('vega'), typeof import('vega-lite')]> | undefined;
const load = () => (libraries ??= Promise.all([import('vega'), import('vega-lite')]));

// One render at a time: each swaps Vega's text measurer in and out (text-width.ts).
let queue: Promise<unknown> = Promise.resolve();

/** A chart as an <svg> element for inlining in HTML; `key` names it (and prefixes its ids). */
export function renderSvg(spec: TopLevelSpec, key: string): Promise<string> {
  const run = queue.then(() => render(spec, key));
  queue = run.catch(() => undefined);
  return run;
}

async function render(spec: TopLevelSpec, key: string): Promise<string> {
  const [vega, vegaLite] = await load();
  const themed = { ...spec, config: { ...THEME, ...spec.config } } as TopLevelSpec;
  const view = new vega.View(vega.parse(vegaLite.compile(themed).spec), { renderer: 'none' });
  try {
    const svg = await withTextWidths((vega as { textMetrics?: VegaTextMetrics }).textMetrics, () => view.toSVG());
    return inlineable(svg, key);
  } finally {
    view.finalize();
  }
}

/**
 * Vega's SVG as an HTML-inlined element: namespace declarations dropped (HTML needs none), ids prefixed
 * with the chart's key, and each described mark given a <title> so that hovering a point names it.
 */
function inlineable(svg: string, key: string): string {
  const prefix = key.replace(/[^a-z0-9-]/gi, '-');
  const ids = new Set(Array.from(svg.matchAll(/\bid="([^"]+)"/g), (m) => m[1]));
  let out = svg.replace(/ xmlns(:xlink)?="[^"]*"/g, '');
  for (const id of ids) {
    const escaped = id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    out = out.replace(new RegExp(`(\\bid="|url\\(#|href="#)${escaped}(?=[")])`, 'g'), `$1${prefix}-${id}`);
  }
  out = out.replace(/<path([^>]*?) aria-label="([^"]*)"([^>]*?)\/>/g, '<path$1 aria-label="$2"$3><title>$2</title></path>');
  return out.replace(/^<svg /, `<svg data-chart="${prefix}" `);
}
