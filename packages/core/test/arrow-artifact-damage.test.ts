import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Field, Float32, Utf8, vectorFromArray } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { HitcastError } from '../src/errors.ts';
import { artifactSchema, readArtifact, recordBatchFromColumns, writeArtifact, type ArtifactSpec } from '../src/index.ts';

const spec: ArtifactSpec = { name: 'damage-example', version: 1, fields: [new Field('id', new Utf8()), new Field('value', new Float32())] };
const dir = mkdtempSync(path.join(tmpdir(), 'hitcast-artifact-damage-'));

async function goodFile(): Promise<Uint8Array> {
  const file = path.join(dir, 'good.arrow');
  const schema = artifactSchema(spec);
  const batch = recordBatchFromColumns(schema, { id: vectorFromArray(['a', 'b', 'c'], new Utf8()).data[0], value: vectorFromArray([1, 2, 3], new Float32()).data[0] });
  await writeArtifact(file, schema, [batch, batch]);
  return new Uint8Array(readFileSync(file));
}

async function errorReading(bytes: Uint8Array, name: string): Promise<HitcastError> {
  const file = path.join(dir, name);
  writeFileSync(file, bytes);
  const error = await readArtifact(file, spec).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(HitcastError);
  expect((error as HitcastError).message).toContain(file);
  expect((error as HitcastError).fix).toMatch(/re-run the stage/);
  return error as HitcastError;
}

/** Offsets of the two record batch blocks' int64 offset fields in the footer: found by their values. */
function blockOffsetField(bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const footerLength = view.getInt32(bytes.length - 10, true);
  const footerStart = bytes.length - 10 - footerLength;
  for (let at = footerStart; at + 8 <= bytes.length - 10; at += 8) {
    const value = view.getBigInt64(at, true);
    if (value > 8n && value < BigInt(footerStart) && bytes[Number(value)] === 0xff && bytes[Number(value) + 3] === 0xff) return at;
  }
  throw new Error('no record batch block found');
}

describe('damaged Arrow artifacts', () => {
  it('refuses an Arrow file whose footer declares 2 GiB before allocating it', async () => {
    const bytes = await goodFile();
    new DataView(bytes.buffer).setInt32(bytes.length - 10, 0x7fffffff, true);
    expect((await errorReading(bytes, 'huge-footer.arrow')).message).toMatch(/declares a footer of 2147483647 bytes/);
  });

  it('refuses a record batch block at a negative offset before reading it', async () => {
    const bytes = await goodFile();
    new DataView(bytes.buffer).setBigInt64(blockOffsetField(bytes), -1_330_795_073n, true);
    expect((await errorReading(bytes, 'negative-block.arrow')).message).toMatch(/record batch \d at offset -1330795073/);
  });

  it('turns a record batch that apache-arrow cannot decode into an error naming the file and the batch', async () => {
    const bytes = await goodFile();
    // The second message's metadata length, made larger than the rest of the file.
    const view = new DataView(bytes.buffer);
    const starts: number[] = [];
    for (let i = 8; i + 8 <= bytes.length; i += 8) if (view.getUint32(i, true) === 0xffffffff) starts.push(i);
    view.setUint32(starts[1] + 4, 0x10000000, true);
    expect((await errorReading(bytes, 'bad-batch.arrow')).message).toMatch(/record batch \d cannot be read \(/);
  });

  it('refuses a file too short to be an Arrow file', async () => {
    expect((await errorReading((await goodFile()).slice(0, 12), 'short.arrow')).message).toMatch(/too short/);
  });
});

describe('a footer whose vector counts are damaged', () => {
  it('refuses 2^30 schema metadata entries in a 872-byte footer before apache-arrow loops over them', async () => {
    // From the readers' fuzz test (seed 20261129, case 182): an int64 of 2^62 written over the footer,
    // landing on the schema's custom-metadata count. apache-arrow alone spins on it for ever.
    const bytes = new Uint8Array(readFileSync(path.join(import.meta.dirname, 'fixtures/footer-metadata-count-2p30.arrow')));
    const started = Date.now();
    const error = await errorReading(bytes, 'metadata-count.arrow');
    expect(error.message).toMatch(/its footer declares 1073741824 schema metadata entries in 872 bytes/);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
