import { createReadStream } from 'node:fs';
import { HitcastError } from '@hitcast/core/errors';

/** One CSV record with the 1-based line number where it starts (quoted newlines make records span lines). */
export interface CsvRecord {
  fields: string[];
  line: number;
}

/** A quoted field longer than this is taken as an unterminated quote rather than read to the end of the file. */
export const MAX_QUOTED_FIELD_CHARS = 1 << 20;

const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;

/**
 * Streams RFC 4180 CSV records from a UTF-8 file in chunks, so memory stays flat for any file size.
 * Handles quoted fields with commas, doubled quotes and newlines, CRLF or LF endings and a BOM.
 * Yields arrays of records (one per chunk) to keep per-record async overhead out of the hot loop.
 * The stage reads with the faster csv-byte-records.ts; this string reader stays the reference it is
 * tested against, and CsvChunkParser reads the rows the byte reader hands back as text.
 */
export async function* readCsvRecords(
  file: string,
  { chunkBytes = 1 << 20, onBytes }: { chunkBytes?: number; onBytes?: (bytes: number) => void } = {},
): AsyncGenerator<CsvRecord[]> {
  const decoder = new TextDecoder('utf-8');
  const parser = new CsvChunkParser(file);
  let first = true;
  for await (const chunk of createReadStream(file, { highWaterMark: chunkBytes })) {
    let text = decoder.decode(chunk as Buffer, { stream: true });
    if (first) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
    }
    onBytes?.((chunk as Buffer).length);
    const records = parser.push(text, false);
    if (records.length) yield records;
  }
  const records = parser.push(decoder.decode(), true);
  if (records.length) yield records;
}

/** Parses CSV text pushed in pieces; keeps the unfinished tail of one piece for the next. */
export class CsvChunkParser {
  private pending = '';
  private line = 1;

  constructor(private readonly file = '<csv>') {}

  push(text: string, final: boolean): CsvRecord[] {
    const buffer = this.pending + text;
    const records: CsvRecord[] = [];
    let pos = 0;
    while (pos < buffer.length) {
      const parsed = this.parseRecord(buffer, pos, final);
      if (!parsed) break;
      records.push({ fields: parsed.fields, line: this.line });
      this.line += parsed.lines;
      pos = parsed.end;
    }
    this.pending = buffer.slice(pos);
    if (final && this.pending.length) {
      throw new Error(`internal: CSV parser left ${this.pending.length} characters unparsed`);
    }
    return records;
  }

  /**
   * Parses one record starting at `start`. Returns null when the record may continue past the end of
   * `text` (wait for more input). `lines` counts the line breaks the record consumed.
   */
  private parseRecord(text: string, start: number, final: boolean): { fields: string[]; end: number; lines: number } | null {
    const n = text.length;
    const fields: string[] = [];
    let i = start;
    let lines = 0;
    for (;;) {
      // One field starts at i.
      if (i < n && text.charCodeAt(i) === QUOTE) {
        let value = '';
        let j = i + 1;
        for (;;) {
          const close = text.indexOf('"', j);
          if (close < 0 || (close + 1 >= n && !final)) {
            if (!final && n - start > MAX_QUOTED_FIELD_CHARS) this.unterminated(text, start, lines);
            if (!final) return null;
            if (close < 0) this.unterminated(text, start, lines);
          }
          if (text.charCodeAt(close + 1) === QUOTE) {
            value += text.slice(j, close + 1);
            j = close + 2;
            continue;
          }
          value += text.slice(j, close);
          i = close + 1;
          break;
        }
        lines += countLineBreaks(value);
        // Text after the closing quote and before the delimiter is kept as is (as pandas does).
        const tailStart = i;
        while (i < n) {
          const c = text.charCodeAt(i);
          if (c === COMMA || c === LF || c === CR) break;
          i++;
        }
        if (i > tailStart) value += text.slice(tailStart, i);
        fields.push(value);
      } else {
        const fieldStart = i;
        while (i < n) {
          const c = text.charCodeAt(i);
          if (c === COMMA || c === LF || c === CR) break;
          i++;
        }
        fields.push(text.slice(fieldStart, i));
      }
      if (i >= n) {
        if (!final) return null;
        return { fields, end: n, lines };
      }
      const c = text.charCodeAt(i);
      if (c === COMMA) {
        i++;
        continue;
      }
      // End of record: LF, CRLF or a lone CR.
      if (c === CR) {
        if (i + 1 >= n && !final) return null;
        i += text.charCodeAt(i + 1) === LF ? 2 : 1;
      } else {
        i++;
      }
      return { fields, end: i, lines: lines + 1 };
    }
  }

  private unterminated(text: string, start: number, lines: number): never {
    const preview = text.slice(start, start + 80).replace(/\r?\n/g, '\\n');
    throw new HitcastError(
      `${this.file}: line ${this.line + lines}: a quoted field opened in the record starting "${preview}" is never closed`,
      { fix: 'the file is truncated or has an unbalanced double quote; re-download it or fix that row' },
    );
  }
}

function countLineBreaks(value: string): number {
  let count = 0;
  for (let k = value.indexOf('\n'); k >= 0; k = value.indexOf('\n', k + 1)) count++;
  // Lone CRs (old Mac endings) count as breaks too.
  for (let k = value.indexOf('\r'); k >= 0; k = value.indexOf('\r', k + 1)) if (value.charCodeAt(k + 1) !== LF) count++;
  return count;
}
