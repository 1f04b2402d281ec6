import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Field, FixedSizeList, Float32, Int16, Uint8, makeVector, RecordBatch, Schema, Utf8, vectorFromArray } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { ArtifactReader, artifactSchema, readArtifact, recordBatchFromColumns, utf8ListType, writeArtifact, type ArtifactSpec } from '../src/index.ts';

const spec: ArtifactSpec = {
  name: 'example',
  version: 3,
  fields: [new Field('name', new Utf8(), false), new Field('year', new Int16(), false), new Field('score', new Float32(), false)],
};

function batch(schema: Schema, start: number, n: number): RecordBatch {
  const names = Array.from({ length: n }, (_, i) => `song ${start + i}`);
  const years = Int16Array.from({ length: n }, (_, i) => 1950 + ((start + i) % 70));
  const scores = Float32Array.from({ length: n }, (_, i) => (start + i) % 101);
  return recordBatchFromColumns(schema, {
    name: vectorFromArray(names, new Utf8()).data[0],
    year: makeVector(years).data[0],
    score: makeVector(scores).data[0],
  });
}

describe('Arrow artifacts', () => {
  it('round-trips batches lazily and keeps schema metadata', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'hitcast-artifact-'));
    const file = path.join(dir, 'example.arrow');
    const schema = artifactSchema(spec, { 'hitcast.note': 'hello' });
    const rows = await writeArtifact(file, schema, (function* () {
      for (let b = 0; b < 5; b++) yield batch(schema, b * 1000, 1000);
    })(), { highWaterBytes: 1024 });
    expect(rows).toBe(5000);
    const reader = await ArtifactReader.open(file, spec);
    expect(reader.numBatches).toBe(5);
    expect(reader.metadata.get('hitcast.note')).toBe('hello');
    const third = await reader.readBatch(2);
    expect(third.get(7)?.toJSON()).toEqual({ name: 'song 2007', year: 1950 + (2007 % 70), score: 2007 % 101 });
    await reader.close();
    expect(readdirSync(dir)).toEqual(['example.arrow']);
  });

  it('writes and reads back an artifact with no rows, list and fixed-size columns included', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'hitcast-artifact-'));
    const file = path.join(dir, 'empty.arrow');
    const fields = [...spec.fields, new Field('tags', utf8ListType(), false), new Field('pixels', new FixedSizeList(4, new Field('item', new Uint8(), false)), false)];
    const emptySpec = { ...spec, fields };
    expect(await writeArtifact(file, artifactSchema(emptySpec), [])).toBe(0);
    const table = await readArtifact(file, emptySpec);
    expect(table.numRows).toBe(0);
    expect(table.schema.fields.map((f) => f.name)).toEqual(['name', 'year', 'score', 'tags', 'pixels']);
  });

  it('leaves no file behind when the producer fails midway', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'hitcast-artifact-'));
    const file = path.join(dir, 'broken.arrow');
    const schema = artifactSchema(spec);
    await expect(
      writeArtifact(file, schema, (function* () {
        yield batch(schema, 0, 10);
        throw new Error('stage crashed');
      })()),
    ).rejects.toThrow('stage crashed');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses another artifact, an old schema version, a changed column type, or a non-Arrow file', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'hitcast-artifact-'));
    const file = path.join(dir, 'example.arrow');
    await writeArtifact(file, artifactSchema(spec), [batch(artifactSchema(spec), 0, 3)]);
    await expect(ArtifactReader.open(file, { ...spec, name: 'tracks' })).rejects.toThrow(/not a "tracks" artifact/);
    await expect(ArtifactReader.open(file, { ...spec, version: 4 })).rejects.toThrow(/schema version 3 but this hitcast reads version 4/);
    const retyped = { ...spec, fields: [spec.fields[0], new Field('year', new Float32()), spec.fields[2]] };
    await expect(ArtifactReader.open(file, retyped)).rejects.toThrow(/column "year" is Int16, expected Float32/);
    const missing = { ...spec, fields: [...spec.fields, new Field('artist', new Utf8())] };
    await expect(ArtifactReader.open(file, missing)).rejects.toThrow(/lacks column "artist: Utf8"/);
    writeFileSync(path.join(dir, 'junk.arrow'), 'id,name\n1,a\n');
    await expect(ArtifactReader.open(path.join(dir, 'junk.arrow'), spec)).rejects.toThrow(/junk\.arrow is not a readable Arrow IPC file/);
    await expect(ArtifactReader.open(path.join(dir, 'absent.arrow'), spec)).rejects.toThrow(/absent\.arrow does not exist/);
  });
});

describe('ArtifactReader.readBatch', () => {
  it('gives the right batches when reads overlap', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'hitcast-artifact-'));
    const file = path.join(dir, 'example.arrow');
    const schema = artifactSchema(spec);
    await writeArtifact(file, schema, (function* () {
      for (let b = 0; b < 6; b++) yield batch(schema, b * 100, 100);
    })());
    const reader = await ArtifactReader.open(file, spec);
    const batches = await Promise.all([5, 0, 3, 3, 1, 4, 2].map((i) => reader.readBatch(i)));
    expect(batches.map((b) => b.get(0)?.toJSON().name)).toEqual(['song 500', 'song 0', 'song 300', 'song 300', 'song 100', 'song 400', 'song 200']);
    await reader.close();
  });
});
