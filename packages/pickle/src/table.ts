import { PickleContentError } from './content-error.ts';
import { NdArray, NumpyDType } from './numpy.ts';
import { DataFrame, frameColumns } from './pandas.ts';
import { aPythonType } from './python-values.ts';

/**
 * Turns the unpickled value into named columns of equal length, without deciding Arrow types yet.
 *
 *   pandas DataFrame                      → its columns (the row index is dropped; order is kept)
 *   dict of numpy arrays / lists          → one column per key
 *   list/tuple of dicts (records)         → one column per key, in order of first appearance; a missing key is None
 *   list/tuple of values, numpy array     → one column named "value"
 */

export type TableKind = 'dataframe' | 'dict' | 'records' | 'list' | 'ndarray';

/** A column's data, still in Python terms. */
export type ColumnSource =
  /** Numeric/bool numpy data as little-endian C-order bytes; each row is a cell of `cellShape` (scalar: []). */
  | { source: 'numpy'; dtype: NumpyDType; cellShape: number[]; bytes: Uint8Array }
  /** numpy str_ ('U') values. */
  | { source: 'strings'; values: string[] }
  /** Python objects, one per row. */
  | { source: 'objects'; values: unknown[] };

export interface SourceColumn {
  name: string;
  data: ColumnSource;
}

export interface SourceTable {
  kind: TableKind;
  rows: number;
  columns: SourceColumn[];
  notes: string[];
}

export function shapeTable(value: unknown): SourceTable {
  if (value instanceof DataFrame) return fromDataFrame(value);
  if (value instanceof Map) return fromDict(value);
  if (value instanceof NdArray) return single('ndarray', arrayColumn('value', value.check()));
  if (Array.isArray(value)) return fromList(value);
  throw new PickleContentError(
    `the pickle holds ${aPythonType(value)}; hitcast reads a pandas DataFrame, a dict of columns, ` +
      'a list of dicts (records) or a list of values',
  );
}

function single(kind: TableKind, column: SourceColumn & { rows: number }): SourceTable {
  return { kind, rows: column.rows, columns: [{ name: column.name, data: column.data }], notes: [] };
}

function fromDataFrame(frame: DataFrame): SourceTable {
  const { rows, columns, rowIndex } = frameColumns(frame);
  const notes: string[] = [];
  if (rowIndex.className !== 'RangeIndex' || rowIndex.start !== 0 || rowIndex.step !== 1) {
    notes.push(`the DataFrame's row index (${rowIndex.className}) is not written; rows keep their order`);
  }
  // A block holds several columns: decode each block once, then cut its rows (= DataFrame columns) out.
  const decoded = new Map<NdArray, Uint8Array | unknown[] | string[]>();
  const whole = <T>(block: NdArray, decode: () => T): T => {
    if (!decoded.has(block)) decoded.set(block, decode() as Uint8Array);
    return decoded.get(block) as T;
  };
  const sources = columns.map(({ name, block, row }): SourceColumn => {
    const { from, to } = { from: row * rows, to: (row + 1) * rows };
    if (block.dtype.kind === 'O') {
      return { name, data: { source: 'objects', values: whole(block, () => block.objects()).slice(from, to) } };
    }
    const problem = block.dtype.problem();
    if (problem) throw new PickleContentError(`column "${name}" holds ${problem}`);
    if (block.dtype.kind === 'U') {
      return { name, data: { source: 'strings', values: whole(block, () => block.strings()).slice(from, to) } };
    }
    const size = block.dtype.itemsize;
    const bytes = whole(block, () => block.cOrderBytes()).slice(from * size, to * size);
    return { name, data: { source: 'numpy', dtype: block.dtype, cellShape: [], bytes } };
  });
  return { kind: 'dataframe', rows, columns: sources, notes };
}

function fromDict(dict: Map<unknown, unknown>): SourceTable {
  const columns: (SourceColumn & { rows: number })[] = [];
  for (const [key, value] of dict) {
    const name = keyName(key, 'dict key');
    if (value instanceof NdArray) {
      if (value.check().ndim === 0) throw notColumns(name, 'a 0-d numpy array (a single value)');
      columns.push(arrayColumn(name, value));
    } else if (Array.isArray(value)) {
      columns.push({ name, rows: value.length, data: { source: 'objects', values: value } });
    } else {
      throw notColumns(name, aPythonType(value));
    }
  }
  if (!columns.length) throw new PickleContentError('the pickle holds an empty dict: there are no columns to write');
  const rows = columns[0].rows;
  const other = columns.find((c) => c.rows !== rows);
  if (other) {
    throw new PickleContentError(
      `the dict's columns differ in length: "${columns[0].name}" has ${rows} rows but "${other.name}" has ${other.rows}`,
      'every value of a dict of columns must have the same length',
    );
  }
  return { kind: 'dict', rows, columns: columns.map(({ name, data }) => ({ name, data })), notes: [] };
}

function notColumns(name: string, what: string): PickleContentError {
  return new PickleContentError(
    `the dict's value for "${name}" is ${what}; a dict of columns needs every value to be a numpy array or a list`,
    'pickle a dict whose values are numpy arrays or lists of equal length, or a list of dicts (records)',
  );
}

function fromList(list: unknown[]): SourceTable {
  if (!list.length) throw new PickleContentError('the pickle holds an empty list: there are no rows or columns to write');
  const dicts = list.filter((item) => item instanceof Map).length;
  if (dicts === 0) return single('list', { name: 'value', rows: list.length, data: { source: 'objects', values: list } });
  if (dicts !== list.length) {
    const row = list.findIndex((item) => !(item instanceof Map));
    throw new PickleContentError(
      `the pickle holds a list of dicts, but row ${row} is ${aPythonType(list[row])}, not a dict`,
    );
  }
  const records = (list as Map<unknown, unknown>[]).map((record, row) => {
    const named = new Map<string, unknown>();
    for (const [key, value] of record) named.set(keyName(key, `row ${row}: key`), value);
    return named;
  });
  const names = [...new Set(records.flatMap((record) => [...record.keys()]))];
  const notes: string[] = [];
  const columns = names.map((name): SourceColumn => {
    const missing = records.filter((record) => !record.has(name)).length;
    if (missing) notes.push(`"${name}" is missing from ${missing} of ${records.length} records (written as null)`);
    return { name, data: { source: 'objects', values: records.map((record) => record.get(name) ?? null) } };
  });
  return { kind: 'records', rows: records.length, columns, notes };
}

/** A numpy array as a column: its first axis are the rows, the rest is each row's cell shape. */
function arrayColumn(name: string, array: NdArray): SourceColumn & { rows: number } {
  if (array.ndim === 0) throw new PickleContentError(`"${name}" is a 0-d numpy array (a single value), not a column`);
  const rows = array.shape[0];
  const cellShape = array.shape.slice(1);
  if (array.dtype.kind === 'O') {
    if (cellShape.length) {
      throw new PickleContentError(`"${name}" is a ${array.ndim}-d numpy object array; hitcast reads 1-d object arrays`);
    }
    return { name, rows, data: { source: 'objects', values: array.objects() } };
  }
  const problem = array.dtype.problem();
  if (problem) throw new PickleContentError(`column "${name}" holds ${problem}`);
  if (array.dtype.kind === 'U') {
    if (cellShape.length) throw new PickleContentError(`"${name}" is a ${array.ndim}-d numpy str array; hitcast reads 1-d ones`);
    return { name, rows, data: { source: 'strings', values: array.strings() } };
  }
  return { name, rows, data: { source: 'numpy', dtype: array.dtype, cellShape, bytes: array.cOrderBytes() } };
}

function keyName(key: unknown, where: string): string {
  if (typeof key === 'string') return key;
  if (typeof key === 'number' || typeof key === 'bigint') return String(key);
  throw new PickleContentError(`${where} ${aPythonType(key)} cannot name a column; use str keys`);
}
