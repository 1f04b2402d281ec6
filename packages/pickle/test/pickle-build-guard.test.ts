import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { unpickle } from '../src/unpickle.ts';

const FIXTURES = path.join(import.meta.dirname, 'fixtures', 'pickles');
const utf8 = (text: string) => [...Buffer.from(text, 'utf8')];
/** Protocol-2 BINUNICODE: 'X', 4-byte little-endian length, UTF-8. */
const unicode = (text: string) => [0x58, ...new Uint8Array(new Uint32Array([Buffer.byteLength(text)]).buffer), ...utf8(text)];
/** BININT: 'J' + 4-byte little-endian signed int. */
const int32 = (n: number) => [0x4a, ...new Uint8Array(new Int32Array([n]).buffer)];
const pickle = (...ops: number[][]) => Uint8Array.from([0x80, 0x02, ...ops.flat(), 0x2e]);
const EMPTY_LIST = [0x5d];
const EMPTY_DICT = [0x7d];
const SETITEM = [0x73];
const BUILD = [0x62];
const global = (module: string, name: string) => [0x63, ...utf8(`${module}\n${name}\n`)];

describe('BUILD on objects that take no state', () => {
  it('refuses a list given a length (a huge table from a few bytes)', () => {
    const bytes = pickle(EMPTY_LIST, EMPTY_DICT, unicode('length'), int32(10_000_000), SETITEM, BUILD);
    expect(bytes.length).toBeLessThan(40);
    expect(() => unpickle(bytes, 'huge.pkl')).toThrow(/huge\.pkl: the pickle sets a state \(BUILD\) on a list, which takes none/);
  });

  it('refuses a state written onto an allowed class, and leaves the reader intact for the next file', () => {
    const bytes = pickle(global('pandas.core.frame', 'DataFrame'), EMPTY_DICT, unicode('__proto__'), EMPTY_DICT, SETITEM, BUILD);
    expect(() => unpickle(bytes, 'class.pkl')).toThrow(/class\.pkl: the pickle sets a state \(BUILD\) on the class/);
    // The guard is gone after the parse, and an ordinary DataFrame pickle still reads as before.
    expect(Object.prototype).not.toHaveProperty('__setstate__');
    const good = unpickle(readFileSync(path.join(FIXTURES, 'spotify_data_p4.pkl')), 'spotify_data_p4.pkl');
    expect(good.value).toBeDefined();
    expect(({} as { __setstate__?: unknown }).__setstate__).toBeUndefined();
  });
});
