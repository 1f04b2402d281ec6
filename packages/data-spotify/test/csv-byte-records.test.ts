import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCsvByteRecords, unfinishedUtf8Tail } from '../src/csv-byte-records.ts';
import { readCsvRecords } from '../src/csv-records.ts';

function tempCsv(content: string | Buffer): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'hitcast-csv-bytes-')), 'in.csv');
  writeFileSync(file, content);
  return file;
}

type Read = { records: { fields: string[]; line: number }[] } | { error: string };

async function byStrings(file: string, chunkBytes: number): Promise<Read> {
  const records: { fields: string[]; line: number }[] = [];
  try {
    for await (const chunk of readCsvRecords(file, { chunkBytes })) records.push(...chunk.map((r) => ({ fields: r.fields, line: r.line })));
  } catch (error) {
    return { error: (error as Error).message };
  }
  return { records };
}

async function byBytes(file: string, chunkBytes: number): Promise<Read> {
  const records: { fields: string[]; line: number }[] = [];
  try {
    for await (const reader of readCsvByteRecords(file, { chunkBytes })) {
      const r = reader.record;
      while (reader.next()) {
        const fields = r.validUtf8
          ? Array.from({ length: r.fieldCount }, (_, k) => r.bufferOf(k).toString('utf8', r.starts[k], r.ends[k]))
          : r.fieldStrings();
        records.push({ fields, line: r.line });
      }
    }
  } catch (error) {
    return { error: (error as Error).message };
  }
  return { records };
}

/** A deterministic stream of pseudo-random numbers in [0, 1). */
function random(seed: number): () => number {
  let state = seed;
  return () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32);
}

const PIECES: (string | number[])[] = [
  'a', 'bc', '12.5', ',', ',', '"', '"', '""', '\n', '\r\n', '\r', ' ', "['x', 'y']", 'é', '☂', '🎵', '\ufeff',
  [0x80], [0xe2, 0x82], [0xc3], [0xff], [0xef, 0xbb, 0xbf],
];

function randomCsv(next: () => number): Buffer {
  const parts: Buffer[] = [];
  if (next() < 0.3) parts.push(Buffer.from([0xef, 0xbb, 0xbf]));
  if (next() < 0.1) parts.push(Buffer.from([0xef, 0xbb, 0xbf]));
  const count = Math.floor(next() * 60);
  for (let k = 0; k < count; k++) {
    const piece = PIECES[Math.floor(next() * PIECES.length)];
    parts.push(typeof piece === 'string' ? Buffer.from(piece, 'utf8') : Buffer.from(piece));
  }
  return Buffer.concat(parts);
}

describe('readCsvByteRecords', () => {
  it('gives the records, lines and errors of the string reader on random bytes, at any chunk size', async () => {
    const next = random(586_672);
    for (let k = 0; k < 150; k++) {
      const content = randomCsv(next);
      const file = tempCsv(content);
      const expected = await byStrings(file, 1 << 20);
      for (const chunkBytes of [1, 2, 3, 4, 5, 6, 7, 11, 1 << 20]) {
        // The string reader's own result depends on the chunk size only through the BOM rule; compare like with like.
        const reference = chunkBytes < 6 ? await byStrings(file, chunkBytes) : expected;
        expect(await byBytes(file, chunkBytes), `${JSON.stringify(content.toString('latin1'))} in ${chunkBytes}-byte chunks`).toEqual(reference);
      }
    }
  });

  it('gives up on a quoted field over 2^20 characters as the string reader does, counting characters, not bytes', async () => {
    // Short summaries: a failing comparison of megabyte fields would flood the log.
    const summary = (read: Read) => ('error' in read ? read.error : read.records.map((r) => `${r.line}:${r.fields.map((f) => f.length).join('/')}`).join(' '));
    const ascii = tempCsv(`id,name\n1,"${'a'.repeat(2_500_000)}"\n2,b\n`);
    const wide = tempCsv(`id,name\n1,"${'é'.repeat(900_000)}"\n2,b\n`); // 1.8 MB but 900,000 characters: read on
    for (const file of [ascii, wide]) {
      expect(summary(await byBytes(file, 1 << 20))).toBe(summary(await byStrings(file, 1 << 20)));
    }
    expect(summary(await byBytes(ascii, 1 << 20))).toMatch(/line 2: a quoted field opened in the record starting "1,"a{77}" is never closed/);
    expect(summary(await byBytes(wide, 1 << 20))).toBe('1:2/4 2:1/900000 3:1/1');
  });
});

describe('unfinishedUtf8Tail', () => {
  it('holds back exactly the bytes a streaming TextDecoder holds back', () => {
    const next = random(42);
    const interesting = [0x41, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc2, 0xdf, 0xe0, 0xe2, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff];
    for (let k = 0; k < 20_000; k++) {
      const bytes = Uint8Array.from({ length: 1 + Math.floor(next() * 5) }, () => interesting[Math.floor(next() * interesting.length)]);
      const streamed = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes, { stream: true });
      const tail = unfinishedUtf8Tail(bytes, bytes.length);
      const whole = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes.subarray(0, bytes.length - tail));
      expect(whole, Buffer.from(bytes).toString('hex')).toBe(streamed);
    }
  });
});
