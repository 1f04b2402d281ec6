import { Bool, Data, Field, List, makeData, Utf8 } from 'apache-arrow';

/**
 * Builders for the Arrow column types hitcast writes a lot of. apache-arrow's generic builders are
 * flexible but slow for hundreds of thousands of rows; these fill the buffers directly.
 */

const encoder = new TextEncoder();

/** UTF-8 bytes and offsets for a list of strings (shared by Utf8 and List<Utf8> columns). */
function encodeStrings(values: readonly string[]): { offsets: Int32Array; bytes: Uint8Array } {
  const offsets = new Int32Array(values.length + 1);
  // Worst case is 3 bytes per UTF-16 unit; start smaller and grow as needed.
  let bytes = new Uint8Array(Math.max(64, values.length * 16));
  let used = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (bytes.length - used < value.length * 3) {
      const grown = new Uint8Array(Math.max(bytes.length * 2, used + value.length * 3));
      grown.set(bytes.subarray(0, used));
      bytes = grown;
    }
    used += encoder.encodeInto(value, bytes.subarray(used)).written;
    offsets[i + 1] = used;
  }
  return { offsets, bytes: bytes.slice(0, used) };
}

export function utf8Column(values: readonly string[]): Data<Utf8> {
  const { offsets, bytes } = encodeStrings(values);
  return makeData({ type: new Utf8(), length: values.length, nullCount: 0, valueOffsets: offsets, data: bytes });
}

export function utf8ListType(): List<Utf8> {
  return new List(new Field('item', new Utf8(), false));
}

export function utf8ListColumn(values: readonly (readonly string[])[]): Data<List<Utf8>> {
  const listOffsets = new Int32Array(values.length + 1);
  const flat: string[] = [];
  for (let i = 0; i < values.length; i++) {
    for (const item of values[i]) flat.push(item);
    listOffsets[i + 1] = flat.length;
  }
  const type = utf8ListType();
  return makeData({ type, length: values.length, nullCount: 0, valueOffsets: listOffsets, child: utf8Column(flat) });
}

export function boolColumn(values: ArrayLike<boolean | number>): Data<Bool> {
  const bits = new Uint8Array(Math.ceil(values.length / 8));
  for (let i = 0; i < values.length; i++) if (values[i]) bits[i >> 3] |= 1 << (i & 7);
  return makeData({ type: new Bool(), length: values.length, nullCount: 0, data: bits });
}
