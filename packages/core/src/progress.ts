/**
 * Progress for long work, on stderr so stdout stays clean for results.
 * On a terminal it redraws one line; elsewhere (CI, Nx logs) it prints a line every few seconds.
 */
export interface ProgressOptions {
  label: string;
  /** Expected total in `unit`s, when known (enables a percentage). */
  total?: number;
  unit?: string;
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Minimum milliseconds between two updates. */
  intervalMs?: number;
  /** Set false to silence (tests, nested work). */
  enabled?: boolean;
}

export class Progress {
  private done = 0;
  private readonly started = Date.now();
  private lastPrinted = 0;
  private readonly stream: NodeJS.WritableStream & { isTTY?: boolean };
  private readonly interactive: boolean;
  private readonly intervalMs: number;

  constructor(private readonly options: ProgressOptions) {
    this.stream = options.stream ?? process.stderr;
    this.interactive = Boolean(this.stream.isTTY);
    this.intervalMs = options.intervalMs ?? (this.interactive ? 200 : 5000);
  }

  get count(): number {
    return this.done;
  }

  /** Adds `n` finished units and redraws when the interval has passed. */
  tick(n = 1, detail?: string): void {
    this.done += n;
    const now = Date.now();
    if (now - this.lastPrinted >= this.intervalMs) {
      this.lastPrinted = now;
      this.print(detail, false);
    }
  }

  /** Final line; call once at the end. */
  finish(detail?: string): void {
    this.print(detail, true);
  }

  private print(detail: string | undefined, final: boolean): void {
    if (this.options.enabled === false) return;
    const seconds = (Date.now() - this.started) / 1000;
    const unit = this.options.unit ?? 'items';
    const rate = seconds > 0 ? this.done / seconds : 0;
    const total = this.options.total;
    const share = total ? ` (${((100 * this.done) / total).toFixed(1)}%)` : '';
    const counted = total ? `${formatCount(this.done)}/${formatCount(total)}` : formatCount(this.done);
    const line = `${this.options.label}: ${counted} ${unit}${share}, ${formatCount(rate)} ${unit}/s, ${seconds.toFixed(1)} s${detail ? `, ${detail}` : ''}`;
    if (this.interactive) this.stream.write(`\r\x1b[K${line}${final ? '\n' : ''}`);
    else this.stream.write(`${line}\n`);
  }
}

export function formatCount(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}
