import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArtifactReader } from '@hitcast/core';
import { type Table, tableFromIPC } from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { convertPickle, PICKLE_TABLE_ARTIFACT, SHAPE_KEY } from '../src/index.ts';

/**
 * Every supported fixture is converted and read back, and each cell is compared with what Python itself
 * saw when it made the fixture (fixtures/pickles/expected.json, written by tools/fixtures/make_pickles.py).
 */

const FIXTURES = join(import.meta.dirname, 'fixtures', 'pickles');

interface ExpectedColumn {
  name: string;
  dtype?: string;
  pytypes?: string[];
  values: unknown[];
}
interface ExpectedFixture {
  kind?: string;
  rows?: number;
  protocol?: number;
  columns?: ExpectedColumn[];
  refused?: string;
}
const EXPECTED = JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8')) as {
  fixtures: Record<string, ExpectedFixture>;
};

/** Arrow type (as apache-arrow prints it), nullability and per-row shape hitcast promises for each column. */
type TypeSpec = [type: string, nullable: boolean, shape?: number[]];
const SPOTIFY: Record<string, TypeSpec> = {
  name: ['Utf8', false],
  popularity: ['Int64', false],
  artists: ['Utf8', false],
  release_date: ['Utf8', true],
};
const MIXED: Record<string, TypeSpec> = {
  name: ['Utf8', true],
  count: ['Int64', false],
  score: ['Float64', false],
  flag: ['Bool', false],
  be_i4: ['Int32', false],
  small: ['Uint8', false],
  f32: ['Float32', false],
};
const FORTRAN: Record<string, TypeSpec> = {
  a: ['Float64', false],
  b: ['Float64', false],
  c: ['Float64', false],
  d: ['Int16', false],
};
const ARRAYS: Record<string, TypeSpec> = { name: ['Utf8', false], spec: ['FixedSizeList[6]<Float32>', false, [2, 3]] };
const DICT: Record<string, TypeSpec> = {
  id: ['Int64', false],
  score: ['Float64', false],
  flag: ['Bool', false],
  label: ['Utf8', false],
  vec: ['FixedSizeList[3]<Float32>', false, [3]],
  be_i2: ['Int16', false],
  u64: ['Uint64', false],
  names: ['Utf8', true],
  ints: ['Int64', false],
};
const RECORDS: Record<string, TypeSpec> = {
  name: ['Utf8', true],
  year: ['Int32', true],
  score: ['Float64', true],
  hit: ['Bool', true],
  np_int: ['Int64', false],
  np_f: ['Float64', true],
  extra: ['Utf8', true],
};
const processed = (height: number, width: number): Record<string, TypeSpec> => ({
  name: ['Utf8', false],
  artist: ['Utf8', false],
  release_date: ['Utf8', false],
  spectrogram: [`FixedSizeList[${height * width}]<Uint8>`, false, [height, width]],
  popularity: ['Float64', false],
});

const TYPES: Record<string, Record<string, TypeSpec>> = {
  'spotify_data_p2.pkl': SPOTIFY,
  'spotify_data_p4.pkl': SPOTIFY,
  'spotify_data_p5.pkl': SPOTIFY,
  'df_mixed_p2.pkl': MIXED,
  'df_mixed_p4.pkl': MIXED,
  'df_mixed_p5.pkl': MIXED,
  'df_fortran_p2.pkl': FORTRAN,
  'df_fortran_p4.pkl': FORTRAN,
  'df_fortran_p5.pkl': FORTRAN,
  'df_arrays_p2.pkl': ARRAYS,
  'df_arrays_p4.pkl': ARRAYS,
  'df_arrays_p5.pkl': ARRAYS,
  'dict_p2.pkl': DICT,
  'dict_p4.pkl': DICT,
  'dict_p5.pkl': DICT,
  'dict_numpy2_p4.pkl': DICT,
  'records_p2.pkl': RECORDS,
  'records_p4.pkl': RECORDS,
  'records_p5.pkl': RECORDS,
  'records_ordereddict_p4.pkl': { a: ['Int32', false], b: ['Utf8', false] },
  'df_int_index_p4.pkl': { name: ['Utf8', false], n: ['Int64', false] },
  'dict_float16_p4.pkl': { h: ['Float16', false] },
  'list_floats_p4.pkl': { value: ['Float64', true] },
  'list_strings_p2.pkl': { value: ['Utf8', false] },
  'list_whole_floats_p4.pkl': { value: ['Float64', false] },
  'ints_ok_p2.pkl': { value: ['Int64', false] },
  'ints_ok_p4.pkl': { value: ['Int64', false] },
  'processed_data_real_shape_p4.pkl': processed(256, 1024),
  'images_small_p2.pkl': processed(4, 8),
  'images_small_p5.pkl': processed(4, 8),
  'images_rgb_p4.pkl': { name: ['Utf8', false], spectrogram: ['FixedSizeList[15]<Uint8>', false, [3, 5]] },
};

const work = mkdtempSync(join(tmpdir(), 'hitcast-pickle-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function convert(name: string): Promise<{ result: Awaited<ReturnType<typeof convertPickle>>; table: Table; log: string[] }> {
  const log: string[] = [];
  const output = join(work, `${name}.arrow`);
  const result = await convertPickle({ input: join(FIXTURES, name), output, log: (line) => log.push(line) });
  return { result, table: tableFromIPC(readFileSync(output)), log };
}

/** An object column, list or record field: Python's None and NaN there are missing values (null in Arrow). */
function isObjectColumn(column: ExpectedColumn): boolean {
  return column.dtype === undefined || column.dtype === 'object';
}

/** What hitcast must have written for one value Python saw. */
function expectedCell(value: unknown, objectColumn: boolean): unknown {
  if (value && typeof value === 'object' && '$float' in value) {
    const text = (value as { $float: string }).$float;
    if (text === 'nan') return objectColumn ? null : 'NaN';
    return text === 'inf' ? Infinity : -Infinity;
  }
  if (value && typeof value === 'object' && '$int' in value) return BigInt((value as { $int: string }).$int);
  if (value && typeof value === 'object' && '$ndarray' in value) {
    const array = (value as { $ndarray: { values: unknown[] } }).$ndarray;
    return array.values.map((v) => expectedCell(v, false));
  }
  if (value && typeof value === 'object' && '$image' in value) {
    const image = (value as { $image: { L_sha256: string; L_head: number[]; L_sum: number } }).$image;
    return { sha256: image.L_sha256, head: image.L_head, sum: image.L_sum };
  }
  return value;
}

/** The same, for what came back from the Arrow file. */
function actualCell(value: unknown, expected: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' && Number.isNaN(value)) return 'NaN';
  if (typeof value === 'bigint') return typeof expected === 'bigint' ? value : Number(value);
  if (typeof value === 'object' && 'toArray' in (value as object)) {
    const items = (value as { toArray(): ArrayLike<unknown> }).toArray();
    if (expected && typeof expected === 'object' && 'sha256' in expected) {
      const bytes = items as Uint8Array;
      let sum = 0;
      for (const b of bytes) sum += b;
      return { sha256: createHash('sha256').update(bytes).digest('hex'), head: Array.from(bytes.subarray(0, 16)), sum };
    }
    return Array.from(items, (v, i) => actualCell(v, (expected as unknown[])[i]));
  }
  return value;
}

const supported = Object.entries(EXPECTED.fixtures).filter(([, f]) => !f.refused);

describe('convertPickle: every supported fixture equals what Python saw', () => {
  it('has a type expectation for every supported fixture, and expected.json lists every supported one', () => {
    expect(supported.map(([name]) => name).sort()).toEqual(Object.keys(TYPES).sort());
  });

  it.each(supported)('%s', async (name, fixture) => {
    const { result, table } = await convert(name);
    const types = TYPES[name];
    expect(result.kind).toBe(fixture.kind);
    expect(result.rows).toBe(fixture.rows);
    expect(table.numRows).toBe(fixture.rows);
    expect(table.schema.metadata.get('hitcast.pickle.protocol')).toBe(String(fixture.protocol));
    expect(table.schema.fields.map((f) => f.name)).toEqual(fixture.columns!.map((c) => c.name));
    expect(result.columns.map((c) => [c.name, c.type, c.shape])).toEqual(
      Object.entries(types).map(([column, [type, , shape]]) => [column, type, shape]),
    );
    for (const column of fixture.columns!) {
      const field = table.schema.fields.find((f) => f.name === column.name)!;
      const [type, nullable, shape] = types[column.name];
      expect(String(field.type), column.name).toBe(type);
      expect(field.nullable, `${column.name} nullable`).toBe(nullable);
      expect(field.metadata.get(SHAPE_KEY), `${column.name} shape`).toBe(shape ? JSON.stringify(shape) : undefined);
      const vector = table.getChild(column.name)!;
      const objectColumn = isObjectColumn(column);
      const want = column.values.map((v) => expectedCell(v, objectColumn));
      const got = want.map((w, row) => actualCell(vector.get(row), w));
      expect(got, `column ${column.name}`).toEqual(want);
    }
  });
});

describe('convertPickle: the original project formats', () => {
  it('reads a spotify_data.pkl lookalike (pandas DataFrame, default protocol 4) with its real quirks', async () => {
    const { table, log } = await convert('spotify_data_p4.pkl');
    const row = (i: number) => table.get(i)!.toJSON();
    expect(table.schema.fields.map((f) => f.name)).toEqual(['name', 'popularity', 'artists', 'release_date']);
    expect(row(0)).toEqual({ name: 'Crazy In Love', popularity: 77n, artists: 'Beyoncé', release_date: '2003' });
    // The original first-artist parser strips apostrophes but leaves the double quotes of ["Guns N' Roses"].
    expect(row(1).artists).toBe('["Guns N Roses"]');
    expect(table.getChild('release_date')!.get(5)).toBeNull(); // 'unknown' has no 4-digit year
    expect(log.some((line) => line.includes('found a pandas DataFrame: 6 rows x 4 columns'))).toBe(true);
  });

  it('reads a processed_data pickle: 1024x256 mode L PngImageFile spectrograms, row-major [256, 1024]', async () => {
    const { table, result } = await convert('processed_data_real_shape_p4.pkl');
    expect(result.columns.find((c) => c.name === 'spectrogram')).toEqual({
      name: 'spectrogram',
      type: 'FixedSizeList[262144]<Uint8>',
      shape: [256, 1024],
    });
    expect(JSON.parse(table.schema.metadata.get('hitcast.shapes')!)).toEqual({ spectrogram: [256, 1024] });
    // Pixel (y, x) of the fixture is (x*255//1023 + (x*7919 + y*104729 + seed*31337) % 251 + 3y) % 256.
    const pixels = table.getChild('spectrogram')!.get(1)!.toArray() as Uint8Array;
    const at = (y: number, x: number) => ((Math.floor((x * 255) / 1023) + ((x * 7919 + y * 104729 + 31337) % 251) + 3 * y) % 256);
    for (const [y, x] of [[0, 0], [0, 1023], [255, 0], [100, 517], [255, 1023]]) expect(pixels[y * 1024 + x]).toBe(at(y, x));
    // Popularity went through a left merge (NaN for unmatched songs), so Python holds floats: 50.0, 61.0.
    expect(Array.from(table.getChild('popularity')!.toArray())).toEqual([50, 61]);
  });

  it('writes an artifact that ArtifactReader opens as "pickle-table" version 1', async () => {
    await convert('images_small_p5.pkl');
    const reader = await ArtifactReader.open(join(work, 'images_small_p5.pkl.arrow'), { ...PICKLE_TABLE_ARTIFACT, fields: [] });
    try {
      expect(reader.metadata.get('hitcast.pickle.kind')).toBe('records');
      expect(reader.metadata.get('hitcast.pickle.source')).toBe('images_small_p5.pkl');
      expect((await reader.readAll()).numRows).toBe(3);
    } finally {
      await reader.close();
    }
  });

  it('marks RGB images as converted to grey with Pillow\'s own formula', async () => {
    const { table } = await convert('images_rgb_p4.pkl');
    expect(table.schema.fields[1].metadata.get('hitcast.converted_from_modes')).toBe('["RGB"]');
  });

  it('tells about missing keys and dropped row indexes in the log', async () => {
    expect((await convert('records_p4.pkl')).log).toContain('note: "extra" is missing from 2 of 3 records (written as null)');
    expect((await convert('df_int_index_p4.pkl')).log).toContain(
      "note: the DataFrame's row index (Int64Index) is not written; rows keep their order",
    );
  });

  it('writes an all-None column as Arrow Null', async () => {
    const nones = join(work, 'nones.pkl');
    writeFileSync(nones, Buffer.from([0x80, 4, 0x5d, 0x28, 0x4e, 0x4e, 0x65, 0x2e])); // [None, None]
    const result = await convertPickle({ input: nones, output: join(work, 'nones.arrow') });
    expect(result).toEqual({ rows: 2, kind: 'list', columns: [{ name: 'value', type: 'Null' }] });
    const table = tableFromIPC(readFileSync(join(work, 'nones.arrow')));
    expect(table.getChild('value')!.toArray()).toEqual([null, null]);
  });
});
