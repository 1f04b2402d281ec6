import {
  Bool,
  type Data,
  type DataType,
  Field,
  FixedSizeList,
  Float16,
  Float32,
  Float64,
  Int8,
  Int16,
  Int32,
  Int64,
  makeData,
  Null,
  Uint8,
  Uint16,
  Uint32,
  Uint64,
  Utf8,
} from 'apache-arrow';
import { PickleContentError } from './content-error.ts';
import { NdArray, type NumericArray, NumpyDType, typedArray } from './numpy.ts';
import { PilImage } from './pil.ts';
import { aPythonType, isPyFloat, PyFloat } from './python-values.ts';
import type { SourceColumn } from './table.ts';

/**
 * Decides each column's Arrow type from all of its values, then builds it batch by batch
 * (so a few thousand 256x1024 spectrograms never sit in memory twice).
 *
 *   str → Utf8   bool → Bool   int → Int32 if every value fits, else Int64   float → Float64 (int+float → Float64)
 *   None, and NaN among Python objects → null (the field is then nullable)
 *   numpy 1-d numeric column → its own type (int8..uint64, float16/32/64, bool)
 *   numpy array per row, all of one dtype and shape → FixedSizeList<T>[prod(shape)], C order
 *   PIL image per row, all of one size → FixedSizeList<Uint8>[height*width], row-major 8-bit grey
 * Shapes go into the field metadata as `hitcast.shape` (a JSON array, e.g. [256,1024] = height, width).
 */

export const SHAPE_KEY = 'hitcast.shape';

export interface ColumnPlan {
  field: Field;
  shape?: number[];
  /** Rough bytes per row, to size record batches. */
  rowBytes: number;
  build(start: number, end: number): Data;
}

export function planColumn(column: SourceColumn): ColumnPlan {
  const { name, data } = column;
  if (data.source === 'numpy') return numpyPlan(name, data.dtype, data.cellShape, data.bytes);
  if (data.source === 'strings') return stringPlan(name, data.values, 0);
  return objectPlan(name, data.values);
}

function arrowType(dtype: NumpyDType): DataType {
  const types: Record<string, () => DataType> = {
    b1: () => new Bool(),
    i1: () => new Int8(),
    i2: () => new Int16(),
    i4: () => new Int32(),
    i8: () => new Int64(),
    u1: () => new Uint8(),
    u2: () => new Uint16(),
    u4: () => new Uint32(),
    u8: () => new Uint64(),
    f2: () => new Float16(),
    f4: () => new Float32(),
    f8: () => new Float64(),
  };
  const make = types[dtype.normalized];
  if (!make) throw new PickleContentError(`numpy dtype ${dtype.str} has no Arrow equivalent in hitcast`);
  return make();
}

function numericData(type: DataType, values: NumericArray | Uint8Array, length: number): Data {
  if (type instanceof Bool) return makeData({ type, length, nullCount: 0, data: packBits(length, (i) => values[i] !== 0) });
  return makeData({ type, length, nullCount: 0, data: values } as Parameters<typeof makeData>[0]) as Data;
}

function fieldWithShape(name: string, type: DataType, nullable: boolean, shape?: number[]): Field {
  const metadata = shape ? new Map([[SHAPE_KEY, JSON.stringify(shape)]]) : undefined;
  return new Field(name, type, nullable, metadata);
}

function listType(size: number, child: DataType): FixedSizeList {
  return new FixedSizeList(size, new Field('item', child, false));
}

function numpyPlan(name: string, dtype: NumpyDType, cellShape: number[], bytes: Uint8Array): ColumnPlan {
  const child = arrowType(dtype);
  const values = dtype.kind === 'b' ? bytes : typedArray(dtype, bytes);
  const size = cellShape.reduce((a, b) => a * b, 1);
  if (!cellShape.length) {
    return {
      field: new Field(name, child, false),
      rowBytes: dtype.itemsize,
      build: (start, end) => numericData(child, values.subarray(start, end), end - start),
    };
  }
  const type = listType(size, child);
  return {
    field: fieldWithShape(name, type, false, cellShape),
    shape: cellShape,
    rowBytes: size * dtype.itemsize,
    build: (start, end) =>
      makeData({
        type,
        length: end - start,
        nullCount: 0,
        child: numericData(child, values.subarray(start * size, end * size), (end - start) * size),
      }),
  };
}

type CellKind = 'null' | 'bool' | 'int' | 'float' | 'str' | 'array' | 'image';

function cellKind(value: unknown): CellKind | undefined {
  if (value === null) return 'null';
  if (isPyFloat(value)) return Number.isNaN(value.value) ? 'null' : 'float';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number' || typeof value === 'bigint') return 'int';
  if (typeof value === 'string') return 'str';
  if (value instanceof NdArray) return 'array';
  if (value instanceof PilImage) return 'image';
  return undefined;
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function objectPlan(name: string, values: unknown[]): ColumnPlan {
  const first = new Map<CellKind, number>();
  let nulls = 0;
  let fitsInt32 = true;
  values.forEach((value, row) => {
    const kind = cellKind(value);
    if (!kind) {
      throw new PickleContentError(
        `column "${name}", row ${row} holds ${aPythonType(value)}; each cell must be a str, int, float, bool, None, ` +
          'a numpy array or a PIL image',
      );
    }
    if (!first.has(kind)) first.set(kind, row);
    if (kind === 'null') nulls++;
    if (kind === 'int') {
      const n = value as number | bigint;
      if (typeof n === 'bigint' && (n < INT64_MIN || n > INT64_MAX)) {
        throw new PickleContentError(`column "${name}", row ${row} holds the int ${n}, which does not fit in 64 bits`);
      }
      if (n < INT32_MIN || n > INT32_MAX) fitsInt32 = false;
    }
  });
  first.delete('null');
  let kinds = [...first.keys()];
  if (kinds.length === 2 && first.has('int') && first.has('float')) kinds = ['float'];
  if (kinds.length > 1) {
    const found = [...first].map(([kind, row]) => `${kind} (first at row ${row})`).join(' and ');
    throw new PickleContentError(
      `column "${name}" mixes ${found}; a column must hold one kind of value`,
      `make every value of "${name}" the same type before pickling (for example all str, or all float with None for missing)`,
    );
  }
  const nullable = nulls > 0;
  const isNull = (v: unknown): boolean => cellKind(v) === 'null';
  switch (kinds[0]) {
    case undefined:
      return { field: new Field(name, new Null(), true), rowBytes: 0, build: (s, e) => makeData({ type: new Null(), length: e - s }) };
    case 'str':
      return stringPlan(name, values, nulls);
    case 'bool':
      return scalarPlan(name, new Bool(), values, nullable, 1, (length) => {
        const bits = new Uint8Array(Math.ceil(length / 8));
        return { store: (i, v) => v && (bits[i >> 3] |= 1 << (i & 7)), data: bits };
      });
    case 'int':
      if (fitsInt32) {
        return scalarPlan(name, new Int32(), values, nullable, 4, (length) => {
          const data = new Int32Array(length);
          return { store: (i, v) => (data[i] = Number(v)), data };
        });
      }
      return scalarPlan(name, new Int64(), values, nullable, 8, (length) => {
        const data = new BigInt64Array(length);
        return { store: (i, v) => (data[i] = BigInt(v as number | bigint)), data };
      });
    case 'float':
      return scalarPlan(name, new Float64(), values, nullable, 8, (length) => {
        const data = new Float64Array(length);
        return { store: (i, v) => (data[i] = v instanceof PyFloat ? v.value : Number(v)), data };
      });
    case 'array':
      return arrayCellsPlan(name, values, nullable, isNull);
    case 'image':
      return imagePlan(name, values, nullable, isNull);
  }
  throw new Error(`unhandled cell kind ${kinds[0]}`);
}

function packBits(length: number, bit: (i: number) => boolean): Uint8Array {
  const bits = new Uint8Array(Math.ceil(length / 8));
  for (let i = 0; i < length; i++) if (bit(i)) bits[i >> 3] |= 1 << (i & 7);
  return bits;
}

/** Validity bitmap for rows [start, end), or undefined when none of them is null. */
function validity(values: unknown[], start: number, end: number, isNull: (v: unknown) => boolean) {
  let nullCount = 0;
  for (let i = start; i < end; i++) if (isNull(values[i])) nullCount++;
  const nullBitmap = nullCount ? packBits(end - start, (i) => !isNull(values[start + i])) : undefined;
  return { nullCount, nullBitmap };
}

function scalarPlan(
  name: string,
  type: DataType,
  values: unknown[],
  nullable: boolean,
  rowBytes: number,
  storage: (length: number) => { store: (i: number, v: unknown) => unknown; data: ArrayBufferView },
): ColumnPlan {
  const isNull = (v: unknown) => cellKind(v) === 'null';
  return {
    field: new Field(name, type, nullable),
    rowBytes,
    build: (start, end) => {
      const length = end - start;
      const { store, data } = storage(length);
      for (let i = 0; i < length; i++) {
        const v = values[start + i];
        if (!isNull(v)) store(i, v);
      }
      return makeData({ type, length, ...validity(values, start, end, isNull), data } as Parameters<typeof makeData>[0]) as Data;
    },
  };
}

const encoder = new TextEncoder();

function stringPlan(name: string, values: unknown[], nulls: number): ColumnPlan {
  const isNull = (v: unknown) => cellKind(v) === 'null';
  const type = new Utf8();
  return {
    field: new Field(name, type, nulls > 0),
    rowBytes: 32,
    build: (start, end) => {
      const length = end - start;
      const offsets = new Int32Array(length + 1);
      const parts: Uint8Array[] = [];
      let used = 0;
      for (let i = 0; i < length; i++) {
        const v = values[start + i];
        if (!isNull(v)) {
          const bytes = encoder.encode(v as string);
          parts.push(bytes);
          used += bytes.length;
        }
        offsets[i + 1] = used;
      }
      const data = new Uint8Array(used);
      let at = 0;
      for (const part of parts) {
        data.set(part, at);
        at += part.length;
      }
      return makeData({ type, length, ...validity(values, start, end, isNull), valueOffsets: offsets, data });
    },
  };
}

function arrayCellsPlan(name: string, values: unknown[], nullable: boolean, isNull: (v: unknown) => boolean): ColumnPlan {
  let template: NdArray | undefined;
  let templateRow = 0;
  values.forEach((value, row) => {
    if (!(value instanceof NdArray)) return;
    value.check();
    if (!value.dtype.isNumeric) {
      throw new PickleContentError(
        `column "${name}", row ${row} holds a numpy array of ${value.dtype.problem() ?? `dtype ${value.dtype.str}`}; ` +
          'arrays in cells must be numeric or bool',
      );
    }
    if (!template) {
      template = value;
      templateRow = row;
    } else if (value.dtype.normalized !== template.dtype.normalized || value.shape.join() !== template.shape.join()) {
      throw new PickleContentError(
        `column "${name}": row ${row} holds a ${value.dtype.str} array of shape [${value.shape}] but row ${templateRow} ` +
          `a ${template.dtype.str} array of shape [${template.shape}]; every row's array must have one dtype and shape`,
        'pad or resize the arrays to one shape before pickling',
      );
    }
  });
  const { dtype, shape } = template!;
  const size = template!.size;
  const child = arrowType(dtype);
  const type = listType(size, child);
  return {
    field: fieldWithShape(name, type, nullable, shape),
    shape,
    rowBytes: size * dtype.itemsize,
    build: (start, end) => {
      const length = end - start;
      const bytes = new Uint8Array(length * size * dtype.itemsize);
      for (let i = 0; i < length; i++) {
        const v = values[start + i];
        if (v instanceof NdArray) bytes.set(v.cOrderBytes(), i * size * dtype.itemsize);
      }
      const flat = dtype.kind === 'b' ? bytes : typedArray(dtype, bytes);
      return makeData({
        type,
        length,
        ...validity(values, start, end, isNull),
        child: numericData(child, flat, length * size),
      });
    },
  };
}

function imagePlan(name: string, values: unknown[], nullable: boolean, isNull: (v: unknown) => boolean): ColumnPlan {
  let template: PilImage | undefined;
  let templateRow = 0;
  const modes = new Set<string>();
  values.forEach((value, row) => {
    if (!(value instanceof PilImage)) return;
    const problem = value.problem();
    if (problem) {
      throw new PickleContentError(
        `column "${name}", row ${row} holds ${problem}`,
        "convert the images to 8-bit grey before pickling: image.convert('L')",
      );
    }
    modes.add(value.mode);
    if (!template) {
      template = value;
      templateRow = row;
    } else if (value.width !== template.width || value.height !== template.height) {
      throw new PickleContentError(
        `column "${name}": row ${row} holds a ${value.width}x${value.height} image but row ${templateRow} a ` +
          `${template.width}x${template.height} one; every row's image must have one size`,
        'resize the images to one size before pickling',
      );
    }
  });
  const shape = [template!.height, template!.width];
  const size = shape[0] * shape[1];
  const type = listType(size, new Uint8());
  const field = fieldWithShape(name, type, nullable, shape);
  if (!modes.has('L') || modes.size > 1) field.metadata.set('hitcast.converted_from_modes', JSON.stringify([...modes]));
  return {
    field,
    shape,
    rowBytes: size,
    build: (start, end) => {
      const length = end - start;
      const pixels = new Uint8Array(length * size);
      for (let i = 0; i < length; i++) {
        const v = values[start + i];
        if (v instanceof PilImage) pixels.set(v.luminance(), i * size);
      }
      return makeData({
        type,
        length,
        ...validity(values, start, end, isNull),
        child: makeData({ type: new Uint8(), length: length * size, nullCount: 0, data: pixels }),
      });
    },
  };
}
