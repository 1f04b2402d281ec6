import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Bool, Field, FixedSizeList, Float32, Int16, makeData, Uint8, Utf8, makeVector } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { ArtifactReader, artifactSchema, boolColumn, recordBatchFromColumns, takeRows, utf8Column, utf8ListColumn, utf8ListType, writeArtifact } from '../src/index.ts';

const spec = {
  name: 'take',
  version: 1,
  fields: [
    new Field('name', new Utf8(), false),
    new Field('artists', utf8ListType(), false),
    new Field('year', new Int16(), false),
    new Field('score', new Float32(), false),
    new Field('flag', new Bool(), false),
    new Field('pixels', new FixedSizeList(3, new Field('item', new Uint8(), false)), false),
  ],
};

function batchOf(n: number) {
  const schema = artifactSchema(spec);
  const pixels = Uint8Array.from({ length: n * 3 }, (_, i) => i % 251);
  return recordBatchFromColumns(schema, {
    name: utf8Column(Array.from({ length: n }, (_, i) => `sóng ${i}`)),
    artists: utf8ListColumn(Array.from({ length: n }, (_, i) => Array.from({ length: i % 3 }, (_, k) => `a${i}.${k}`))),
    year: makeVector(Int16Array.from({ length: n }, (_, i) => 1950 + i)).data[0],
    score: makeVector(Float32Array.from({ length: n }, (_, i) => i / 4)).data[0],
    flag: boolColumn(Array.from({ length: n }, (_, i) => i % 3 === 0)),
    pixels: makeData({ type: spec.fields[5].type, length: n, nullCount: 0, child: makeVector(pixels).data[0] } as never),
  });
}

const plain = (batch: ReturnType<typeof batchOf>) =>
  batch.toArray().map((row) => {
    const r = row.toJSON();
    return { ...r, artists: [...r.artists], pixels: [...r.pixels] };
  });

describe('takeRows', () => {
  it('copies exactly the chosen rows of every column type, in the given order', () => {
    const batch = batchOf(20);
    const rows = [19, 0, 7, 7, 13];
    expect(plain(takeRows(batch, rows))).toEqual(rows.map((i) => plain(batch)[i]));
  });

  it('works on batches read back from a file and on empty selections', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'hitcast-take-')), 'x.arrow');
    await writeArtifact(file, artifactSchema(spec), [batchOf(10)]);
    const reader = await ArtifactReader.open(file, spec);
    const read = await reader.readBatch(0);
    expect(plain(takeRows(read, [9, 2]))).toEqual([plain(batchOf(10))[9], plain(batchOf(10))[2]]);
    expect(takeRows(read, []).numRows).toBe(0);
    await reader.close();
  });
});
