import { PickleContentError } from './content-error.ts';
import { PyFloat } from './python-values.ts';

/**
 * numpy arrays, dtypes and scalars as pickles describe them, rebuilt without numpy:
 *
 *   protocol 2-4: numpy.core.multiarray._reconstruct(numpy.ndarray, (0,), b'b') then BUILD with
 *                 (version, shape, dtype, is_fortran, raw bytes | list of objects)
 *   protocol 5:   numpy.core.numeric._frombuffer(bytearray, dtype, shape, order)   (not for object arrays)
 *   dtypes:       numpy.dtype('f8', False, True) then BUILD with (3, '<', None, None, None, -1, -1, 0)
 *   scalars:      numpy.core.multiarray.scalar(dtype, raw bytes)
 *
 * Raw bytes keep the producer's byte order ('>' is big-endian) and are in Fortran order when is_fortran
 * (or order='F') says so; object arrays list their items in C order whatever the flag says.
 */

const NUMERIC_KINDS = new Set(['b', 'i', 'u', 'f']);

export class NumpyDType {
  readonly pythonType = 'numpy.dtype';
  readonly kind: string;
  itemsize: number;
  byteOrder: '<' | '>' | '|' = '|';
  /** Set for what hitcast cannot convert: structured (record) dtypes and sub-array dtypes. */
  unsupported?: string;

  constructor(spec: unknown) {
    const match = typeof spec === 'string' ? /^([biufcOUSVMm])(\d+)$/.exec(spec) : null;
    if (!match) throw new PickleContentError(`numpy dtype ${describe(spec)} is not one hitcast knows`);
    this.kind = match[1];
    this.itemsize = Number(match[2]) * (this.kind === 'U' ? 4 : 1);
    if (NUMERIC_KINDS.has(this.kind) || this.kind === 'c' || this.kind === 'M' || this.kind === 'm') {
      this.byteOrder = this.itemsize === 1 ? '|' : '<';
    }
  }

  __setstate__(state: unknown): void {
    if (!Array.isArray(state) || state.length < 8 || typeof state[0] !== 'number' || state[0] < 3) {
      throw new PickleContentError(`numpy dtype state ${describe(state)} is not the version-3/4 form numpy writes`);
    }
    const [, order, subarray, names, , elsize] = state as [number, unknown, unknown, unknown, unknown, unknown];
    if (order === '<' || order === '>' || order === '|') this.byteOrder = order;
    else if (order === '=') this.byteOrder = '<';
    else throw new PickleContentError(`numpy dtype byte order ${describe(order)} is not one of < > | =`);
    if (subarray !== null) this.unsupported = 'a sub-array dtype';
    if (names !== null) this.unsupported = 'a structured (record) dtype';
    if (typeof elsize === 'number' && elsize > 0) this.itemsize = elsize;
  }

  /** numpy's dtype.str, e.g. '<f8', '|b1', '>i4', '<U7'. */
  get str(): string {
    return `${this.byteOrder}${this.kind}${this.kind === 'U' ? this.itemsize / 4 : this.itemsize}`;
  }

  /** The same type in little-endian order: what hitcast compares when it checks that cells agree. */
  get normalized(): string {
    return `${this.kind}${this.itemsize}`;
  }

  get isNumeric(): boolean {
    return NUMERIC_KINDS.has(this.kind) && !this.unsupported && (this.kind !== 'f' || this.itemsize !== 16);
  }

  /** Why a column of this dtype cannot be converted, or undefined when it can. */
  problem(): string | undefined {
    if (this.unsupported) return this.unsupported;
    if (this.isNumeric || this.kind === 'O' || this.kind === 'U') return undefined;
    const names: Record<string, string> = {
      c: 'complex numbers',
      M: 'datetime64 values (convert them to str or int64 before pickling)',
      m: 'timedelta64 values (convert them to int64 before pickling)',
      S: 'fixed-width bytes (decode them to str before pickling)',
      V: 'raw void records',
      f: 'long doubles (float128)',
    };
    return `numpy dtype ${this.str}: ${names[this.kind] ?? 'unsupported'}`;
  }
}

/** The `numpy.ndarray` global: only ever passed to _reconstruct as the class to build. */
export class NumpyNdarrayClass {
  constructor() {
    throw new PickleContentError('the pickle constructs numpy.ndarray directly, which numpy never does');
  }
}

export class NdArray {
  readonly pythonType = 'numpy.ndarray';
  shape: number[] = [];
  dtype!: NumpyDType;
  fortran = false;
  /** Raw element bytes (in the pickle's order) or, for object arrays, the items in C order. */
  data: Uint8Array | unknown[] = [];
  private complete = false;

  static fromBuffer(buffer: unknown, dtype: unknown, shape: unknown, order: unknown): NdArray {
    const array = new NdArray();
    array.fill(shape, dtype, order === 'F', buffer);
    return array;
  }

  __setstate__(state: unknown): void {
    if (!Array.isArray(state) || (state.length !== 5 && state.length !== 4)) {
      throw new PickleContentError(`numpy array state ${describe(state)} is not (version, shape, dtype, is_fortran, data)`);
    }
    const [shape, dtype, fortran, data] = state.length === 5 ? state.slice(1) : state;
    this.fill(shape, dtype, fortran === true, data);
  }

  get size(): number {
    return this.shape.reduce((a, b) => a * b, 1);
  }

  get ndim(): number {
    return this.shape.length;
  }

  private fill(shape: unknown, dtype: unknown, fortran: boolean, data: unknown): void {
    if (!Array.isArray(shape) || !shape.every((n) => Number.isSafeInteger(n) && n >= 0)) {
      throw new PickleContentError(`numpy array shape ${describe(shape)} is not a tuple of sizes`);
    }
    if (!(dtype instanceof NumpyDType)) throw new PickleContentError(`numpy array dtype ${describe(dtype)} is not a dtype`);
    this.shape = shape as number[];
    this.dtype = dtype;
    this.fortran = fortran;
    const count = this.size;
    if (dtype.kind === 'O') {
      if (!Array.isArray(data) || data.length !== count) {
        throw new PickleContentError(`numpy object array of shape [${shape}] holds ${describe(data)} instead of ${count} items`);
      }
    } else if (!(data instanceof Uint8Array) || data.length !== count * dtype.itemsize) {
      const got = data instanceof Uint8Array ? `${data.length} bytes` : describe(data);
      throw new PickleContentError(
        `numpy ${dtype.str} array of shape [${shape}] should hold ${count * dtype.itemsize} bytes but holds ${got}`,
      );
    }
    this.data = data as Uint8Array | unknown[];
    this.complete = true;
  }

  /** Throws unless BUILD (or _frombuffer) gave this array its contents. */
  check(): this {
    if (!this.complete) throw new PickleContentError('a numpy array in the pickle never received its data');
    return this;
  }

  /** The elements as little-endian bytes in C (row-major) order, in a fresh, aligned buffer. */
  cOrderBytes(): Uint8Array {
    this.check();
    if (!(this.data instanceof Uint8Array)) throw new Error('cOrderBytes() on an object array');
    const size = this.dtype.itemsize;
    const source = this.data;
    const out = new Uint8Array(source.length);
    if (!this.fortran || this.ndim < 2) out.set(source);
    else copyFortranToC(source, out, this.shape, size);
    if (this.dtype.byteOrder === '>' && size > 1) {
      const swap = this.dtype.kind === 'U' ? 4 : size;
      for (let i = 0; i < out.length; i += swap) out.subarray(i, i + swap).reverse();
    }
    return out;
  }

  /** The items of an object array, in C order. */
  objects(): unknown[] {
    this.check();
    if (!Array.isArray(this.data)) throw new Error('objects() on a numeric array');
    return this.data;
  }

  /** The strings of a numpy str_ ('U') array, in C order, with numpy's trailing-NUL padding removed. */
  strings(): string[] {
    const bytes = this.cOrderBytes();
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const out: string[] = [];
    for (let start = 0; start < bytes.length; start += this.dtype.itemsize) {
      let text = '';
      for (let at = start; at < start + this.dtype.itemsize; at += 4) {
        const code = view.getUint32(at, true);
        if (code === 0) break;
        if (code > 0x10ffff) throw new PickleContentError(`numpy str_ array holds the invalid code point ${code}`);
        text += String.fromCodePoint(code);
      }
      out.push(text);
    }
    return out;
  }
}

/** Copies an N-d array stored in Fortran order into C order. */
function copyFortranToC(source: Uint8Array, out: Uint8Array, shape: number[], size: number): void {
  const ndim = shape.length;
  const strides = new Array<number>(ndim);
  let stride = size;
  for (let d = 0; d < ndim; d++) {
    strides[d] = stride;
    stride *= shape[d];
  }
  const index = new Array<number>(ndim).fill(0);
  const total = source.length / size;
  let from = 0;
  for (let n = 0; n < total; n++) {
    out.set(source.subarray(from, from + size), n * size);
    for (let d = ndim - 1; d >= 0; d--) {
      index[d]++;
      from += strides[d];
      if (index[d] < shape[d]) break;
      from -= strides[d] * shape[d];
      index[d] = 0;
    }
  }
}

export type NumericArray =
  | Int8Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | BigUint64Array
  | Float32Array
  | Float64Array;

/** Typed-array view of little-endian bytes from cOrderBytes(); float16 stays raw (as Arrow stores it). */
export function typedArray(dtype: NumpyDType, bytes: Uint8Array): NumericArray {
  const { buffer, byteOffset, byteLength } = bytes;
  const n = byteLength / dtype.itemsize;
  switch (dtype.normalized) {
    case 'b1':
    case 'u1':
      return new Uint8Array(buffer, byteOffset, n);
    case 'i1':
      return new Int8Array(buffer, byteOffset, n);
    case 'i2':
      return new Int16Array(buffer, byteOffset, n);
    case 'u2':
    case 'f2':
      return new Uint16Array(buffer, byteOffset, n);
    case 'i4':
      return new Int32Array(buffer, byteOffset, n);
    case 'u4':
      return new Uint32Array(buffer, byteOffset, n);
    case 'i8':
      return new BigInt64Array(buffer, byteOffset, n);
    case 'u8':
      return new BigUint64Array(buffer, byteOffset, n);
    case 'f4':
      return new Float32Array(buffer, byteOffset, n);
    case 'f8':
      return new Float64Array(buffer, byteOffset, n);
  }
  throw new Error(`no typed array for numpy dtype ${dtype.str}`);
}

/** numpy.core.multiarray._reconstruct(cls, shape, typecode): an empty array that BUILD then fills. */
export function reconstruct(cls: unknown): NdArray {
  if (cls !== NumpyNdarrayClass) {
    throw new PickleContentError(`numpy _reconstruct asked for ${describe(cls)}; hitcast only rebuilds plain numpy.ndarray`);
  }
  return new NdArray();
}

/** numpy.core.multiarray.scalar(dtype, raw bytes): one numpy scalar, as the Python value it stands for. */
export function numpyScalar(dtype: unknown, data: unknown): unknown {
  if (!(dtype instanceof NumpyDType)) throw new PickleContentError(`numpy scalar with dtype ${describe(dtype)}`);
  if (dtype.kind === 'O') return data;
  if (!(data instanceof Uint8Array) || data.length !== dtype.itemsize) {
    throw new PickleContentError(`numpy ${dtype.str} scalar holds ${describe(data)} instead of ${dtype.itemsize} bytes`);
  }
  const array = new NdArray();
  array.__setstate__([1, [], dtype, false, data]);
  if (dtype.kind === 'U') return array.strings()[0];
  if (!dtype.isNumeric) throw new PickleContentError(`numpy scalar of ${dtype.problem()}`);
  const value = typedArray(dtype, array.cOrderBytes())[0];
  if (dtype.kind === 'b') return value !== 0;
  if (dtype.kind === 'f') return new PyFloat(dtype.itemsize === 2 ? halfToNumber(value as number) : (value as number));
  if (typeof value === 'bigint' && value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)) {
    return Number(value);
  }
  return value;
}

export function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/** `_codecs.encode(text, 'latin1')`: how protocol 2 stores bytes (numpy array data) as a str. */
export function codecsEncode(text: unknown, encoding: unknown): Uint8Array {
  if (typeof text !== 'string' || (encoding !== 'latin1' && encoding !== 'latin-1' && encoding !== 'iso-8859-1')) {
    throw new PickleContentError(`_codecs.encode(${describe(text)}, ${describe(encoding)}): only latin1 text is expected`);
  }
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0xff) throw new PickleContentError('_codecs.encode: a latin1 string holds a character above U+00FF');
    out[i] = code;
  }
  return out;
}

export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value);
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'function') return `the class ${(value as { name?: string }).name || '(a handler without a name)'}`;
  if (value instanceof Uint8Array) return `${value.length} bytes`;
  if (Array.isArray(value)) return `a ${value.length}-item sequence`;
  if (typeof value === 'object') return (value as { pythonType?: string }).pythonType ?? 'an object';
  return String(value);
}
