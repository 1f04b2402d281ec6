/**
 * Seeded mutations of file contents, for fuzzing hitcast's readers. Every mutation takes the input bytes and
 * a SeededRng and returns new bytes plus a short description, so a failing case is reproducible from its
 * seed and case index alone. Generic mutations (random bytes, truncation, bit flips, insertions, deletions)
 * work on any file; the format-aware ones aim at the fields a reader trusts: PNG chunk lengths and IHDR
 * size, Arrow message and body lengths, pickle length prefixes and integers, JSON values and nesting,
 * CSV fields.
 */
import { crc32 } from 'node:zlib';
import type { SeededRng } from '../../packages/core/src/rng.ts';

export interface Mutated {
  bytes: Uint8Array;
  what: string;
}

export type Mutation = (bytes: Uint8Array, rng: SeededRng) => Mutated;

const concat = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));
const ascii = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'));

/** Lengths a header might declare to make a reader allocate: around 2^31, 2^32, 2^53 and their neighbours. */
export const HUGE_32 = [0x7fffffff, 0x80000000, 0xffffffff, 0xfffffff0, 0x40000000, 0x10000000];
export const HUGE_64 = [2n ** 31n, 2n ** 32n + 1n, 2n ** 40n, 2n ** 53n - 1n, 2n ** 62n, 2n ** 63n - 1n, 2n ** 64n - 1n];

// ---------------------------------------------------------------------------------------------------------
// Generic mutations

export const randomBytes: Mutation = (_bytes, rng) => {
  const n = rng.int(4096);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.int(256);
  return { bytes: out, what: `${n} random bytes` };
};

export const truncate: Mutation = (bytes, rng) => {
  const at = rng.int(bytes.length + 1);
  return { bytes: bytes.slice(0, at), what: `truncated at ${at} of ${bytes.length}` };
};

export const bitFlips: Mutation = (bytes, rng) => {
  const out = bytes.slice();
  if (out.length === 0) return { bytes: out, what: 'bit flips in an empty file' };
  const n = 1 + rng.int(rng.next() < 0.7 ? 3 : 64);
  const at: number[] = [];
  for (let k = 0; k < n; k++) {
    const i = rng.int(out.length);
    out[i] ^= 1 << rng.int(8);
    at.push(i);
  }
  return { bytes: out, what: `${n} bit flips at ${at.slice(0, 8).join(', ')}${n > 8 ? ', …' : ''}` };
};

export const insertBytes: Mutation = (bytes, rng) => {
  const at = rng.int(bytes.length + 1);
  const n = 1 + rng.int(rng.next() < 0.8 ? 16 : 2048);
  const fill = new Uint8Array(n);
  const special = rng.next() < 0.3 ? [0, 0xff, 0x0a, 0x22, 0x2c, 0x7b, 0x5b][rng.int(7)] : -1;
  for (let i = 0; i < n; i++) fill[i] = special >= 0 ? special : rng.int(256);
  return { bytes: concat(bytes.subarray(0, at), fill, bytes.subarray(at)), what: `${n} bytes inserted at ${at}` };
};

export const deleteBytes: Mutation = (bytes, rng) => {
  const at = rng.int(bytes.length + 1);
  const n = 1 + rng.int(rng.next() < 0.8 ? 16 : 4096);
  return { bytes: concat(bytes.subarray(0, at), bytes.subarray(at + n)), what: `${n} bytes deleted at ${at}` };
};

export const duplicateSpan: Mutation = (bytes, rng) => {
  const from = rng.int(bytes.length + 1);
  const n = rng.int(Math.min(4096, bytes.length - from) + 1);
  const at = rng.int(bytes.length + 1);
  return { bytes: concat(bytes.subarray(0, at), bytes.subarray(from, from + n), bytes.subarray(at)), what: `${n} bytes from ${from} copied to ${at}` };
};

/** A random 32- or 64-bit little- or big-endian integer somewhere in the file set to a huge value. */
export const hugeInteger: Mutation = (bytes, rng) => {
  const out = bytes.slice();
  if (out.length < 8) return { bytes: out, what: 'file too short for a huge integer' };
  const view = new DataView(out.buffer);
  const little = rng.next() < 0.5;
  const wide = rng.next() < 0.4;
  const at = rng.int(out.length - (wide ? 8 : 4) + 1) & (rng.next() < 0.7 ? ~3 : ~0);
  if (wide) view.setBigUint64(at, rng.pick(HUGE_64) & 0xffffffffffffffffn, little);
  else view.setUint32(at, rng.pick(HUGE_32), little);
  return { bytes: out, what: `huge ${wide ? 64 : 32}-bit ${little ? 'LE' : 'BE'} integer at ${at}` };
};

export const GENERIC: Mutation[] = [randomBytes, truncate, bitFlips, bitFlips, insertBytes, deleteBytes, duplicateSpan, hugeInteger];

/** Applies one to three mutations, picked from `mutations`, in a row. */
export function mutate(bytes: Uint8Array, rng: SeededRng, mutations: readonly Mutation[]): Mutated {
  let current = bytes;
  const what: string[] = [];
  const n = rng.next() < 0.75 ? 1 : 2 + rng.int(2);
  for (let k = 0; k < n; k++) {
    const step = rng.pick(mutations)(current, rng);
    current = step.bytes;
    what.push(step.what);
  }
  return { bytes: current, what: what.join('; ') };
}

// ---------------------------------------------------------------------------------------------------------
// PNG

interface PngChunk {
  offset: number;
  length: number;
  type: string;
}

export function pngChunks(bytes: Uint8Array): PngChunk[] {
  const chunks: PngChunk[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 8;
  while (offset + 12 <= bytes.length) {
    const length = view.getUint32(offset);
    chunks.push({ offset, length, type: Buffer.from(bytes.subarray(offset + 4, offset + 8)).toString('latin1') });
    if (offset + 12 + length > bytes.length) break;
    offset += 12 + length;
  }
  return chunks;
}

/** Recomputes a chunk's CRC so the change gets past the reader's CRC check. */
function fixCrc(out: Uint8Array, chunk: PngChunk): void {
  const end = chunk.offset + 8 + chunk.length;
  if (end + 4 > out.length) return;
  new DataView(out.buffer, out.byteOffset).setUint32(end, crc32(out.subarray(chunk.offset + 4, end)) >>> 0);
}

const DIMENSIONS = [0, 1, 0x7fffffff, 0x80000000, 0xffffffff, 65536, 1 << 20, 1 << 24, 46341];

export const pngHugeDimensions: Mutation = (bytes, rng) => {
  const out = bytes.slice();
  const ihdr = pngChunks(out).find((c) => c.type === 'IHDR');
  if (!ihdr || ihdr.length < 13) return bitFlips(bytes, rng);
  const view = new DataView(out.buffer);
  const width = rng.next() < 0.7 ? rng.pick(DIMENSIONS) : view.getUint32(ihdr.offset + 8);
  const height = rng.next() < 0.7 ? rng.pick(DIMENSIONS) : view.getUint32(ihdr.offset + 12);
  view.setUint32(ihdr.offset + 8, width);
  view.setUint32(ihdr.offset + 12, height);
  fixCrc(out, ihdr);
  return { bytes: out, what: `IHDR declares ${width}×${height} (CRC fixed)` };
};

export const pngHeaderFields: Mutation = (bytes, rng) => {
  const out = bytes.slice();
  const ihdr = pngChunks(out).find((c) => c.type === 'IHDR');
  if (!ihdr || ihdr.length < 13) return bitFlips(bytes, rng);
  const field = 8 + 8 + rng.int(5); // depth, colour type, compression, filter, interlace
  const value = rng.pick([0, 1, 2, 3, 4, 6, 8, 16, 255]);
  out[ihdr.offset + field] = value;
  fixCrc(out, ihdr);
  return { bytes: out, what: `IHDR byte ${field - 8} set to ${value} (CRC fixed)` };
};

export const pngChunkLength: Mutation = (bytes, rng) => {
  const out = bytes.slice();
  const chunks = pngChunks(out);
  if (chunks.length === 0) return bitFlips(bytes, rng);
  const chunk = rng.pick(chunks);
  const length = rng.pick([...HUGE_32, chunk.length + 1, Math.max(0, chunk.length - 1), 0]);
  new DataView(out.buffer).setUint32(chunk.offset, length);
  return { bytes: out, what: `${chunk.type} chunk at ${chunk.offset} declares length ${length}` };
};

/** Flips bits inside the image data and fixes the CRC, so the damage reaches inflate and the row filters. */
export const pngDataDamage: Mutation = (bytes, rng) => {
  const out = bytes.slice();
  const idat = pngChunks(out).filter((c) => c.type === 'IDAT' && c.length > 0 && c.offset + 12 + c.length <= out.length);
  if (idat.length === 0) return bitFlips(bytes, rng);
  const chunk = rng.pick(idat);
  const n = 1 + rng.int(8);
  for (let k = 0; k < n; k++) out[chunk.offset + 8 + rng.int(chunk.length)] ^= 1 << rng.int(8);
  fixCrc(out, chunk);
  return { bytes: out, what: `${n} bit flips in IDAT at ${chunk.offset} (CRC fixed)` };
};

/** Rewrites a chunk (usually IHDR) with a valid CRC, to reach the decoder with otherwise impossible values. */
export const pngChunkBytes: Mutation = (bytes, rng) => {
  const out = bytes.slice();
  const chunks = pngChunks(out).filter((c) => c.offset + 12 + c.length <= out.length && c.length > 0);
  if (chunks.length === 0) return bitFlips(bytes, rng);
  const chunk = rng.pick(chunks);
  const n = 1 + rng.int(4);
  for (let k = 0; k < n; k++) out[chunk.offset + 8 + rng.int(chunk.length)] = rng.int(256);
  fixCrc(out, chunk);
  return { bytes: out, what: `${n} bytes of ${chunk.type} at ${chunk.offset} changed (CRC fixed)` };
};

export const PNG: Mutation[] = [...GENERIC, pngHugeDimensions, pngHugeDimensions, pngHeaderFields, pngChunkLength, pngDataDamage, pngDataDamage, pngChunkBytes];

// ---------------------------------------------------------------------------------------------------------
// Arrow IPC file: "ARROW1\0\0", messages (0xFFFFFFFF, int32 metadata length, flatbuffer, body), footer,
// int32 footer length, "ARROW1".

function messageStarts(bytes: Uint8Array): number[] {
  const starts: number[] = [];
  for (let i = 8; i + 8 <= bytes.length; i += 8) {
    if (bytes[i] === 0xff && bytes[i + 1] === 0xff && bytes[i + 2] === 0xff && bytes[i + 3] === 0xff) starts.push(i);
  }
  return starts;
}

export const arrowMessageLength: Mutation = (bytes, rng) => {
  const out = bytes.slice();
  const starts = messageStarts(out);
  if (starts.length === 0) return hugeInteger(bytes, rng);
  const at = rng.pick(starts) + 4;
  const value = rng.pick([...HUGE_32, 0, 1]);
  new DataView(out.buffer).setUint32(at, value, true);
  return { bytes: out, what: `message metadata length at ${at} set to ${value}` };
};

export const arrowFooterLength: Mutation = (bytes, rng) => {
  const out = bytes.slice();
  if (out.length < 10) return truncate(bytes, rng);
  const value = rng.pick([...HUGE_32, 0, out.length, out.length - 9]);
  new DataView(out.buffer).setUint32(out.length - 10, value, true);
  return { bytes: out, what: `footer length set to ${value}` };
};

/** A huge int64 written at an 8-aligned offset inside a flatbuffer (message header or footer): hits body and buffer lengths and block offsets. */
export const arrowHugeLength: Mutation = (bytes, rng) => {
  const out = bytes.slice();
  const view = new DataView(out.buffer);
  if (out.length < 24) return truncate(bytes, rng);
  let from = 8;
  let to = out.length - 10;
  if (rng.next() < 0.5) {
    // the footer, where the record batch blocks (offset, metadata length, body length) are
    const footerLength = view.getInt32(out.length - 10, true);
    if (footerLength > 0 && footerLength < out.length) from = out.length - 10 - footerLength;
  } else {
    const starts = messageStarts(out);
    if (starts.length) {
      const start = rng.pick(starts);
      const metaLength = view.getInt32(start + 4, true);
      from = start + 8;
      to = Math.min(to, from + Math.max(8, metaLength));
    }
  }
  const at = (from + rng.int(Math.max(1, to - from - 8))) & ~7;
  if (at + 8 > out.length) return truncate(bytes, rng);
  const value = rng.pick(HUGE_64);
  view.setBigUint64(at, value & 0xffffffffffffffffn, true);
  return { bytes: out, what: `int64 at ${at} set to ${value}` };
};

export const ARROW: Mutation[] = [...GENERIC, arrowMessageLength, arrowFooterLength, arrowHugeLength, arrowHugeLength, arrowHugeLength];

// ---------------------------------------------------------------------------------------------------------
// Pickle: a walk over the opcodes records where each length prefix and integer argument is.

interface PickleField {
  /** Offset of the argument. */
  offset: number;
  /** Its size in bytes (1, 2, 4 or 8). */
  size: number;
  /** A length prefix (true) or an integer value (false). */
  length: boolean;
  opcode: number;
}

const ARG: Record<number, { size: number; length?: boolean; lines?: number; signed?: boolean }> = {};
for (const [ops, spec] of [
  ['KhqI\x80\x82', { size: 1 }],
  ['UC\x8c\x8a', { size: 1, length: true }],
  ['M\x83', { size: 2 }],
  ['Jjr\x84', { size: 4 }],
  ['TXB\x8b', { size: 4, length: true }],
  ['G', { size: 8 }],
  ['\x95', { size: 8 }],
  ['\x8d\x8e\x96', { size: 8, length: true }],
  ['ILSVFgpP', { size: 0, lines: 1 }],
  ['ci', { size: 0, lines: 2 }],
] as const) {
  for (const op of ops) ARG[op.charCodeAt(0)] = spec;
}
ARG['K'.charCodeAt(0)] = { size: 1 };
ARG['I'.charCodeAt(0)] = { size: 0, lines: 1 };

export function pickleFields(bytes: Uint8Array): PickleField[] {
  const fields: PickleField[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let i = 0;
  while (i < bytes.length) {
    const op = bytes[i++];
    if (op === 0x2e) break; // STOP
    const spec = ARG[op];
    if (!spec) continue;
    if (spec.lines) {
      for (let l = 0; l < spec.lines; l++) {
        const nl = bytes.indexOf(0x0a, i);
        if (nl < 0) return fields;
        i = nl + 1;
      }
      continue;
    }
    if (i + spec.size > bytes.length) break;
    const isLength = spec.length === true;
    if (op !== 0x95 && op !== 0x80) fields.push({ offset: i, size: spec.size, length: isLength, opcode: op });
    if (op === 0x95) {
      // FRAME: its 8-byte length is a length field too, but the frame's contents follow as opcodes
      fields.push({ offset: i, size: 8, length: true, opcode: op });
      i += 8;
      continue;
    }
    let skip = 0;
    if (isLength) {
      skip = spec.size === 1 ? bytes[i] : spec.size === 4 ? view.getInt32(i, true) : Number(view.getBigUint64(i, true));
      if (!(skip >= 0) || i + spec.size + skip > bytes.length) break;
    }
    i += spec.size + skip;
  }
  return fields;
}

export const pickleHugeLength: Mutation = (bytes, rng) => {
  const out = bytes.slice();
  const fields = pickleFields(out);
  const lengths = fields.filter((f) => f.length);
  const pool = lengths.length && rng.next() < 0.6 ? lengths : fields;
  if (pool.length === 0) return hugeInteger(bytes, rng);
  const field = rng.pick(pool);
  const view = new DataView(out.buffer);
  let value: bigint | number;
  if (field.size === 1) out[field.offset] = value = rng.pick([0xff, 0x80, 0x7f, 0]);
  else if (field.size === 2) view.setUint16(field.offset, (value = rng.pick([0xffff, 0x8000, 0x7fff])), true);
  else if (field.size === 4) view.setUint32(field.offset, (value = rng.pick(HUGE_32)), true);
  else view.setBigUint64(field.offset, (value = rng.pick(HUGE_64)) & 0xffffffffffffffffn, true);
  const name = String.fromCharCode(field.opcode);
  return { bytes: out, what: `${field.length ? 'length' : 'integer'} of opcode 0x${field.opcode.toString(16)} (${JSON.stringify(name)}) at ${field.offset} set to ${value}` };
};

export const PICKLE: Mutation[] = [...GENERIC, pickleHugeLength, pickleHugeLength, pickleHugeLength, pickleHugeLength];

// ---------------------------------------------------------------------------------------------------------
// JSON: values replaced by huge numbers, wrong types, long strings and deep nesting.

const DEEP = 100_000;
const TOKEN = '\u0000fuzz-token-';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Replacement values: the strings starting with TOKEN are written as raw JSON text (numbers JSON cannot build, deep nesting). */
function replacement(rng: SeededRng): Json {
  return rng.pick<Json>([
    null,
    true,
    '',
    'x',
    -1,
    0,
    0.5,
    1e308,
    -1e308,
    2 ** 31,
    2 ** 32 + 1,
    2 ** 53 + 2,
    1e21,
    [],
    {},
    [1, 2, 3],
    { a: 1 },
    'é'.repeat(100_000),
    `${TOKEN}1e999`,
    `${TOKEN}-1e999`,
    `${TOKEN}123456789012345678901234567890`,
    `${TOKEN}deep-array`,
    `${TOKEN}deep-object`,
    `${TOKEN}long-array`,
  ]);
}

function rawText(token: string): string {
  const what = token.slice(TOKEN.length);
  if (what === 'deep-array') return '['.repeat(DEEP) + ']'.repeat(DEEP);
  if (what === 'deep-object') return '{"a":'.repeat(DEEP) + '1' + '}'.repeat(DEEP);
  if (what === 'long-array') return `[${new Array(200_000).fill(0).join(',')}]`;
  return what;
}

/** Every path to a value in `root` (the root itself as []), depth-first, capped. */
function paths(root: Json, limit = 5000): (string | number)[][] {
  const out: (string | number)[][] = [];
  const walk = (value: Json, at: (string | number)[]) => {
    if (out.length >= limit) return;
    out.push(at);
    if (Array.isArray(value)) value.forEach((v, i) => walk(v, [...at, i]));
    else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, [...at, k]);
  };
  walk(root, []);
  return out;
}

function stringify(value: Json): string {
  return JSON.stringify(value, null, 1).replace(/"\\u0000fuzz-token-[^"]*"/g, (quoted) => rawText(JSON.parse(quoted) as string));
}

/** One structural change to a JSON document: a value replaced, a key removed or added, an array emptied or grown. */
export function mutateJsonValue(root: Json, rng: SeededRng): { value: Json; what: string } {
  const all = paths(root);
  const at = rng.pick(all);
  const parentPath = at.slice(0, -1);
  const key = at[at.length - 1];
  let parent: Json = root;
  for (const step of parentPath) parent = (parent as Record<string | number, Json>)[step];
  const choice = rng.int(10);
  const value = replacement(rng);
  const where = at.length ? at.join('.') : '(root)';
  if (at.length === 0) return { value, what: `root replaced by ${describeJson(value)}` };
  const container = parent as Record<string | number, Json>;
  if (choice < 6) {
    container[key] = value;
    return { value: root, what: `${where} set to ${describeJson(value)}` };
  }
  if (choice < 8 && !Array.isArray(parent)) {
    delete container[key];
    return { value: root, what: `${where} removed` };
  }
  if (choice < 9 && !Array.isArray(parent)) {
    container[`fuzz${rng.int(100)}`] = value;
    return { value: root, what: `unknown key added beside ${where}` };
  }
  if (Array.isArray(parent)) {
    parent.splice(key as number, 1 + rng.int(parent.length));
    return { value: root, what: `items removed from the array at ${parentPath.join('.') || '(root)'}` };
  }
  container[key] = value;
  return { value: root, what: `${where} set to ${describeJson(value)}` };
}

function describeJson(value: Json): string {
  if (typeof value === 'string') return value.startsWith(TOKEN) ? value.slice(TOKEN.length) : value.length > 20 ? `a ${value.length}-character string` : JSON.stringify(value);
  return JSON.stringify(value) ?? String(value);
}

export const jsonStructure: Mutation = (bytes, rng) => {
  try {
    const root = JSON.parse(Buffer.from(bytes).toString('utf8')) as Json;
    const { value, what } = mutateJsonValue(root, rng);
    return { bytes: ascii(stringify(value)), what };
  } catch {
    return bitFlips(bytes, rng); // not JSON, or nested too deep to walk (an earlier mutation)
  }
};

export const JSON_MUTATIONS: Mutation[] = [...GENERIC, jsonStructure, jsonStructure, jsonStructure, jsonStructure, jsonStructure];

/** JSON lines: one line's JSON mutated, or lines dropped, duplicated or swapped. */
export const jsonLines: Mutation = (bytes, rng) => {
  const lines = Buffer.from(bytes).toString('utf8').split('\n');
  const full = lines.map((l, i) => [l, i] as const).filter(([l]) => l.trim() !== '');
  if (full.length === 0) return bitFlips(bytes, rng);
  const [text, index] = rng.pick(full);
  const choice = rng.int(4);
  if (choice === 0) {
    lines.splice(index, 1);
    return { bytes: ascii(lines.join('\n')), what: `line ${index + 1} removed` };
  }
  if (choice === 1) {
    lines.splice(rng.int(lines.length), 0, text);
    return { bytes: ascii(lines.join('\n')), what: `line ${index + 1} repeated` };
  }
  try {
    const { value, what } = mutateJsonValue(JSON.parse(text) as Json, rng);
    lines[index] = stringify(value).replace(/\n\s*/g, '');
    return { bytes: ascii(lines.join('\n')), what: `line ${index + 1}: ${what}` };
  } catch {
    return bitFlips(bytes, rng); // not JSON, or nested too deep to walk (an earlier mutation)
  }
};

export const JSON_LINES: Mutation[] = [...GENERIC, jsonLines, jsonLines, jsonLines, jsonLines];

// ---------------------------------------------------------------------------------------------------------
// CSV

const CSV_FIELDS = ['', '"', '""', '"unterminated', 'x"y', '1e400', '-1e400', '99999999999999999999999', 'NaN', '-0', '0x10', '\u0000', '\ufeff', '\r', '[', "['a'", "[\"x\"]", '2020-13-45', '1921', '99999', 'é'.repeat(5000), 'a,b', '\r\n'];

export const csvField: Mutation = (bytes, rng) => {
  const text = Buffer.from(bytes).toString('utf8');
  const lines = text.split('\n');
  const index = rng.int(lines.length);
  const fields = lines[index].split(',');
  const f = rng.int(fields.length);
  const choice = rng.int(4);
  let what: string;
  if (choice === 0) {
    fields.splice(f, 1);
    what = `line ${index + 1}: field ${f + 1} removed`;
  } else if (choice === 1) {
    fields.splice(f, 0, rng.pick(CSV_FIELDS));
    what = `line ${index + 1}: field inserted before ${f + 1}`;
  } else {
    const value = rng.pick(CSV_FIELDS);
    fields[f] = value;
    what = `line ${index + 1}: field ${f + 1} set to ${JSON.stringify(value.length > 20 ? `${value.slice(0, 3)}… (${value.length} chars)` : value)}`;
  }
  lines[index] = fields.join(',');
  return { bytes: ascii(lines.join('\n')), what };
};

export const csvBadUtf8: Mutation = (bytes, rng) => {
  const at = rng.int(bytes.length + 1);
  const bad = rng.pick([[0xff], [0xc3], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80]]);
  return { bytes: concat(bytes.subarray(0, at), new Uint8Array(bad), bytes.subarray(at)), what: `invalid UTF-8 ${bad.map((b) => b.toString(16)).join(' ')} at ${at}` };
};

export const csvLines: Mutation = (bytes, rng) => {
  const lines = Buffer.from(bytes).toString('utf8').split('\n');
  const index = rng.int(lines.length);
  const choice = rng.int(3);
  if (choice === 0) lines.splice(index, 1);
  else if (choice === 1) lines.splice(index, 0, lines[rng.int(lines.length)]);
  else lines[index] = lines[index].replace(/\r$/, '');
  return { bytes: ascii(lines.join('\n')), what: `line ${index + 1} ${['removed', 'duplicated', 'without its CR'][choice]}` };
};

export const CSV: Mutation[] = [...GENERIC, csvField, csvField, csvField, csvField, csvBadUtf8, csvLines];
