/**
 * Text widths for laying charts out in Node, where Vega has no canvas to measure with and guesses
 * 0.8 em per character (so long labels get cut and axes get too much room). Instead: the Arial/Helvetica
 * advance widths per character (1/1000 em, regular and bold), widened by 17 % so that the text still fits
 * where the browser draws it in a wider face (DejaVu Sans, the usual Linux fallback). Vega supports replacing
 * `textMetrics.width` this way; `withTextWidths` does it only for the duration of one render.
 */

// Advance widths of the printable ASCII characters, ' ' (32) to '~' (126).
const REGULAR = [
  278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584,
  584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611,
  278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500,
  500, 500, 334, 260, 334, 584,
];
const BOLD = [
  278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584,
  584, 611, 975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611,
  333, 278, 333, 584, 556, 333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611, 611, 611, 389, 556, 333, 611, 556, 778, 556,
  556, 500, 389, 280, 389, 584,
];
const OTHER: Record<string, number> = { '−': 584, '±': 584, '·': 278, '²': 333, 'ρ': 580, '…': 1000, '–': 556, '—': 1000, 'Δ': 668, '’': 222 };
const WIDER = 1.17;

function isBold(weight: unknown): boolean {
  return weight === 'bold' || weight === 'bolder' || (Number(weight) >= 600);
}

/** Width in pixels of `text` set in the chart font at `size` px. */
export function textWidth(text: string, size: number, bold = false): number {
  const table = bold ? BOLD : REGULAR;
  let units = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    units += code >= 32 && code <= 126 ? table[code - 32] : (OTHER[ch] ?? 600);
  }
  return (units / 1000) * size * WIDER;
}

/** `text` broken at spaces into lines of at most `maxWidth` px (for chart titles, which do not wrap by themselves). */
export function wrapText(text: string, maxWidth: number, size: number, bold = false): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const candidate = line ? `${line} ${word}` : word;
    if (line && textWidth(candidate, size, bold) > maxWidth) {
      lines.push(line);
      line = word;
    } else line = candidate;
  }
  if (line) lines.push(line);
  return lines.length > 0 ? lines : [''];
}

interface TextItem {
  fontSize?: number;
  fontWeight?: string | number;
  text?: unknown;
  limit?: number;
}

/** Vega's text measurer (vega-scenegraph's `textMetrics`, exported by vega but absent from its typings). */
export interface VegaTextMetrics {
  width: (item: TextItem, text?: unknown) => number;
}

/** Runs `render` with Vega measuring text by `textWidth`, then puts Vega's own measurer back. */
export async function withTextWidths<T>(metrics: VegaTextMetrics | undefined, render: () => Promise<T>): Promise<T> {
  if (!metrics || typeof metrics.width !== 'function') return render();
  const previous = metrics.width;
  metrics.width = (item: TextItem, text?: unknown) => {
    const size = item.fontSize != null ? Number(item.fontSize) || 0 : 11;
    const value = text == null ? '' : String(text).trim();
    const width = textWidth(value, size, isBold(item.fontWeight));
    return item.limit && item.limit > 0 ? Math.min(width, item.limit) : width;
  };
  try {
    return await render();
  } finally {
    metrics.width = previous;
  }
}
