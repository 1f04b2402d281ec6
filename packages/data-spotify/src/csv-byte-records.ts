import { createReadStream } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { HitcastError } from '@hitcast/core/errors';
import { CsvChunkParser, MAX_QUOTED_FIELD_CHARS } from './csv-records.ts';

const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;

/**
 * The record the reader stands on: field k is `bufferOf(k)[starts[k], ends[k])`, unquoted already.
 * Quoted fields point into the file bytes; only those with doubled quotes or text after the closing
 * quote are copied, unescaped, to `unescaped`. Valid until the next `next()`.
 */
export class CsvByteRecord {
  bytes: Buffer = Buffer.alloc(0);
  unescaped: Buffer = Buffer.alloc(256);
  starts = new Int32Array(32);
  ends = new Int32Array(32);
  inUnescaped = new Uint8Array(32);
  fieldCount = 0;
  /** 1-based line where the record starts. */
  line = 0;
  /** The raw record, terminator included, in `bytes`. */
  rawStart = 0;
  rawEnd = 0;
  /** Whether the raw bytes are valid UTF-8 (then field bytes can be copied to Utf8 columns as they are). */
  validUtf8 = true;

  constructor(private readonly file: string) {}

  bufferOf(field: number): Buffer {
    return this.inUnescaped[field] ? this.unescaped : this.bytes;
  }

  fieldLength(field: number): number {
    return this.ends[field] - this.starts[field];
  }

  /**
   * The fields as text, exactly as the string reader (`CsvChunkParser` over the decoded file) gives
   * them, invalid UTF-8 included: for the header and the rare row the byte-level checks leave alone.
   */
  fieldStrings(): string[] {
    const text = textDecoder().decode(this.bytes.subarray(this.rawStart, this.rawEnd));
    return new CsvChunkParser(this.file).push(text, true)[0].fields;
  }
}

/** A decoder that keeps U+FEFF (only the file's first bytes are a BOM) and replaces bad bytes as the stream decoder does. */
function textDecoder(): InstanceType<typeof TextDecoder> {
  return new TextDecoder('utf-8', { ignoreBOM: true });
}

/**
 * RFC 4180 records straight from the file's bytes, for the same records and line numbers as
 * `readCsvRecords` (quoted commas, doubled quotes and newlines, CRLF, LF or lone CR, a BOM) without a
 * string or array per field. The file is read in `chunkBytes` chunks; only the record cut by a chunk's
 * end is carried over, so memory stays flat.
 *
 * Use: `for await (const records of readCsvByteRecords(file)) while (records.next()) use(records.record)`,
 * draining each chunk before pulling the next.
 */
export async function* readCsvByteRecords(
  file: string,
  { chunkBytes = 1 << 20, onBytes }: { chunkBytes?: number; onBytes?: (bytes: number) => void } = {},
): AsyncGenerator<CsvByteRecords> {
  const records = new CsvByteRecords(file);
  for await (const chunk of createReadStream(file, { highWaterMark: chunkBytes })) {
    records.append(chunk as Buffer);
    onBytes?.((chunk as Buffer).length);
    yield records;
  }
  records.end();
  yield records;
}

export class CsvByteRecords {
  readonly record: CsvByteRecord;
  private work = Buffer.alloc(0);
  /** Bytes in `work`; `pos` is where the next record starts. */
  private length = 0;
  private pos = 0;
  /** Records are parsed up to here: the end of the bytes, less an unfinished UTF-8 character (the text the decoder has given so far). */
  private limit = 0;
  /** `work[pos, validUntil)` is known to be valid UTF-8. */
  private validUntil = 0;
  private final = false;
  private line = 1;
  private firstChunkBytes = -1;
  private bomDone = false;

  constructor(private readonly file = '<csv>') {
    this.record = new CsvByteRecord(file);
  }

  append(chunk: Buffer): void {
    if (this.firstChunkBytes < 0) this.firstChunkBytes = chunk.length;
    const pending = this.length - this.pos;
    if (pending + chunk.length > this.work.length) {
      const grown = Buffer.allocUnsafe(Math.max(2 * this.work.length, pending + chunk.length, 1 << 16));
      this.work.copy(grown, 0, this.pos, this.length);
      this.work = grown;
    } else if (this.pos > 0) {
      this.work.copyWithin(0, this.pos, this.length);
    }
    chunk.copy(this.work, pending);
    this.length = pending + chunk.length;
    this.pos = 0;
    this.prepare();
  }

  /** No more input: whatever is left is the last record. */
  end(): void {
    this.final = true;
    this.prepare();
  }

  private prepare(): void {
    this.limit = this.final ? this.length : this.length - unfinishedUtf8Tail(this.work, this.length);
    if (!this.bomDone) {
      // As TextDecoder does: one BOM is dropped once its 3 bytes are in; the string reader also dropped
      // a second one when the first chunk's text began with it.
      if (this.limit < 3 && !this.final) {
        this.limit = 0;
        return;
      }
      if (isBom(this.work, 0, this.length)) {
        this.pos = 3;
        if (this.firstChunkBytes >= 6 && isBom(this.work, 3, this.length)) this.pos = 6;
      }
      this.bomDone = true;
    }
    // One native check per chunk, up to its last LF (a character boundary), covers nearly every record.
    const lastLf = this.limit > this.pos ? this.work.lastIndexOf(LF, this.limit - 1) : -1;
    const checkEnd = this.final ? this.limit : lastLf + 1;
    this.validUntil = checkEnd > this.pos && isUtf8(this.work.subarray(this.pos, checkEnd)) ? checkEnd : this.pos;
  }

  /** Parses the next complete record into `record`; false when the chunk is used up (or the file, after `end`). */
  next(): boolean {
    const bytes = this.work;
    const n = this.limit;
    const final = this.final;
    const start = this.pos;
    if (start >= n) return false;
    const record = this.record;
    let unescapedUsed = 0;
    let field = 0;
    let lines = 0;
    let i = start;
    for (;;) {
      if (field === record.starts.length) growFields(record);
      if (i < n && bytes[i] === QUOTE) {
        const linesBeforeField = lines;
        const contentStart = i + 1;
        let segmentStart = contentStart;
        let copied = false; // content has gone to record.unescaped (doubled quotes or a tail)
        let fieldStart = contentStart;
        let j = contentStart;
        for (;;) {
          if (j >= n) {
            if (!final) return this.waitInsideQuotes(start, linesBeforeField);
            this.unterminated(start, linesBeforeField);
          }
          const c = bytes[j];
          if (c === QUOTE) {
            if (j + 1 >= n && !final) return this.waitInsideQuotes(start, linesBeforeField);
            if (j + 1 < n && bytes[j + 1] === QUOTE) {
              if (!copied) {
                fieldStart = unescapedUsed;
                copied = true;
              }
              unescapedUsed = this.copyToUnescaped(segmentStart, j + 1, unescapedUsed);
              j += 2;
              segmentStart = j;
              continue;
            }
            break;
          }
          if (c === LF || (c === CR && !(j + 1 < n && bytes[j + 1] === LF))) lines++;
          j++;
        }
        // Text after the closing quote and before the delimiter is kept as is (as pandas does).
        i = j + 1;
        while (i < n) {
          const c = bytes[i];
          if (c === COMMA || c === LF || c === CR) break;
          i++;
        }
        if (i > j + 1 && !copied) {
          fieldStart = unescapedUsed;
          copied = true;
        }
        if (copied) {
          unescapedUsed = this.copyToUnescaped(segmentStart, j, unescapedUsed);
          unescapedUsed = this.copyToUnescaped(j + 1, i, unescapedUsed);
          record.starts[field] = fieldStart;
          record.ends[field] = unescapedUsed;
          record.inUnescaped[field] = 1;
        } else {
          record.starts[field] = contentStart;
          record.ends[field] = j;
          record.inUnescaped[field] = 0;
        }
      } else {
        const fieldStart = i;
        while (i < n) {
          const c = bytes[i];
          // Most bytes are letters, digits, '.', '-' (all above ','): one comparison for them.
          if (c > COMMA) {
            i++;
            continue;
          }
          if (c === COMMA || c === LF || c === CR) break;
          i++;
        }
        record.starts[field] = fieldStart;
        record.ends[field] = i;
        record.inUnescaped[field] = 0;
      }
      field++;
      if (i >= n) {
        if (!final) return false;
        break;
      }
      const c = bytes[i];
      if (c === COMMA) {
        i++;
        continue;
      }
      // End of record: LF, CRLF or a lone CR.
      if (c === CR) {
        if (i + 1 >= n && !final) return false;
        i += i + 1 < n && bytes[i + 1] === LF ? 2 : 1;
      } else {
        i++;
      }
      lines++;
      break;
    }
    record.bytes = bytes;
    record.fieldCount = field;
    record.line = this.line;
    record.rawStart = start;
    record.rawEnd = i;
    record.validUtf8 = i <= this.validUntil || isUtf8(bytes.subarray(start, i));
    this.line += lines;
    this.pos = i;
    return true;
  }

  private copyToUnescaped(from: number, to: number, at: number): number {
    const record = this.record;
    const length = to - from;
    if (record.unescaped.length - at < length) {
      const grown = Buffer.allocUnsafe(Math.max(2 * record.unescaped.length, at + length));
      record.unescaped.copy(grown, 0, 0, at);
      record.unescaped = grown;
    }
    this.work.copy(record.unescaped, at, from, to);
    return at + length;
  }

  /**
   * The record goes on past the bytes read so far inside a quoted field: wait for more, unless its text
   * already exceeds the longest plausible field (then the quote is taken as never closed, as the
   * string reader does, instead of reading to the end of the file).
   */
  private waitInsideQuotes(start: number, linesBeforeField: number): false {
    // Text is never longer (in UTF-16 units) than its UTF-8 bytes, so short spans need no count.
    if (this.limit - start > MAX_QUOTED_FIELD_CHARS) {
      const textLength = textDecoder().decode(this.work.subarray(start, this.limit)).length;
      if (textLength > MAX_QUOTED_FIELD_CHARS) this.unterminated(start, linesBeforeField);
    }
    return false;
  }

  private unterminated(start: number, linesBeforeField: number): never {
    // 80 UTF-16 units need at most 320 bytes.
    const text = textDecoder().decode(this.work.subarray(start, Math.min(this.limit, start + 324)), { stream: !this.final || start + 324 < this.limit });
    const preview = text.slice(0, 80).replace(/\r?\n/g, '\\n');
    throw new HitcastError(
      `${this.file}: line ${this.line + linesBeforeField}: a quoted field opened in the record starting "${preview}" is never closed`,
      { fix: 'the file is truncated or has an unbalanced double quote; re-download it or fix that row' },
    );
  }
}

function growFields(record: CsvByteRecord): void {
  const size = record.starts.length * 2;
  const grow = <T extends Int32Array | Uint8Array>(old: T, fresh: T): T => {
    fresh.set(old);
    return fresh;
  };
  record.starts = grow(record.starts, new Int32Array(size));
  record.ends = grow(record.ends, new Int32Array(size));
  record.inUnescaped = grow(record.inUnescaped, new Uint8Array(size));
}

function isBom(bytes: Buffer, at: number, length: number): boolean {
  return at + 3 <= length && bytes[at] === 0xef && bytes[at + 1] === 0xbb && bytes[at + 2] === 0xbf;
}

/**
 * How many bytes at the end of `bytes[0, length)` begin a UTF-8 character that is not complete yet:
 * the bytes a streaming TextDecoder holds back (a valid prefix of a sequence), so the reader sees the
 * same text at a chunk's end as the string reader did.
 */
export function unfinishedUtf8Tail(bytes: Uint8Array, length: number): number {
  for (let back = 1; back <= 3 && back <= length; back++) {
    const lead = bytes[length - back];
    if (lead >= 0x80 && lead < 0xc0) continue; // a continuation byte: look further back
    const needed = lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0;
    if (needed <= back) return 0;
    if (back >= 2) {
      const second = bytes[length - back + 1];
      const low = lead === 0xe0 ? 0xa0 : lead === 0xf0 ? 0x90 : 0x80;
      const high = lead === 0xed ? 0x9f : lead === 0xf4 ? 0x8f : 0xbf;
      if (second < low || second > high) return 0;
    }
    return back; // a third byte, if any, is a continuation byte (checked by the loop)
  }
  return 0;
}
