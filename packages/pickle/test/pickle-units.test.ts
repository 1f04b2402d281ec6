import { HitcastError } from '@hitcast/core';
import { describe, expect, it } from 'vitest';
import { ALLOWED_GLOBALS } from '../src/index.ts';
import { halfToNumber, NdArray, numpyScalar, NumpyDType, typedArray } from '../src/numpy.ts';
import { scanPickle, signedLittleEndian } from '../src/opcode-scan.ts';
import { PilImage } from '../src/pil.ts';
import { PyFloat, PySlice } from '../src/python-values.ts';

/** The pieces of the pickle reader, each against hand-made inputs whose right answer is known. */

const pickle = (...body: number[]) => new Uint8Array([0x80, 4, ...body]);
const scanError = (bytes: Uint8Array): string => {
  try {
    scanPickle(bytes, 'x.pkl');
  } catch (error) {
    expect(error).toBeInstanceOf(HitcastError);
    return (error as Error).message;
  }
  throw new Error('scanPickle accepted the bytes');
};

describe('scanPickle', () => {
  it('counts the opcodes of a valid pickle and returns its protocol', () => {
    // EMPTY_LIST MEMOIZE BININT1 5 APPEND STOP
    expect(scanPickle(pickle(0x5d, 0x94, 0x4b, 5, 0x61, 0x2e), 'x.pkl')).toEqual({ protocol: 4, opcodes: 6 });
  });

  it('accepts LONG1 ints pickleparser reads exactly: 0 .. 2**53-1', () => {
    expect(() => scanPickle(pickle(0x8a, 0, 0x2e), 'x.pkl')).not.toThrow();
    expect(() => scanPickle(pickle(0x8a, 7, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x1f, 0x2e), 'x.pkl')).not.toThrow();
  });

  it('refuses LONG1 ints pickleparser misreads: negatives, 2**53 and up, more than 8 bytes', () => {
    expect(scanError(pickle(0x8a, 1, 0xff, 0x2e))).toContain('the Python int -1,');
    expect(scanError(pickle(0x8a, 7, 0, 0, 0, 0, 0, 0, 0x20, 0x2e))).toContain('the Python int 9007199254740992,');
    expect(scanError(pickle(0x8a, 9, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0x2e))).toContain('18446744073709551616');
    expect(scanError(pickle(0x8b, 1, 0, 0, 0, 1, 0x2e))).toContain('far beyond 64 bits');
  });

  it.each([
    ['DICT', [0x28, 0x64, 0x2e], 'the DICT opcode'],
    ['INT (text)', [0x49, 0x31, 0x0a, 0x2e], 'protocol 0/1 (text) opcode'],
    ['PERSID', [0x50, 0x31, 0x0a, 0x2e], 'persistent id'],
    ['BINPERSID', [0x4e, 0x51, 0x2e], 'persistent id'],
    ['EXT1', [0x82, 1, 0x2e], 'extension code'],
    ['NEXT_BUFFER', [0x97, 0x2e], 'out-of-band buffer'],
    ['INST', [0x28, 0x69, 0x6f, 0x73, 0x0a, 0x73, 0x0a, 0x2e], 'protocol 0/1 (text) opcode'],
    ['a memo entry never stored', [0x68, 3, 0x2e], 'memo entry 3, which was never stored'],
    ['a lone surrogate in a str', [0x8c, 3, 0xed, 0xa0, 0x80, 0x2e], 'not valid UTF-8'],
    ['a non-ASCII Python 2 str', [0x55, 1, 0xe9, 0x2e], 'non-ASCII bytes'],
    ['a second PROTO', [0x80, 4, 0x2e], 'a second PROTO'],
  ])('refuses %s', (_what, body, message) => {
    expect(scanError(pickle(...body))).toContain(message);
  });

  it('reports truncation inside an argument, a payload and before STOP alike', () => {
    for (const body of [[0x4a, 1, 2], [0x42, 10, 0, 0, 0, 1, 2, 3], [0x5d], [0x63, 0x6f, 0x73]]) {
      expect(scanError(pickle(...body))).toContain('x.pkl is truncated');
    }
  });
});

describe('signedLittleEndian (how LONG1 stores ints)', () => {
  it.each([
    [[], 0n],
    [[0xff], -1n],
    [[0x00, 0x00, 0x00, 0x80, 0x00], 2n ** 31n],
    [[0x00, 0x00, 0x00, 0x00, 0x00, 0xff], -(2n ** 40n)],
    [[0xff, 0xff, 0xff, 0x7f], 2n ** 31n - 1n],
  ])('%j → %s', (bytes, value) => {
    expect(signedLittleEndian(new Uint8Array(bytes))).toBe(value);
  });
});

describe('NdArray', () => {
  const dtype = (spec: string, order: '<' | '>' | '|') => {
    const d = new NumpyDType(spec);
    d.__setstate__([3, order, null, null, null, -1, -1, 0]);
    return d;
  };

  it('turns a 3-d Fortran-order array into C order', () => {
    const shape = [2, 3, 4];
    const fortran = new Int16Array(24);
    for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 4; k++) fortran[i + 2 * j + 6 * k] = i * 12 + j * 4 + k;
    const array = new NdArray();
    array.__setstate__([1, shape, dtype('i2', '<'), true, new Uint8Array(fortran.buffer)]);
    expect(Array.from(typedArray(array.dtype, array.cOrderBytes()) as ArrayLike<number>)).toEqual(Array.from({ length: 24 }, (_, n) => n));
  });

  it('swaps big-endian elements and reads them from any byte offset', () => {
    const raw = new Uint8Array([0xaa, 0x00, 0x00, 0x01, 0x00, 0xff, 0xff, 0xff, 0xfe]); // starts at offset 1
    const array = NdArray.fromBuffer(raw.subarray(1), dtype('i4', '>'), [2], 'C');
    expect(Array.from(typedArray(array.dtype, array.cOrderBytes()) as ArrayLike<number>)).toEqual([256, -2]);
  });

  it('refuses data whose length does not match shape and dtype', () => {
    const array = new NdArray();
    expect(() => array.__setstate__([1, [3], dtype('f8', '<'), false, new Uint8Array(16)])).toThrow(/should hold 24 bytes but holds 16/);
  });

  it('decodes numpy str_ arrays, stripping NUL padding', () => {
    const text = ['MØ', 'Beyoncé'];
    const utf32 = new Uint32Array(14);
    text.forEach((t, i) => Array.from(t).forEach((c, j) => (utf32[i * 7 + j] = c.codePointAt(0)!)));
    const u = new NumpyDType('U7');
    u.__setstate__([3, '<', null, null, null, 28, 4, 8]);
    const array = NdArray.fromBuffer(new Uint8Array(utf32.buffer), u, [2], 'C');
    expect(array.strings()).toEqual(text);
  });

  it('turns numpy scalars into the Python values they stand for', () => {
    const le = (n: bigint) => new Uint8Array(new BigInt64Array([n]).buffer);
    expect(numpyScalar(dtype('i8', '<'), le(5n))).toBe(5);
    expect(numpyScalar(dtype('i8', '<'), le(2n ** 60n))).toBe(2n ** 60n);
    expect(numpyScalar(dtype('b1', '|'), new Uint8Array([1]))).toBe(true);
    expect(numpyScalar(dtype('f4', '<'), new Uint8Array(new Float32Array([0.5]).buffer))).toEqual(new PyFloat(0.5));
  });

  it('marks dtypes hitcast cannot convert', () => {
    expect(dtype('c16', '<').problem()).toContain('complex');
    expect(dtype('M8', '<').problem()).toContain('datetime64');
    expect(dtype('f8', '>').problem()).toBeUndefined();
  });
});

describe('halfToNumber', () => {
  it.each([
    [0x3c00, 1],
    [0xc100, -2.5],
    [0x7bff, 65504],
    [0x0001, 2 ** -24],
    [0x7c00, Infinity],
  ])('0x%s', (bits, value) => expect(halfToNumber(bits)).toBe(value));
  it('NaN', () => expect(halfToNumber(0x7e00)).toBeNaN());
});

describe('PySlice.indices matches Python', () => {
  it.each([
    [[0, 3, 1], 5, [0, 1, 2]],
    [[null, null, -1], 4, [3, 2, 1, 0]],
    [[-2, null, null], 5, [3, 4]],
    [[1, 10, 3], 8, [1, 4, 7]],
    [[5, 1, 1], 8, []],
  ])('slice(%j).indices(%i)', ([start, stop, step], length, indices) => {
    expect(new PySlice(start, stop, step).indices(length as number)).toEqual(indices);
  });
});

describe('PilImage', () => {
  it("converts RGB to grey as Pillow's convert('L') does", () => {
    const image = new PilImage('PIL.Image.Image');
    image.__setstate__([new Map(), 'RGB', [4, 1], null, new Uint8Array([255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255])]);
    expect(Array.from(image.luminance())).toEqual([76, 150, 29, 255]);
  });

  it('refuses modes other than L and RGB, and pixel buffers of the wrong size', () => {
    const palette = new PilImage('PIL.Image.Image');
    palette.__setstate__([new Map(), 'P', [1, 1], [0, 0, 0], new Uint8Array([0])]);
    expect(palette.problem()).toContain("mode 'P'");
    const short = new PilImage('PIL.Image.Image');
    short.__setstate__([new Map(), 'L', [4, 4], null, new Uint8Array(15)]);
    expect(short.problem()).toContain('15 bytes');
  });
});

describe('ALLOWED_GLOBALS', () => {
  it('knows both numpy spellings (numpy.core < 2, numpy._core >= 2)', () => {
    for (const core of ['numpy.core', 'numpy._core']) {
      expect(ALLOWED_GLOBALS).toContain(`${core}.multiarray._reconstruct`);
      expect(ALLOWED_GLOBALS).toContain(`${core}.numeric._frombuffer`);
      expect(ALLOWED_GLOBALS).toContain(`${core}.multiarray.scalar`);
    }
  });

  it('holds only data building blocks', () => {
    const allowedRoots = /^(numpy|pandas|PIL)\.|^(builtins|__builtin__)\.slice$|^_codecs\.encode$|^collections\.OrderedDict$/;
    expect(ALLOWED_GLOBALS.filter((name) => !allowedRoots.test(name))).toEqual([]);
    for (const dangerous of ['os.system', 'posix.system', 'builtins.eval', 'builtins.exec', 'builtins.getattr', 'subprocess.Popen']) {
      expect(ALLOWED_GLOBALS).not.toContain(dangerous);
    }
  });
});
