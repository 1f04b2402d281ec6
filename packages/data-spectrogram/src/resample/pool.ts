/**
 * A persistent pool of worker threads for 2-D resampling. Images travel through SharedArrayBuffers that
 * the pool keeps (and grows) between calls; each pass (rows, then columns) is shared out in chunks of
 * row/column pairs through an atomic counter, and the pool's results are bit-identical to the
 * single-threaded functions (same pairing, same plans, same arithmetic).
 *
 *     const pool = new ResamplePool();          // threads default: os.availableParallelism()
 *     try {
 *       for (const png of files) out.push(await pool.downsampleSpectrogram(pixels, h, w));
 *     } finally {
 *       await pool.close();
 *     }
 *
 * Calls are queued and run one at a time (each one already uses every worker). Workers are unref'd while
 * idle, so a forgotten close() does not keep the process alive, but close() is still required to free
 * them deterministically.
 */
import os from 'node:os';
import type { Worker } from 'node:worker_threads';
import { startTypeScriptWorker } from '@hitcast/core/worker-pool';
import {
  checkSpectrogramArgs,
  DEFAULT_SPECTROGRAM_SIZE,
  toUint8,
  type PixelArray,
  type SpectrogramSize,
} from './spectrogram.ts';
import { ROW_LANES } from './resample.ts';
import type { ElementType, PassMessage, ReplyMessage } from './worker.ts';

export interface ResamplePoolOptions {
  /** Worker threads (default: os.availableParallelism()). */
  threads?: number;
  /** Row pairs per work grab in the row pass (default ROW_LANES: one full group of the batched chirp-z). */
  rowChunk?: number;
  /** Column pairs per work grab in the column pass (default 16). */
  columnChunk?: number;
}

interface Pending {
  resolve: (r: ReplyMessage) => void;
  reject: (e: Error) => void;
}

function elementType(a: PixelArray): ElementType {
  if (a instanceof Uint8Array) return 'u8';
  if (a instanceof Uint16Array) return 'u16';
  if (a instanceof Float32Array) return 'f32';
  if (a instanceof Float64Array) return 'f64';
  throw new TypeError('resample pool: pixels must be a Uint8Array, Uint16Array, Float32Array or Float64Array');
}

export class ResamplePool {
  readonly threads: number;
  private readonly workers: Worker[];
  private readonly pending = new Map<number, Pending>();
  private readonly rowChunk: number;
  private readonly columnChunk: number;
  private nextId = 1;
  private queue: Promise<unknown>;
  private closed = false;
  private failure: Error | null = null;
  private active = 0;
  private readonly counter = new SharedArrayBuffer(4);
  private input: SharedArrayBuffer | null = null;
  private mid: SharedArrayBuffer | null = null;
  private output: SharedArrayBuffer | null = null;

  constructor(options: ResamplePoolOptions = {}) {
    const threads = options.threads ?? os.availableParallelism();
    if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`resample pool: threads must be ≥ 1, got ${threads}`);
    this.threads = threads;
    this.rowChunk = Math.max(1, options.rowChunk ?? ROW_LANES);
    this.columnChunk = Math.max(1, options.columnChunk ?? 16);
    this.workers = [];
    for (let i = 0; i < threads; i++) {
      const w = startTypeScriptWorker(new URL('./worker.ts', import.meta.url));
      w.on('message', (r: ReplyMessage) => {
        const p = this.pending.get(r.id);
        if (!p) return;
        this.pending.delete(r.id);
        p.resolve(r);
      });
      w.on('error', (e) => this.fail(e instanceof Error ? e : new Error(String(e))));
      w.on('exit', (code) => {
        if (!this.closed) this.fail(new Error(`resample pool: a worker exited unexpectedly (code ${code})`));
      });
      this.workers.push(w);
    }
    // Startup (loading tsx and the TypeScript sources) is part of the first job's queue slot.
    this.queue = this.withWorkers(() => Promise.all(this.workers.map((w) => this.send(w, { type: 'ping' })))).catch(() => {});
  }

  /** Resolves once every worker has loaded (rejects if one failed to start). */
  async ready(): Promise<void> {
    await this.enqueue(async () => {});
  }

  /**
   * scipy `resample(image, newCols, axis=1)` then `resample(·, newRows, axis=0)` in float64; `image` is
   * rows × cols, row-major. Equal, bit for bit, to resampleColumns(resampleRows(…)).
   */
  async resample2d(image: PixelArray, rows: number, cols: number, newRows: number, newCols: number): Promise<Float64Array> {
    return this.enqueue(async () => (await this.run(image, rows, cols, newRows, newCols)).slice());
  }

  /** downsampleSpectrogram (spectrogram.ts) on the pool: same bytes, both passes shared by the workers. */
  async downsampleSpectrogram(
    pixels: PixelArray,
    height: number,
    width: number,
    size: SpectrogramSize = DEFAULT_SPECTROGRAM_SIZE,
  ): Promise<Uint8Array> {
    checkSpectrogramArgs(pixels, height, width, size);
    return this.enqueue(async () => toUint8(await this.run(pixels, height, width, size.height, size.width)));
  }

  /** Terminates the workers; pending and later calls reject. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const err = new Error('resample pool: closed');
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private fail(e: Error): void {
    if (this.failure) return;
    this.failure = e;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  private enqueue<T>(job: () => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      if (this.closed) throw new Error('resample pool: closed');
      if (this.failure) throw this.failure;
      return this.withWorkers(job);
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => {});
    return result;
  }

  /** Keeps the workers ref'd (the process alive) while a job is in flight. */
  private async withWorkers<T>(job: () => Promise<T>): Promise<T> {
    if (this.active++ === 0) for (const w of this.workers) w.ref();
    try {
      return await job();
    } finally {
      if (--this.active === 0 && !this.closed) for (const w of this.workers) w.unref();
    }
  }

  private send(w: Worker, msg: Omit<PassMessage, 'id'> | { type: 'ping' }): Promise<ReplyMessage> {
    return new Promise<ReplyMessage>((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      if (this.closed) return reject(new Error('resample pool: closed'));
      const id = this.nextId++;
      this.pending.set(id, { resolve, reject });
      w.postMessage({ ...msg, id });
    });
  }

  private shared(current: SharedArrayBuffer | null, bytes: number): SharedArrayBuffer {
    if (current && current.byteLength >= bytes) return current;
    return new SharedArrayBuffer(Math.max(bytes, 8));
  }

  /** Both passes; returns a view of the pool's output buffer (valid until the next job). */
  private async run(image: PixelArray, rows: number, cols: number, newRows: number, newCols: number): Promise<Float64Array> {
    for (const [name, v] of [
      ['rows', rows],
      ['cols', cols],
      ['newRows', newRows],
      ['newCols', newCols],
    ] as const) {
      if (!Number.isInteger(v) || v < 1) throw new RangeError(`resample pool: ${name} must be a positive integer, got ${v}`);
    }
    if (image.length !== rows * cols) throw new RangeError(`resample pool: ${image.length} values for ${rows}×${cols}`);
    const type = elementType(image);
    this.input = this.shared(this.input, image.byteLength);
    const Ctor = image.constructor as { new (b: SharedArrayBuffer, o: number, l: number): PixelArray };
    (new Ctor(this.input, 0, image.length) as PixelArray).set(image as never);
    // Identity lengths are plain copies (see resample.ts), so they skip their pass here.
    let src: SharedArrayBuffer = this.input;
    let srcType: ElementType = type;
    if (newCols !== cols) {
      this.mid = this.shared(this.mid, rows * newCols * 8);
      await this.pass({ axis: 1, src, srcType, rows, cols, newLen: newCols, dst: this.mid, pairs: Math.ceil(rows / 2), chunk: this.rowChunk });
      src = this.mid;
      srcType = 'f64';
    }
    if (newRows !== rows) {
      this.output = this.shared(this.output, newRows * newCols * 8);
      await this.pass({ axis: 0, src, srcType, rows, cols: newCols, newLen: newRows, dst: this.output, pairs: Math.ceil(newCols / 2), chunk: this.columnChunk });
      src = this.output;
      srcType = 'f64';
    }
    if (srcType === 'f64') return new Float64Array(src, 0, newRows * newCols);
    return Float64Array.from(image); // both lengths unchanged: the image itself, as float64
  }

  private async pass(m: Omit<PassMessage, 'id' | 'counter'>): Promise<void> {
    Atomics.store(new Int32Array(this.counter), 0, 0);
    const replies = await Promise.all(this.workers.map((w) => this.send(w, { ...m, counter: this.counter })));
    let done = 0;
    for (const r of replies) {
      if (!r.ok) throw new Error(`resample pool: worker failed: ${r.error}`);
      done += r.pairsDone;
    }
    if (done !== m.pairs) throw new Error(`resample pool: ${done} of ${m.pairs} pairs done`);
  }
}
