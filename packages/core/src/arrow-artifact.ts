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

/** Describes a field the way error messages and checks compare them. */
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
    try {
      const opened = await RecordBatchReader.from(handle);
      await opened.open();
      if (!opened.isFile()) throw new Error('not the Arrow IPC file format');
      reader = opened as unknown as AsyncRecordBatchFileReader;
    } catch (error) {
      await handle.close();
      throw new HitcastError(`${path} is not a readable Arrow IPC file (${(error as Error).message})`, {
        fix: 'delete it and re-run the stage that writes it',
        cause: error,
      });
    }
    const artifact = new ArtifactReader(path, reader, handle);
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
      const batch = await this.reader.readRecordBatch(index);
      if (!batch) throw new HitcastError(`${this.path}: record batch ${index} is missing (file truncated?)`);
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
