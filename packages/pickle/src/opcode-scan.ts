import { HitcastError } from '@hitcast/core';

/**
 * Walks a pickle's opcodes once, before pickleparser sees it, without building any value. It refuses what
 * pickleparser 0.2.1 would get silently wrong or that Python itself never writes in protocols 2–5:
 *
 * - LONG1 ints that are negative or above 2**53 - 1 (pickleparser reads LONG1 as *unsigned*, and through
 *   a double: -2**40 comes back as 280375465082880, 2**53 + 1 as 2**53); LONG4 ints (>255 bytes);
 * - strings that are not valid UTF-8 (pickleparser would put U+FFFD in them without a word), and
 *   Python 2 byte strings with non-ASCII bytes (their encoding is unknowable);
 * - protocol 0/1 text opcodes, persistent ids, extension codes and out-of-band buffers;
 * - memo references to nothing, a missing STOP (truncated file), and bytes after STOP.
 *
 * Globals are not checked here: the name registry refuses them as pickleparser meets them.
 */

export interface ScanResult {
  protocol: number;
  opcodes: number;
}

type Arg =
  | 'none'
  | 'u1'
  | 'u2'
  | 'i4'
  | 'u4'
  | 'u8'
  | 'f8'
  | 'bytes1'
  | 'bytes4'
  | 'bytes8'
  | 'utf8_1'
  | 'utf8_4'
  | 'utf8_8'
  | 'ascii1'
  | 'ascii4'
  | 'long1'
  | 'long4'
  | 'line'
  | 'line2';

interface Op {
  name: string;
  arg: Arg;
  /** Why hitcast refuses this opcode; absent when it is fine. */
  refuse?: string;
}

const TEXT_PROTOCOL = 'a protocol 0/1 (text) opcode; hitcast reads pickles of protocol 2 to 5';

const OPS = new Map<number, Op>([
  [0x28, { name: 'MARK', arg: 'none' }],
  [0x2e, { name: 'STOP', arg: 'none' }],
  [0x30, { name: 'POP', arg: 'none' }],
  [0x31, { name: 'POP_MARK', arg: 'none' }],
  [0x32, { name: 'DUP', arg: 'none' }],
  [0x46, { name: 'FLOAT', arg: 'line', refuse: TEXT_PROTOCOL }],
  [0x49, { name: 'INT', arg: 'line', refuse: TEXT_PROTOCOL }],
  [0x4a, { name: 'BININT', arg: 'i4' }],
  [0x4b, { name: 'BININT1', arg: 'u1' }],
  [0x4c, { name: 'LONG', arg: 'line', refuse: TEXT_PROTOCOL }],
  [0x4d, { name: 'BININT2', arg: 'u2' }],
  [0x4e, { name: 'NONE', arg: 'none' }],
  [0x50, { name: 'PERSID', arg: 'line', refuse: 'a persistent id (a reference to an object stored outside the file)' }],
  [0x51, { name: 'BINPERSID', arg: 'none', refuse: 'a persistent id (a reference to an object stored outside the file)' }],
  [0x52, { name: 'REDUCE', arg: 'none' }],
  [0x53, { name: 'STRING', arg: 'line', refuse: TEXT_PROTOCOL }],
  [0x54, { name: 'BINSTRING', arg: 'ascii4' }],
  [0x55, { name: 'SHORT_BINSTRING', arg: 'ascii1' }],
  [0x56, { name: 'UNICODE', arg: 'line', refuse: TEXT_PROTOCOL }],
  [0x58, { name: 'BINUNICODE', arg: 'utf8_4' }],
  [0x61, { name: 'APPEND', arg: 'none' }],
  [0x62, { name: 'BUILD', arg: 'none' }],
  [0x63, { name: 'GLOBAL', arg: 'line2' }],
  // pickleparser stores DICT's items as properties of the Map instead of entries; Python's binary protocols
  // never write DICT (they use EMPTY_DICT + SETITEMS).
  [0x64, { name: 'DICT', arg: 'none', refuse: 'the DICT opcode, which Python never writes in protocols 2-5' }],
  [0x7d, { name: 'EMPTY_DICT', arg: 'none' }],
  [0x65, { name: 'APPENDS', arg: 'none' }],
  [0x67, { name: 'GET', arg: 'line', refuse: TEXT_PROTOCOL }],
  [0x68, { name: 'BINGET', arg: 'u1' }],
  [0x69, { name: 'INST', arg: 'line2', refuse: TEXT_PROTOCOL }],
  [0x6a, { name: 'LONG_BINGET', arg: 'u4' }],
  [0x6c, { name: 'LIST', arg: 'none' }],
  [0x5d, { name: 'EMPTY_LIST', arg: 'none' }],
  [0x6f, { name: 'OBJ', arg: 'none', refuse: TEXT_PROTOCOL }],
  [0x70, { name: 'PUT', arg: 'line', refuse: TEXT_PROTOCOL }],
  [0x71, { name: 'BINPUT', arg: 'u1' }],
  [0x72, { name: 'LONG_BINPUT', arg: 'u4' }],
  [0x73, { name: 'SETITEM', arg: 'none' }],
  [0x74, { name: 'TUPLE', arg: 'none' }],
  [0x29, { name: 'EMPTY_TUPLE', arg: 'none' }],
  [0x75, { name: 'SETITEMS', arg: 'none' }],
  [0x47, { name: 'BINFLOAT', arg: 'f8' }],
  [0x80, { name: 'PROTO', arg: 'u1' }],
  [0x81, { name: 'NEWOBJ', arg: 'none' }],
  [0x82, { name: 'EXT1', arg: 'u1', refuse: 'an extension code (copyreg registry)' }],
  [0x83, { name: 'EXT2', arg: 'u2', refuse: 'an extension code (copyreg registry)' }],
  [0x84, { name: 'EXT4', arg: 'u4', refuse: 'an extension code (copyreg registry)' }],
  [0x85, { name: 'TUPLE1', arg: 'none' }],
  [0x86, { name: 'TUPLE2', arg: 'none' }],
  [0x87, { name: 'TUPLE3', arg: 'none' }],
  [0x88, { name: 'NEWTRUE', arg: 'none' }],
  [0x89, { name: 'NEWFALSE', arg: 'none' }],
  [0x8a, { name: 'LONG1', arg: 'long1' }],
  [0x8b, { name: 'LONG4', arg: 'long4' }],
  [0x42, { name: 'BINBYTES', arg: 'bytes4' }],
  [0x43, { name: 'SHORT_BINBYTES', arg: 'bytes1' }],
  [0x8c, { name: 'SHORT_BINUNICODE', arg: 'utf8_1' }],
  [0x8d, { name: 'BINUNICODE8', arg: 'utf8_8' }],
  [0x8e, { name: 'BINBYTES8', arg: 'bytes8' }],
  [0x8f, { name: 'EMPTY_SET', arg: 'none' }],
  [0x90, { name: 'ADDITEMS', arg: 'none' }],
  [0x91, { name: 'FROZENSET', arg: 'none' }],
  [0x92, { name: 'NEWOBJ_EX', arg: 'none' }],
  [0x93, { name: 'STACK_GLOBAL', arg: 'none' }],
  [0x94, { name: 'MEMOIZE', arg: 'none' }],
  [0x95, { name: 'FRAME', arg: 'u8' }],
  [0x96, { name: 'BYTEARRAY8', arg: 'bytes8' }],
  [0x97, { name: 'NEXT_BUFFER', arg: 'none', refuse: 'an out-of-band buffer (pickle protocol 5 buffer_callback)' }],
  [0x98, { name: 'READONLY_BUFFER', arg: 'none' }],
]);

const PROTO = 0x80;
const STOP = 0x2e;
const MEMO_PUTS = new Set(['BINPUT', 'LONG_BINPUT', 'MEMOIZE']);
const MEMO_GETS = new Set(['BINGET', 'LONG_BINGET']);
const utf8 = new TextDecoder('utf-8', { fatal: true });

class Truncated extends Error {}

export function scanPickle(bytes: Uint8Array, file: string): ScanResult {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = bytes.length;
  let pos = 0;
  const need = (n: number): void => {
    if (n < 0 || pos + n > length) throw new Truncated();
  };
  const bad = (at: number, what: string, fix?: string): HitcastError =>
    new HitcastError(`${file}: refusing to read this pickle: at byte ${at} it holds ${what}`, {
      fix: fix ?? 're-save the data from Python with pickle protocol 2-5 and plain values (see `hitcast pickle --help`)',
    });

  if (bytes[0] !== PROTO) {
    throw new HitcastError(
      `${file} is a protocol 0/1 (text) pickle or not a pickle at all; hitcast reads pickles of protocol 2 to 5`,
      { fix: 'in Python: pickle.dump(pickle.load(open(old, "rb")), open(new, "wb"), protocol=4)' },
    );
  }
  if (length < 2) throw truncated(file, length);
  const protocol = bytes[1];
  if (protocol < 2 || protocol > 5) {
    throw new HitcastError(`${file} says it is pickle protocol ${protocol}; hitcast reads protocols 2 to 5`, {
      fix: 'in Python: pickle.dump(obj, f, protocol=4)',
    });
  }

  let memoSize = 0;
  const memo = new Set<number>();
  let opcodes = 0;
  try {
    for (;;) {
      need(1);
      const at = pos;
      const code = bytes[pos++];
      const op = OPS.get(code);
      if (!op) throw bad(at, `byte 0x${code.toString(16).padStart(2, '0')}, which is no pickle opcode (corrupt file?)`, 'get an intact copy of the file');
      if (op.refuse) throw bad(at, `${op.refuse} (opcode ${op.name})`);
      if (op.name === 'PROTO' && at !== 0) throw bad(at, 'a second PROTO opcode (corrupt file?)', 'get an intact copy of the file');
      opcodes++;
      let index = -1;
      switch (op.arg) {
        case 'none':
          break;
        case 'u1':
          need(1);
          index = bytes[pos];
          pos += 1;
          break;
        case 'u2':
          need(2);
          pos += 2;
          break;
        case 'i4':
          need(4);
          pos += 4;
          break;
        case 'u4':
          need(4);
          index = view.getUint32(pos, true);
          pos += 4;
          break;
        case 'u8':
        case 'f8':
          need(8);
          pos += 8;
          break;
        case 'bytes1':
        case 'bytes4':
        case 'bytes8':
        case 'utf8_1':
        case 'utf8_4':
        case 'utf8_8':
        case 'ascii1':
        case 'ascii4': {
          const size = readLength(op.arg, view, bytes, pos, need);
          pos += lengthBytes(op.arg);
          need(size);
          const payload = bytes.subarray(pos, pos + size);
          pos += size;
          if (op.arg.startsWith('utf8')) {
            try {
              utf8.decode(payload);
            } catch {
              throw bad(at, 'a string that is not valid UTF-8 (a Python str with lone surrogates?)');
            }
          } else if (op.arg.startsWith('ascii') && payload.some((b) => b > 0x7f)) {
            throw bad(at, 'a Python 2 byte string with non-ASCII bytes, whose text encoding cannot be known');
          }
          break;
        }
        case 'long1': {
          need(1);
          const size = bytes[pos++];
          need(size);
          const value = signedLittleEndian(bytes.subarray(pos, pos + size));
          pos += size;
          if (size > 8 || value < 0n || value > BigInt(Number.MAX_SAFE_INTEGER)) {
            throw bad(
              at,
              `the Python int ${value}, which pickleparser 0.2.1 misreads (it reads such ints as unsigned ` +
                `doubles: only 0..2**53-1 come back exact); hitcast refuses rather than return a wrong number`,
              'store such numbers in a numpy int64 array (for example a pandas int64 column), or as str or float, and pickle again',
            );
          }
          break;
        }
        case 'long4': {
          need(4);
          const size = view.getInt32(pos, true);
          throw bad(at, `a Python int of ${size} bytes, far beyond 64 bits`, 'store such numbers as str and pickle again');
        }
        case 'line':
        case 'line2': {
          for (let lines = op.arg === 'line' ? 1 : 2; lines > 0; lines--) {
            const end = bytes.indexOf(0x0a, pos);
            if (end < 0) throw new Truncated();
            pos = end + 1;
          }
          break;
        }
      }
      if (MEMO_GETS.has(op.name) && !memo.has(index)) {
        throw bad(at, `a reference to memo entry ${index}, which was never stored (corrupt file?)`, 'get an intact copy of the file');
      }
      if (MEMO_PUTS.has(op.name)) {
        memo.add(op.name === 'MEMOIZE' ? memoSize : index);
        memoSize = memo.size;
      }
      if (code === STOP) break;
    }
  } catch (error) {
    throw error instanceof Truncated ? truncated(file, length) : error;
  }
  if (pos !== length) {
    throw new HitcastError(
      `${file} has ${length - pos} bytes after the end of its pickle (at byte ${pos}): it holds several pickles ` +
        'or is corrupt, and hitcast would silently ignore the rest',
      { fix: 'save one object per file (for several, pickle a list or dict of them)' },
    );
  }
  return { protocol, opcodes };
}

function truncated(file: string, length: number): HitcastError {
  return new HitcastError(
    `${file} is truncated: the pickle stops after ${length} bytes, in the middle of its data (no STOP opcode)`,
    { fix: 'copy or download the file again; an interrupted download or a full disk leaves such files' },
  );
}

function lengthBytes(arg: Arg): number {
  return arg.endsWith('1') ? 1 : arg.endsWith('4') ? 4 : 8;
}

function readLength(arg: Arg, view: DataView, bytes: Uint8Array, pos: number, need: (n: number) => void): number {
  const width = lengthBytes(arg);
  need(width);
  if (width === 1) return bytes[pos];
  if (width === 4) return view.getUint32(pos, true);
  const big = view.getBigUint64(pos, true);
  return big > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(big);
}

/** A little-endian two's-complement integer of any length, as LONG1 stores Python ints. */
export function signedLittleEndian(bytes: Uint8Array): bigint {
  let value = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]);
  if (bytes.length && bytes[bytes.length - 1] & 0x80) value -= 1n << BigInt(bytes.length * 8);
  return value;
}
