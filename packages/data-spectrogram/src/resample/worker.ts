/**
 * Resampling worker: runs slices of a pass over images held in SharedArrayBuffers. Work is handed out
 * in chunks of row (or column) pairs through an atomic counter shared by all workers, so a worker slowed
 * down by other load simply takes fewer chunks; pairing is fixed ((0,1), (2,3), …), so the result does
 * not depend on who computed what.
 */
import { parentPort } from 'node:worker_threads';
import { resampleColumnsRange, resampleRowsRange, type RealArray } from './resample.ts';

export type ElementType = 'u8' | 'u16' | 'f32' | 'f64';

export interface PassMessage {
  id: number;
  axis: 1 | 0; // 1: rows (resample along axis 1), 0: columns
  src: SharedArrayBuffer;
  srcType: ElementType;
  rows: number;
  cols: number;
  newLen: number; // new column count (axis 1) or new row count (axis 0)
  dst: SharedArrayBuffer;
  counter: SharedArrayBuffer; // Int32 [next pair]
  pairs: number;
  chunk: number;
}

export type ReplyMessage = { id: number; ok: true; pairsDone: number } | { id: number; ok: false; error: string };

export function view(buf: SharedArrayBuffer, type: ElementType, length: number): RealArray {
  switch (type) {
    case 'u8':
      return new Uint8Array(buf, 0, length);
    case 'u16':
      return new Uint16Array(buf, 0, length);
    case 'f32':
      return new Float32Array(buf, 0, length);
    default:
      return new Float64Array(buf, 0, length);
  }
}

function runPass(m: PassMessage): number {
  const src = view(m.src, m.srcType, m.rows * m.cols);
  const outLen = m.axis === 1 ? m.rows * m.newLen : m.newLen * m.cols;
  const dst = new Float64Array(m.dst, 0, outLen);
  const counter = new Int32Array(m.counter);
  let done = 0;
  for (;;) {
    const start = Atomics.add(counter, 0, m.chunk);
    if (start >= m.pairs) break;
    const end = Math.min(start + m.chunk, m.pairs);
    if (m.axis === 1) resampleRowsRange(src, m.rows, m.cols, m.newLen, dst, start, end);
    else resampleColumnsRange(src, m.rows, m.cols, m.newLen, dst, start, end);
    done += end - start;
  }
  return done;
}

if (parentPort) {
  const port = parentPort;
  port.on('message', (m: PassMessage | { type: 'ping'; id: number }) => {
    if ('type' in m) {
      port.postMessage({ id: m.id, ok: true, pairsDone: 0 } satisfies ReplyMessage);
      return;
    }
    try {
      const pairsDone = runPass(m);
      port.postMessage({ id: m.id, ok: true, pairsDone } satisfies ReplyMessage);
    } catch (e) {
      port.postMessage({ id: m.id, ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) } satisfies ReplyMessage);
    }
  });
}
