import { makeData, type Data, type RecordBatch, type Schema, Float32, Int16, Int32, Int8 } from 'apache-arrow';
import { boolColumn, recordBatchFromColumns, utf8Column, utf8ListColumn } from '@hitcast/core';
import { parsePythonStringList, PythonLiteralError } from './python-list-literal.ts';
import { parseReleaseYear } from './release-year.ts';
import { FLOAT_FEATURES, INT8_FEATURES, TRACKS_CSV_COLUMNS } from './tracks-schema.ts';

/** Why a row was rejected: a short kind (for the summary counts) and the full reason (for rejects.csv). */
export interface RowRejection {
  kind: string;
  reason: string;
}

const column = Object.fromEntries(TRACKS_CSV_COLUMNS.map((name, i) => [name, i])) as Record<
  (typeof TRACKS_CSV_COLUMNS)[number],
  number
>;

/** A number from CSV text; empty or non-numeric text gives NaN (plain `Number('')` would give 0). */
function toNumber(text: string): number {
  return text.length === 0 ? NaN : Number(text);
}

function bad(kind: string, reason: string): RowRejection {
  return { kind, reason };
}

/**
 * Collects parsed tracks.csv rows column by column into typed arrays and turns them into one Arrow
 * record batch. `add` validates a row completely before storing anything, so a rejected row leaves
 * no partial values behind.
 */
export class TracksBatchBuilder {
  private length = 0;
  private ids: string[] = [];
  private names: string[] = [];
  private artists: string[][] = [];
  private idArtists: string[][] = [];
  private releaseDates: string[] = [];
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

  /** Adds a row, or returns why it cannot be used. `fields` has at least the 20 tracks.csv columns. */
  add(fields: string[], line: number): RowRejection | null {
    const id = fields[column.id];
    if (id.length === 0) return bad('missing id', 'id is empty');

    const popularity = toNumber(fields[column.popularity]);
    if (Number.isNaN(popularity)) return bad('bad popularity', `popularity ${JSON.stringify(fields[column.popularity])} is not a number`);
    if (popularity < 0 || popularity > 100) return bad('bad popularity', `popularity ${popularity} is outside 0–100`);

    const releaseDate = fields[column.release_date];
    const year = parseReleaseYear(releaseDate);
    if (year === null) {
      return bad('bad release_date', `release_date ${JSON.stringify(releaseDate)} is not YYYY, YYYY-MM or YYYY-MM-DD`);
    }

    const duration = toNumber(fields[column.duration_ms]);
    if (!Number.isInteger(duration) || duration < 0 || duration > 2 ** 31 - 1) {
      return bad('bad duration_ms', `duration_ms ${JSON.stringify(fields[column.duration_ms])} is not a whole number of milliseconds`);
    }

    const explicitText = fields[column.explicit];
    const explicit = explicitText === '1' || explicitText === 'True' ? 1 : explicitText === '0' || explicitText === 'False' ? 0 : -1;
    if (explicit < 0) return bad('bad explicit', `explicit ${JSON.stringify(explicitText)} is not 0 or 1`);

    for (let f = 0; f < FLOAT_FEATURES.length; f++) {
      const name = FLOAT_FEATURES[f];
      const value = toNumber(fields[column[name]]);
      if (!Number.isFinite(value)) return bad(`bad ${name}`, `${name} ${JSON.stringify(fields[column[name]])} is not a number`);
      this.parsedFloats[f] = value;
    }
    for (let f = 0; f < INT8_FEATURES.length; f++) {
      const name = INT8_FEATURES[f];
      const value = toNumber(fields[column[name]]);
      if (!Number.isInteger(value) || value < -128 || value > 127) {
        return bad(`bad ${name}`, `${name} ${JSON.stringify(fields[column[name]])} is not a small whole number`);
      }
      this.parsedInt8s[f] = value;
    }

    let artists: string[];
    let idArtists: string[];
    try {
      artists = parsePythonStringList(fields[column.artists]);
    } catch (error) {
      if (!(error instanceof PythonLiteralError)) throw error;
      return bad('bad artists', `artists ${JSON.stringify(fields[column.artists])} is not a Python list of strings (${error.message})`);
    }
    try {
      idArtists = parsePythonStringList(fields[column.id_artists]);
    } catch (error) {
      if (!(error instanceof PythonLiteralError)) throw error;
      return bad('bad id_artists', `id_artists ${JSON.stringify(fields[column.id_artists])} is not a Python list of strings (${error.message})`);
    }

    const row = this.length++;
    this.ids.push(id);
    this.names.push(fields[column.name]);
    this.artists.push(artists);
    this.idArtists.push(idArtists);
    this.releaseDates.push(releaseDate);
    this.releaseYear[row] = year;
    this.popularity[row] = popularity;
    this.durationMs[row] = duration;
    this.explicit[row] = explicit;
    for (let f = 0; f < FLOAT_FEATURES.length; f++) this.floats[f][row] = this.parsedFloats[f];
    for (let f = 0; f < INT8_FEATURES.length; f++) this.int8s[f][row] = this.parsedInt8s[f];
    this.sourceLine[row] = line;
    return null;
  }

  /** The rows added so far as one record batch; the builder is empty afterwards. */
  flush(): RecordBatch {
    const n = this.length;
    const numeric = (type: Float32 | Int16 | Int32 | Int8, values: Float32Array | Int16Array | Int32Array | Int8Array): Data =>
      makeData({ type, length: n, nullCount: 0, data: values.slice(0, n) } as never);
    const columns: Record<string, Data> = {
      id: utf8Column(this.ids),
      name: utf8Column(this.names),
      artists: utf8ListColumn(this.artists),
      id_artists: utf8ListColumn(this.idArtists),
      release_date: utf8Column(this.releaseDates),
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
    this.ids = [];
    this.names = [];
    this.artists = [];
    this.idArtists = [];
    this.releaseDates = [];
    return batch;
  }
}
