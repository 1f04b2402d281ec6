import { makeData, type Data, type List, Utf8 } from 'apache-arrow';
import { utf8ListType } from '@hitcast/core';

/**
 * Utf8 and List<Utf8> columns filled from the CSV bytes themselves (or, for the rare row read as
 * text, from strings), reused batch after batch. `finish` gives exactly the buffers core's
 * utf8Column/utf8ListColumn build from the same strings, so tracks.arrow does not change.
 */

/** Up to this many bytes a plain loop beats a native copy call. */
const LOOP_COPY_BYTES = 48;

const encoder = new TextEncoder();

export class Utf8ColumnBuilder {
  private bytes: Uint8Array;
  private used = 0;
  private offsets: Int32Array;
  private count = 0;

  constructor(expectedRows: number, expectedBytesPerRow = 16) {
    this.offsets = new Int32Array(expectedRows + 1);
    this.bytes = new Uint8Array(Math.max(64, expectedRows * expectedBytesPerRow));
  }

  get length(): number {
    return this.count;
  }

  /** Appends the UTF-8 bytes `source[start, end)` as one value (they must be valid UTF-8). */
  appendBytes(source: Buffer, start: number, end: number): void {
    const length = end - start;
    if (this.bytes.length - this.used < length) this.growBytes(length);
    const bytes = this.bytes;
    let at = this.used;
    if (length <= LOOP_COPY_BYTES) {
      for (let k = start; k < end; k++) bytes[at++] = source[k];
    } else {
      source.copy(bytes, at, start, end);
      at += length;
    }
    this.used = at;
    this.pushOffset();
  }

  appendString(value: string): void {
    if (this.bytes.length - this.used < value.length * 3) this.growBytes(value.length * 3);
    this.used += encoder.encodeInto(value, this.bytes.subarray(this.used)).written;
    this.pushOffset();
  }

  /** Drops the values after the first `count` (a row that turned out not to be simple). */
  truncate(count: number): void {
    this.count = count;
    this.used = this.offsets[count];
  }

  /** The values so far as a column; the builder is empty afterwards. */
  finish(): Data<Utf8> {
    const data = makeData({
      type: new Utf8(),
      length: this.count,
      nullCount: 0,
      valueOffsets: this.offsets.slice(0, this.count + 1),
      data: this.bytes.slice(0, this.used),
    });
    this.count = 0;
    this.used = 0;
    return data;
  }

  private pushOffset(): void {
    if (this.count + 1 >= this.offsets.length) {
      const grown = new Int32Array(this.offsets.length * 2);
      grown.set(this.offsets);
      this.offsets = grown;
    }
    this.offsets[++this.count] = this.used;
  }

  private growBytes(needed: number): void {
    const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.used + needed));
    grown.set(this.bytes.subarray(0, this.used));
    this.bytes = grown;
  }
}

/** A List<Utf8> column: items go to the child column, `endRow` closes the current row's list. */
export class Utf8ListColumnBuilder {
  readonly items: Utf8ColumnBuilder;
  private listOffsets: Int32Array;
  private rows = 0;

  constructor(capacity: number) {
    this.items = new Utf8ColumnBuilder(capacity * 2);
    this.listOffsets = new Int32Array(capacity + 1);
  }

  /** Drops the items added since the last `endRow`. */
  discardOpenRow(): void {
    this.items.truncate(this.listOffsets[this.rows]);
  }

  endRow(): void {
    if (this.rows + 1 >= this.listOffsets.length) {
      const grown = new Int32Array(this.listOffsets.length * 2);
      grown.set(this.listOffsets);
      this.listOffsets = grown;
    }
    this.listOffsets[++this.rows] = this.items.length;
  }

  finish(): Data<List<Utf8>> {
    const data = makeData({
      type: utf8ListType(),
      length: this.rows,
      nullCount: 0,
      valueOffsets: this.listOffsets.slice(0, this.rows + 1),
      child: this.items.finish(),
    });
    this.rows = 0;
    return data;
  }
}
