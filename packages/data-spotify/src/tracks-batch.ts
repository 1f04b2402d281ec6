import { makeData, type Data, type RecordBatch, type Schema, Float32, Int16, Int32, Int8 } from 'apache-arrow';
import { boolColumn, recordBatchFromColumns } from '@hitcast/core';
import { parseDecimalBytes } from './ascii-number.ts';
import type { CsvByteRecord } from './csv-byte-records.ts';
import { readPlainPythonStringList } from './python-list-literal.ts';
import { releaseYearOfBytes } from './release-year.ts';
import { checkTrackRow, COLUMN, isRejection, type RowRejection } from './track-row.ts';
import { FLOAT_FEATURES, INT8_FEATURES } from './tracks-schema.ts';
import { Utf8ColumnBuilder, Utf8ListColumnBuilder } from './utf8-column-builder.ts';

export type { RowRejection } from './track-row.ts';

const FLOAT_COLUMNS = FLOAT_FEATURES.map((name) => COLUMN[name]);
const INT8_COLUMNS = INT8_FEATURES.map((name) => COLUMN[name]);
const MAX_INT32 = 2 ** 31 - 1;
const CHAR_0 = 48;
const CHAR_1 = 49;

/** `explicit` from its bytes: 1 for `1`/`True`, 0 for `0`/`False`, -1 otherwise. */
function explicitOfBytes(bytes: Buffer, start: number, end: number): number {
  const length = end - start;
  if (length === 1) return bytes[start] === CHAR_1 ? 1 : bytes[start] === CHAR_0 ? 0 : -1;
  if (length === 4 && bytes[start] === 84 && bytes[start + 1] === 114 && bytes[start + 2] === 117 && bytes[start + 3] === 101) return 1; // True
  if (length === 5 && bytes[start] === 70 && bytes[start + 1] === 97 && bytes[start + 2] === 108 && bytes[start + 3] === 115 && bytes[start + 4] === 101) return 0; // False
  return -1;
}

/**
 * Collects tracks.csv rows straight into the columns of one Arrow record batch: typed arrays for the
 * numbers, byte builders for the strings. A row in the usual form is read from its bytes; any other
 * row (and every row to reject) is judged by `checkTrackRow` on its text, so both give the same
 * values and reasons. A rejected row leaves no partial values behind.
 */
export class TracksBatchBuilder {
  private length = 0;
  private readonly ids: Utf8ColumnBuilder;
  private readonly names: Utf8ColumnBuilder;
  private readonly artists: Utf8ListColumnBuilder;
  private readonly idArtists: Utf8ListColumnBuilder;
  private readonly releaseDates: Utf8ColumnBuilder;
  private readonly releaseYear: Int16Array;
  private readonly popularity: Float32Array;
  private readonly durationMs: Int32Array;
  private readonly explicit: Uint8Array;
  private readonly floats: Float32Array[];
  private readonly int8s: Int8Array[];
  private readonly sourceLine: Int32Array;
  private readonly parsedFloats = new Float64Array(FLOAT_FEATURES.length);
  private readonly parsedInt8s = new Int8Array(INT8_FEATURES.length);

  constructor(
    private readonly schema: Schema,
    readonly capacity: number,
  ) {
    this.ids = new Utf8ColumnBuilder(capacity, 22);
    this.names = new Utf8ColumnBuilder(capacity, 24);
    this.artists = new Utf8ListColumnBuilder(capacity);
    this.idArtists = new Utf8ListColumnBuilder(capacity);
    this.releaseDates = new Utf8ColumnBuilder(capacity, 10);
    this.releaseYear = new Int16Array(capacity);
    this.popularity = new Float32Array(capacity);
    this.durationMs = new Int32Array(capacity);
    this.explicit = new Uint8Array(capacity);
    this.floats = FLOAT_FEATURES.map(() => new Float32Array(capacity));
    this.int8s = INT8_FEATURES.map(() => new Int8Array(capacity));
    this.sourceLine = new Int32Array(capacity);
  }

  get size(): number {
    return this.length;
  }

  get full(): boolean {
    return this.length >= this.capacity;
  }

  /** Adds a CSV record with at least the 20 tracks.csv fields, or returns why it cannot be used. */
  addRecord(record: CsvByteRecord): RowRejection | null {
    if (record.validUtf8 && this.addUsualRecord(record)) return null;
    return this.add(record.fieldStrings(), record.line);
  }

  /** Adds a row given as text (`fields` has at least the 20 tracks.csv columns), or returns why it cannot be used. */
  add(fields: string[], line: number): RowRejection | null {
    const row = checkTrackRow(fields);
    if (isRejection(row)) return row;
    const at = this.length++;
    this.ids.appendString(row.id);
    this.names.appendString(row.name);
    for (const artist of row.artists) this.artists.items.appendString(artist);
    this.artists.endRow();
    for (const artist of row.idArtists) this.idArtists.items.appendString(artist);
    this.idArtists.endRow();
    this.releaseDates.appendString(row.releaseDate);
    this.releaseYear[at] = row.releaseYear;
    this.popularity[at] = row.popularity;
    this.durationMs[at] = row.durationMs;
    this.explicit[at] = row.explicit;
    for (let f = 0; f < FLOAT_FEATURES.length; f++) this.floats[f][at] = row.floats[f];
    for (let f = 0; f < INT8_FEATURES.length; f++) this.int8s[f][at] = row.int8s[f];
    this.sourceLine[at] = line;
    return null;
  }

  /**
   * The fast path: reads a row in the usual form (plain decimals, YYYY[-MM[-DD]] dates, artist lists
   * without escapes) from its bytes and adds it. Returns false, adding nothing, for any other row,
   * valid or not; `checkTrackRow` decides those.
   */
  private addUsualRecord(record: CsvByteRecord): boolean {
    const { starts, ends } = record;
    const idField = COLUMN.id;
    if (ends[idField] === starts[idField]) return false;

    const popularity = this.numberOf(record, COLUMN.popularity);
    if (!(popularity >= 0 && popularity <= 100)) return false; // NaN too

    const dateField = COLUMN.release_date;
    const releaseYear = releaseYearOfBytes(record.bufferOf(dateField), starts[dateField], ends[dateField]);
    if (releaseYear < 0) return false;

    const durationMs = this.numberOf(record, COLUMN.duration_ms);
    if (!Number.isInteger(durationMs) || durationMs < 0 || durationMs > MAX_INT32) return false;

    const explicitField = COLUMN.explicit;
    const explicit = explicitOfBytes(record.bufferOf(explicitField), starts[explicitField], ends[explicitField]);
    if (explicit < 0) return false;

    const parsedFloats = this.parsedFloats;
    for (let f = 0; f < FLOAT_COLUMNS.length; f++) {
      const value = this.numberOf(record, FLOAT_COLUMNS[f]);
      if (!Number.isFinite(value)) return false;
      parsedFloats[f] = value;
    }
    const parsedInt8s = this.parsedInt8s;
    for (let f = 0; f < INT8_COLUMNS.length; f++) {
      const value = this.numberOf(record, INT8_COLUMNS[f]);
      if (!Number.isInteger(value) || value < -128 || value > 127) return false;
      parsedInt8s[f] = value;
    }

    const artistsField = COLUMN.artists;
    const idArtistsField = COLUMN.id_artists;
    if (!readPlainPythonStringList(record.bufferOf(artistsField), starts[artistsField], ends[artistsField], this.artists.items)) {
      this.artists.discardOpenRow();
      return false;
    }
    if (!readPlainPythonStringList(record.bufferOf(idArtistsField), starts[idArtistsField], ends[idArtistsField], this.idArtists.items)) {
      this.artists.discardOpenRow();
      this.idArtists.discardOpenRow();
      return false;
    }

    const at = this.length++;
    this.artists.endRow();
    this.idArtists.endRow();
    this.ids.appendBytes(record.bufferOf(idField), starts[idField], ends[idField]);
    const nameField = COLUMN.name;
    this.names.appendBytes(record.bufferOf(nameField), starts[nameField], ends[nameField]);
    this.releaseDates.appendBytes(record.bufferOf(dateField), starts[dateField], ends[dateField]);
    this.releaseYear[at] = releaseYear;
    this.popularity[at] = popularity;
    this.durationMs[at] = durationMs;
    this.explicit[at] = explicit;
    for (let f = 0; f < FLOAT_COLUMNS.length; f++) this.floats[f][at] = parsedFloats[f];
    for (let f = 0; f < INT8_COLUMNS.length; f++) this.int8s[f][at] = parsedInt8s[f];
    this.sourceLine[at] = record.line;
    return true;
  }

  /** The field as a plain decimal, NaN when it is not one. */
  private numberOf(record: CsvByteRecord, field: number): number {
    return parseDecimalBytes(record.bufferOf(field), record.starts[field], record.ends[field]);
  }

  /** The rows added so far as one record batch; the builder is empty afterwards. */
  flush(): RecordBatch {
    const n = this.length;
    const numeric = (type: Float32 | Int16 | Int32 | Int8, values: Float32Array | Int16Array | Int32Array | Int8Array): Data =>
      makeData({ type, length: n, nullCount: 0, data: values.slice(0, n) } as never);
    const columns: Record<string, Data> = {
      id: this.ids.finish(),
      name: this.names.finish(),
      artists: this.artists.finish(),
      id_artists: this.idArtists.finish(),
      release_date: this.releaseDates.finish(),
      release_year: numeric(new Int16(), this.releaseYear),
      popularity: numeric(new Float32(), this.popularity),
      duration_ms: numeric(new Int32(), this.durationMs),
      explicit: boolColumn(this.explicit.subarray(0, n)),
      source_line: numeric(new Int32(), this.sourceLine),
    };
    FLOAT_FEATURES.forEach((name, f) => (columns[name] = numeric(new Float32(), this.floats[f])));
    INT8_FEATURES.forEach((name, f) => (columns[name] = numeric(new Int8(), this.int8s[f])));
    const batch = recordBatchFromColumns(this.schema, columns);
    this.length = 0;
    return batch;
  }
}
