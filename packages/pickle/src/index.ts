import { promises as fs } from 'node:fs';
import { basename } from 'node:path';
import { HitcastError } from '@hitcast/core';
import { planColumn, SHAPE_KEY } from './arrow-columns.ts';
import { PickleContentError } from './content-error.ts';
import { shapeTable, type SourceTable, type TableKind } from './table.ts';
import { asHitcastError, unpickle } from './unpickle.ts';
import { PICKLE_TABLE_ARTIFACT, writePickleTable } from './write-arrow.ts';

export { ALLOWED_GLOBALS } from './safe-globals.ts';
export { PICKLE_TABLE_ARTIFACT } from './write-arrow.ts';
export { SHAPE_KEY } from './arrow-columns.ts';

const KIND_LABELS: Record<TableKind, string> = {
  dataframe: 'a pandas DataFrame',
  dict: 'a dict of columns',
  records: 'a list of dicts (records)',
  list: 'a list of values',
  ndarray: 'a numpy array',
};

export interface ConvertPickleOptions {
  input: string;
  output: string;
  /** Receives human-readable progress lines. */
  log?: (line: string) => void;
}

export interface ConvertedColumn {
  name: string;
  /** The Arrow type, as apache-arrow prints it (e.g. "Utf8", "Int64", "FixedSizeList[262144]<Uint8>"). */
  type: string;
  /** Per-row shape of array/image columns, e.g. [256, 1024] (height, width) for spectrograms. */
  shape?: number[];
}

export interface ConvertPickleResult {
  rows: number;
  columns: ConvertedColumn[];
  /** What the pickle held: 'dataframe' | 'dict' | 'records' | 'list' | 'ndarray'. */
  kind: string;
}

/**
 * `hitcast pickle FILE.pkl --out FILE.arrow`: reads a Python pickle without running any of it and writes its
 * columns to an Arrow IPC file (artifact "pickle-table"). Supported: the original project's spotify_data.pkl
 * (a pandas DataFrame) and processed_data_*.pkl (a list of dicts with PIL spectrograms), and the common
 * notebook forms (DataFrame, dict of arrays/lists, list of dicts, list of values). Anything it cannot
 * represent exactly is refused with a HitcastError naming the file (and column/row where there is one).
 */
export async function convertPickle(options: ConvertPickleOptions): Promise<ConvertPickleResult> {
  const { input, output } = options;
  const log = options.log ?? (() => undefined);
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(input);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new HitcastError(`${input} does not exist`, { fix: 'check the path of the .pkl file' });
    if (code === 'EISDIR') throw new HitcastError(`${input} is a directory, not a pickle file`, { fix: 'name the .pkl file itself' });
    throw error;
  }
  log(`reading ${input} (${bytes.length.toLocaleString('en-US')} bytes)`);
  const { value, protocol, opcodes } = unpickle(bytes, input);
  log(`pickle protocol ${protocol}, ${opcodes.toLocaleString('en-US')} opcodes, only safe globals`);

  let table;
  let plans;
  try {
    table = shapeTable(value);
    plans = table.columns.map((column) => planColumn(column));
  } catch (error) {
    throw asHitcastError(error, input);
  }
  if (table.rows === 0) {
    throw new HitcastError(
      `${input} holds ${KIND_LABELS[table.kind]} with no rows (columns: ${columnNames(table)}): there is nothing to convert`,
      { fix: 'pickle the data again after checking that the DataFrame/list is not empty' },
    );
  }
  log(`found ${KIND_LABELS[table.kind]}: ${table.rows.toLocaleString('en-US')} rows x ${plans.length} columns`);
  for (const note of table.notes) log(`note: ${note}`);
  const columns: ConvertedColumn[] = plans.map((plan) => ({
    name: plan.field.name,
    type: String(plan.field.type),
    ...(plan.shape ? { shape: plan.shape } : {}),
  }));
  for (const column of columns) {
    log(`  ${column.name}: ${column.type}${column.shape ? ` shape [${column.shape.join(', ')}]` : ''}`);
  }

  const shapes = Object.fromEntries(columns.filter((c) => c.shape).map((c) => [c.name, c.shape]));
  const metadata: Record<string, string> = {
    'hitcast.pickle.source': basename(input),
    'hitcast.pickle.kind': table.kind,
    'hitcast.pickle.protocol': String(protocol),
  };
  if (Object.keys(shapes).length) metadata[`${SHAPE_KEY}s`] = JSON.stringify(shapes);
  let rows: number;
  try {
    rows = await writePickleTable(output, plans, table.rows, metadata);
  } catch (error) {
    throw error instanceof PickleContentError ? asHitcastError(error, input) : error;
  }
  log(`wrote ${rows.toLocaleString('en-US')} rows to ${output} (artifact "${PICKLE_TABLE_ARTIFACT.name}")`);
  return { rows, columns, kind: table.kind };
}

function columnNames(table: SourceTable): string {
  return table.columns.map((c) => c.name).join(', ') || 'none';
}
