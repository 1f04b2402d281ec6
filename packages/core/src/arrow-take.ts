import { Data, DataType, makeData, type RecordBatch, type Schema, Type } from 'apache-arrow';
import { recordBatchFromColumns } from './arrow-artifact.ts';

/**
 * Copies the chosen rows of a record batch into a new one, column buffers directly (apache-arrow has
 * no filter/take). Covers the column types hitcast artifacts use: numbers, Bool, Utf8, List and
 * FixedSizeList of those, all without nulls.
 */
export function takeRows(batch: RecordBatch, rows: ArrayLike<number>, schema: Schema = batch.schema): RecordBatch {
  const columns: Record<string, Data> = {};
  batch.schema.fields.forEach((field, i) => {
    columns[field.name] = takeData(batch.data.children[i], rows);
  });
  // `schema` may differ from the batch's in metadata only (e.g. another artifact name).
  return recordBatchFromColumns(schema, columns);
}

export function takeData(data: Data, rows: ArrayLike<number>): Data {
  if (data.nullCount > 0) throw new Error(`takeRows: column of type ${data.type} has nulls, which hitcast artifacts never hold`);
  const type = data.type;
  const length = rows.length;
  if (DataType.isInt(type) || DataType.isFloat(type)) {
    const values = data.values as unknown as { constructor: new (n: number) => Int32Array } & ArrayLike<number>;
    const out = new values.constructor(length);
    for (let i = 0; i < length; i++) out[i] = values[rows[i]];
    return makeData({ type, length, nullCount: 0, data: out } as never);
  }
  if (DataType.isBool(type)) {
    const bits = new Uint8Array(Math.ceil(length / 8));
    const source = data.values as Uint8Array;
    for (let i = 0; i < length; i++) {
      const at = data.offset + rows[i];
      if (source[at >> 3] & (1 << (at & 7))) bits[i >> 3] |= 1 << (i & 7);
    }
    return makeData({ type, length, nullCount: 0, data: bits } as never);
  }
  if (type.typeId === Type.Utf8) {
    const offsets = data.valueOffsets as Int32Array;
    const bytes = data.values as Uint8Array;
    const outOffsets = new Int32Array(length + 1);
    for (let i = 0; i < length; i++) outOffsets[i + 1] = outOffsets[i] + offsets[rows[i] + 1] - offsets[rows[i]];
    const out = new Uint8Array(outOffsets[length]);
    for (let i = 0; i < length; i++) out.set(bytes.subarray(offsets[rows[i]], offsets[rows[i] + 1]), outOffsets[i]);
    return makeData({ type, length, nullCount: 0, valueOffsets: outOffsets, data: out } as never);
  }
  if (DataType.isList(type)) {
    const offsets = data.valueOffsets as Int32Array;
    const outOffsets = new Int32Array(length + 1);
    const childRows: number[] = [];
    for (let i = 0; i < length; i++) {
      for (let k = offsets[rows[i]]; k < offsets[rows[i] + 1]; k++) childRows.push(k);
      outOffsets[i + 1] = childRows.length;
    }
    const child = takeData(data.children[0], childRows);
    return makeData({ type, length, nullCount: 0, valueOffsets: outOffsets, child } as never);
  }
  if (DataType.isFixedSizeList(type)) {
    const size = type.listSize;
    const childRows = new Int32Array(length * size);
    for (let i = 0; i < length; i++) for (let k = 0; k < size; k++) childRows[i * size + k] = rows[i] * size + k;
    const child = takeData(data.children[0], childRows);
    return makeData({ type, length, nullCount: 0, child } as never);
  }
  throw new Error(`takeRows: column type ${type} is not supported`);
}
