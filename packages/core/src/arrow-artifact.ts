import * as flatbuffers from 'flatbuffers';
import { Footer as FooterTable } from 'apache-arrow/fb/footer';
import { promises as fs } from 'node:fs';
import {
  Data,
  Field,
  makeData,
  RecordBatch,
  RecordBatchFileWriter,
  RecordBatchReader,
  Schema,
  Struct,
  Table,
  util,
  vectorFromArray,
  type AsyncRecordBatchFileReader,
} from 'apache-arrow';
import { withAtomicFile } from './atomic.ts';
import { HitcastError } from './errors.ts';

/**
 * What a stage promises about one artifact: a name, a schema version, and its columns.
 * Both go into the Arrow schema metadata, so a reader can refuse a file written by an older
 * (or different) stage instead of misreading it.
 */
export interface ArtifactSpec {
  name: string;
  version: number;
  fields: Field[];
}

const ARTIFACT_KEY = 'hitcast.artifact';
const VERSION_KEY = 'hitcast.schema_version';

export function artifactSchema(spec: ArtifactSpec, metadata: Record<string, string> = {}): Schema {
  const meta = new Map<string, string>(Object.entries(metadata));
  meta.set(ARTIFACT_KEY, spec.name);
  meta.set(VERSION_KEY, String(spec.version));
  return new Schema(spec.fields, meta);
}

/**
 * Builds a record batch from one column (Data) per schema field, in schema order.
 * Fails loudly if a column is missing or lengths differ, which Arrow itself would not catch here.
 */
export function recordBatchFromColumns(schema: Schema, columns: Record<string, Data>): RecordBatch {
  const children = schema.fields.map((field) => {
    const column = columns[field.name];
    if (!column) throw new Error(`record batch lacks column "${field.name}"`);
    return column;
  });
  const length = children.length ? children[0].length : 0;
  for (const [i, child] of children.entries()) {
    if (child.length !== length) {
      throw new Error(`column "${schema.fields[i].name}" has ${child.length} rows, expected ${length}`);
    }
  }
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length, nullCount: 0, children }));
}

/** A zero-row batch of `schema` (apache-arrow cannot build one from the schema alone). */
function emptyBatch(schema: Schema): RecordBatch {
  const columns = Object.fromEntries(schema.fields.map((f) => [f.name, vectorFromArray([], f.type).data[0]]));
  return recordBatchFromColumns(schema, columns);
}

/** Exposes how many bytes the writer has produced, so the caller can wait for the disk (back-pressure). */
class PositionedFileWriter extends RecordBatchFileWriter {
  get bytesProduced(): number {
    return this._position;
  }
}

/**
 * Writes record batches to an Arrow IPC file, atomically (temp file + rename) and with bounded memory:
 * the producer waits whenever more than `highWaterBytes` are queued but not yet on disk.
 * Returns the number of rows written.
 */
export async function writeArtifact(
  destination: string,
  schema: Schema,
  batches: AsyncIterable<RecordBatch> | Iterable<RecordBatch>,
  { highWaterBytes = 64 * 1024 * 1024 }: { highWaterBytes?: number } = {},
): Promise<number> {
  return withAtomicFile(destination, async (tmp) => {
    const handle = await fs.open(tmp, 'w');
    const writer = new PositionedFileWriter();
    writer.reset(undefined, schema);
    let bytesOnDisk = 0;
    const waiting: { wake: (() => void) | null } = { wake: null };
    const drain = (async () => {
      for await (const chunk of writer) {
        await handle.write(chunk);
        bytesOnDisk += chunk.byteLength;
        waiting.wake?.();
        waiting.wake = null;
      }
    })();
    let rows = 0;
    try {
      for await (const batch of batches) {
        checkBatchSchema(batch, schema, destination);
        writer.write(batch);
        rows += batch.numRows;
        while (writer.bytesProduced - bytesOnDisk > highWaterBytes) {
          await new Promise<void>((resolve) => (waiting.wake = resolve));
        }
      }
      // An empty artifact still needs its schema written.
      if (rows === 0) writer.write(emptyBatch(schema));
      writer.finish();
      writer.close();
      await drain;
    } catch (error) {
      writer.abort(error);
      await drain.catch(() => undefined);
      throw error;
    } finally {
      await handle.close();
    }
    return rows;
  });
}

function checkBatchSchema(batch: RecordBatch, schema: Schema, destination: string): void {
  const got = batch.schema.fields.map((f) => `${f.name}:${f.type}`).join(', ');
  const want = schema.fields.map((f) => `${f.name}:${f.type}`).join(', ');
  if (got !== want) {
    throw new Error(`batch for ${destination} does not match its schema: got [${got}], want [${want}]`);
  }
}

const FIX_UNREADABLE = 'the file is damaged or incomplete: delete it and re-run the stage that writes it';
const MAGIC = 'ARROW1';

/** The Arrow IPC file's frame: magic at both ends and a footer that fits in the file. */
async function checkFileLayout(handle: fs.FileHandle, size: number): Promise<void> {
  if (size < 8 + 10) throw new Error(`the file is ${size} bytes long, too short for an Arrow IPC file`);
  const head = Buffer.alloc(6);
  const tail = Buffer.alloc(10);
  await handle.read(head, 0, 6, 0);
  await handle.read(tail, 0, 10, size - 10);
  if (head.toString('latin1') !== MAGIC || tail.toString('latin1', 4) !== MAGIC) throw new Error('no "ARROW1" magic at its start and end');
  const footerLength = tail.readInt32LE(0);
  if (footerLength <= 0 || footerLength > size - 8 - 10) {
    throw new Error(`it declares a footer of ${footerLength} bytes in a file of ${size} bytes`);
  }
  const footer = Buffer.alloc(footerLength);
  await handle.read(footer, 0, footerLength, size - 10 - footerLength);
  checkFooterCounts(new Uint8Array(footer.buffer, footer.byteOffset, footerLength));
}

/**
 * apache-arrow decodes the footer's vectors (blocks, fields, custom metadata) by looping over the counts
 * they declare, so a damaged count (2^30 metadata entries in a 900-byte footer) hangs it. Every entry of
 * these vectors takes at least 4 bytes of the footer: larger counts are damage.
 */
function checkFooterCounts(bytes: Uint8Array): void {
  const footer = FooterTable.getRootAsFooter(new flatbuffers.ByteBuffer(bytes));
  const room = bytes.byteLength / 4;
  const check = (what: string, count: number) => {
    if (!(count >= 0 && count <= room)) throw new Error(`its footer declares ${count} ${what} in ${bytes.byteLength} bytes`);
  };
  check('record batches', footer.recordBatchesLength());
  check('dictionary batches', footer.dictionariesLength());
  const schema = footer.schema();
  if (!schema) return;
  check('schema metadata entries', schema.customMetadataLength());
  check('fields', schema.fieldsLength());
  const fields = Array.from({ length: schema.fieldsLength() }, (_, i) => schema.fields(i));
  for (let visited = 0; fields.length > 0; visited++) {
    const field = fields.pop();
    if (!field) continue;
    if (visited > room) throw new Error(`its footer nests more fields than its ${bytes.byteLength} bytes can hold`);
    check('field metadata entries', field.customMetadataLength());
    check('child fields', field.childrenLength());
    for (let i = 0; i < field.childrenLength(); i++) fields.push(field.children(i));
  }
}

/** The largest length of a Data or of any of its children. */
function longestData(data: Data): number {
  let longest = data.length;
  for (const child of data.children) longest = Math.max(longest, longestData(child));
  return longest;
}

/** Every record batch and dictionary block the footer lists lies inside the file. */
function checkBlocks(reader: AsyncRecordBatchFileReader, size: number): void {
  const footer = reader.footer;
  if (!footer) throw new Error('it has no footer');
  const blocks = [
    ...Array.from({ length: footer.numRecordBatches }, (_, i) => ['record batch', i, () => footer.getRecordBatch(i)] as const),
    ...Array.from({ length: footer.numDictionaries }, (_, i) => ['dictionary batch', i, () => footer.getDictionaryBatch(i)] as const),
  ];
  for (const [kind, i, get] of blocks) {
    const block = get();
    if (!block) throw new Error(`its footer lacks ${kind} ${i}`);
    const { offset, metaDataLength, bodyLength } = block;
    const ok = [offset, metaDataLength, bodyLength].every((n) => Number.isSafeInteger(n) && n >= 0) && offset >= 8 && offset + metaDataLength + bodyLength <= size;
    if (!ok) throw new Error(`its footer places ${kind} ${i} at offset ${offset} (${metaDataLength} + ${bodyLength} bytes), outside the file's ${size} bytes`);
  }
}

/** Describes a field the way error messages and checks compare them. */
/** A record batch message's metadata as apache-arrow decodes it (lengths already converted to numbers). */
interface BatchHeader {
  length: number;
  nodes: { length: number; nullCount: number }[];
  buffers: { offset: number; length: number }[];
}

/**
 * apache-arrow builds a batch's columns from the lengths its message declares, before anything can look
 * at them: a damaged length (2^62 values in a fixed-size list) sends it looping or allocating without
 * end. So each message is checked against its body and the file before the columns are built: every
 * buffer inside the body, every length within what the file's bits could hold (each column hitcast
 * writes takes at least one bit per value). This wraps the reader's one private loading step; a version of
 * apache-arrow without it fails here, loudly, rather than reading unchecked.
 */
function guardBatchLoading(reader: AsyncRecordBatchFileReader, size: number): void {
  const impl = (reader as unknown as { _impl: { _loadRecordBatch?: (header: BatchHeader, body: Uint8Array, metadata: unknown) => unknown } })._impl;
  const load = impl?._loadRecordBatch;
  if (typeof load !== 'function') throw new Error('this version of apache-arrow has no _loadRecordBatch step to check record batches with (see arrow-artifact.ts)');
  impl._loadRecordBatch = function (header: BatchHeader, body: Uint8Array, metadata: unknown) {
    const bits = 8 * size;
    const bad = (what: string) => new Error(`its record batch declares ${what}`);
    if (!(header.length >= 0 && header.length <= bits)) throw bad(`${header.length} rows in a file of ${size} bytes`);
    for (const node of header.nodes) {
      if (!(node.length >= 0 && node.length <= bits && node.nullCount >= 0 && node.nullCount <= node.length)) {
        throw bad(`a column of ${node.length} values (${node.nullCount} null) in a file of ${size} bytes`);
      }
    }
    for (const buffer of header.buffers) {
      if (!(buffer.offset >= 0 && buffer.length >= 0 && buffer.offset + buffer.length <= body.byteLength)) {
        throw bad(`a buffer of ${buffer.length} bytes at ${buffer.offset}, outside its body of ${body.byteLength} bytes`);
      }
    }
    return load.call(this, header, body, metadata);
  };
}

function describeField(field: Field): string {
  return `${field.name}: ${field.type}`;
}

/**
 * Opens an artifact for lazy, batch-by-batch reading (memory stays at one batch) after checking that
 * it is the artifact and schema version `spec` describes, with the expected columns and types.
 */
export class ArtifactReader {
  private constructor(
    readonly path: string,
    private readonly reader: AsyncRecordBatchFileReader,
    private readonly handle: fs.FileHandle,
    private readonly size: number,
  ) {}

  static async open(path: string, spec: ArtifactSpec): Promise<ArtifactReader> {
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(path, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new HitcastError(`artifact ${path} does not exist`, {
          fix: `run the stage that writes "${spec.name}" first (see README: pipeline)`,
        });
      }
      throw error;
    }
    let reader: AsyncRecordBatchFileReader;
    let size = 0;
    try {
      // apache-arrow allocates what the footer length and the record batch blocks declare, before reading
      // (a negative block offset, a footer of 2 GiB in a 1 KiB file): both are checked against the file's size.
      size = (await handle.stat()).size;
      await checkFileLayout(handle, size);
      const opened = await RecordBatchReader.from(handle);
      await opened.open();
      if (!opened.isFile()) throw new Error('not the Arrow IPC file format');
      reader = opened as unknown as AsyncRecordBatchFileReader;
      checkBlocks(reader, size);
      guardBatchLoading(reader, size);
    } catch (error) {
      await handle.close();
      throw new HitcastError(`${path} is not a readable Arrow IPC file (${(error as Error).message})`, {
        fix: FIX_UNREADABLE,
        cause: error,
      });
    }
    const artifact = new ArtifactReader(path, reader, handle, size);
    try {
      artifact.check(spec);
    } catch (error) {
      await artifact.close();
      throw error;
    }
    return artifact;
  }

  get schema(): Schema {
    return this.reader.schema;
  }

  get metadata(): Map<string, string> {
    return this.reader.schema.metadata;
  }

  get numBatches(): number {
    return this.reader.numRecordBatches;
  }

  /** Reads one record batch. Calls may overlap: they are queued, since the file reader seeks one shared position. */
  readBatch(index: number): Promise<RecordBatch> {
    const read = this.queue.then(async () => {
      let batch: RecordBatch | null;
      try {
        batch = await this.reader.readRecordBatch(index);
      } catch (error) {
        throw new HitcastError(`${this.path}: record batch ${index} cannot be read (${(error as Error).message})`, { fix: FIX_UNREADABLE, cause: error });
      }
      if (!batch) throw new HitcastError(`${this.path}: record batch ${index} is missing (file truncated?)`, { fix: FIX_UNREADABLE });
      // Every column hitcast writes takes at least one bit per row, so a length beyond 8 bits per byte of the
      // file is a damaged header (2^62 rows), which would otherwise send a reader looping over rows it lacks.
      const longest = longestData(batch.data);
      if (longest > 8 * this.size) {
        throw new HitcastError(`${this.path}: record batch ${index} declares ${longest} values, more than the file's ${this.size} bytes can hold`, { fix: FIX_UNREADABLE });
      }
      if (!util.compareSchemas(this.schema, batch.schema)) {
        throw new HitcastError(`${this.path}: record batch ${index} does not match the file's schema`, { fix: FIX_UNREADABLE });
      }
      return batch;
    });
    this.queue = read.catch(() => undefined);
    return read;
  }

  private queue: Promise<unknown> = Promise.resolve();

  async *batches(): AsyncGenerator<RecordBatch> {
    for (let i = 0; i < this.numBatches; i++) yield await this.readBatch(i);
  }

  /** Reads everything into one Table: only for artifacts known to be small. */
  async readAll(): Promise<Table> {
    const batches: RecordBatch[] = [];
    for await (const batch of this.batches()) batches.push(batch);
    return new Table(this.schema, batches);
  }

  async close(): Promise<void> {
    await this.handle.close();
  }

  private check(spec: ArtifactSpec): void {
    const meta = this.metadata;
    const name = meta.get(ARTIFACT_KEY);
    const version = meta.get(VERSION_KEY);
    const rerun = `re-run the stage that writes "${spec.name}" so it is rewritten with the current schema`;
    if (name !== spec.name) {
      throw new HitcastError(
        `${this.path} is not a "${spec.name}" artifact (its metadata says ${name ? `"${name}"` : 'nothing'})`,
        { fix: `point hitcast at the "${spec.name}" artifact, or ${rerun}` },
      );
    }
    if (version !== String(spec.version)) {
      throw new HitcastError(
        `${this.path} has schema version ${version ?? '(none)'} but this hitcast reads version ${spec.version}`,
        { fix: rerun },
      );
    }
    const actual = new Map(this.schema.fields.map((f) => [f.name, f]));
    for (const expected of spec.fields) {
      const found = actual.get(expected.name);
      if (!found) {
        throw new HitcastError(`${this.path} lacks column "${describeField(expected)}"`, { fix: rerun });
      }
      if (String(found.type) !== String(expected.type)) {
        throw new HitcastError(
          `${this.path}: column "${expected.name}" is ${found.type}, expected ${expected.type}`,
          { fix: rerun },
        );
      }
    }
  }
}

/** Convenience for small artifacts: open, check, read all, close. */
export async function readArtifact(path: string, spec: ArtifactSpec): Promise<Table> {
  const reader = await ArtifactReader.open(path, spec);
  try {
    return await reader.readAll();
  } finally {
    await reader.close();
  }
}
