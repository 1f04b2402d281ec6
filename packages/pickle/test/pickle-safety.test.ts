import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { HitcastError } from '@hitcast/core';
import { NameRegistry, Parser } from 'pickleparser';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { ALLOWED_GLOBALS, convertPickle } from '../src/index.ts';
import { unpickle } from '../src/unpickle.ts';

/**
 * What hitcast pickle must refuse, and how: malicious globals, ints pickleparser would misread, Git LFS
 * pointers, truncated and non-pickle files, and shapes that do not make a table. Every refusal is a
 * HitcastError naming the file, and no output file is left behind.
 */

const FIXTURES = join(import.meta.dirname, 'fixtures', 'pickles');
const EXPECTED = JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8')) as {
  fixtures: Record<string, { refused?: string }>;
};
// ../shared beside the checkout (present on developer machines and in CI; absent elsewhere, then skipped).
const REAL_LFS_POINTERS = join(import.meta.dirname, '../../../../shared/realdata/idanav100-spp');

const work = mkdtempSync(join(tmpdir(), 'hitcast-pickle-safety-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Converts `input` expecting a refusal; returns the HitcastError after checking the shared promises. */
async function refusal(input: string): Promise<HitcastError> {
  const output = join(work, 'out.arrow');
  rmSync(output, { force: true });
  const error = await convertPickle({ input, output }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `${input} should be refused`).toBeInstanceOf(HitcastError);
  const hitcast = error as HitcastError;
  expect(hitcast.message).toContain(input);
  expect(hitcast.fix, 'a refusal says how to fix it').toBeTruthy();
  expect(existsSync(output), 'no output is written on refusal').toBe(false);
  expect(readdirSync(work).filter((f) => f.startsWith('out.arrow')), 'no temp file left').toEqual([]);
  return hitcast;
}

const fixture = (name: string) => join(FIXTURES, name);

/** Assembles a pickle from opcodes (byte values), latin-1 text and already assembled pieces; for hand-made attacks. */
type Part = number[] | string | Uint8Array;
function pickleBytes(...parts: Part[]): Buffer {
  return Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'latin1') : Buffer.from(part))));
}
const op = {
  proto: (n: number): Part => [0x80, n],
  global: (module: string, name: string): Part => `c${module}\n${name}\n`,
  str: (s: string): Part => pickleBytes([0x8c, s.length], s),
};
const [REDUCE, NEWOBJ, BUILD, STOP, TUPLE1, TUPLE2, TUPLE3, EMPTY_TUPLE, EMPTY_DICT, SETITEM, NONE]: Part[] = ['R', [0x81], 'b', '.', [0x85], [0x86], [0x87], ')', '}', 's', 'N'];

/** What pickleparser asks the name resolver while `run` converts, and whether each answer was a refusal. */
async function resolutions(run: () => Promise<unknown>): Promise<{ name: string; refused: boolean }[]> {
  const resolve = vi.spyOn(NameRegistry.prototype, 'resolve');
  try {
    await run();
    return resolve.mock.calls.map(([module, name], i) => ({ name: `${module}.${name}`, refused: resolve.mock.results[i].type === 'throw' }));
  } finally {
    resolve.mockRestore();
  }
}

describe('malicious pickles are refused by the allow-list before anything is called', () => {
  const evil = Object.entries(EXPECTED.fixtures).filter(([name]) => name.startsWith('evil_'));

  it('has the malicious fixtures', () => {
    expect(evil.map(([name]) => name).sort()).toEqual([
      'evil_eval_p2.pkl',
      'evil_in_dataframe_p4.pkl',
      'evil_popen_p5.pkl',
      'evil_system_p4.pkl',
      'evil_uncalled_p4.pkl',
    ]);
  });

  it('allows exactly these globals: each is a data-only rebuild, and adding one is a decision to review', () => {
    expect([...ALLOWED_GLOBALS].sort()).toEqual([
      'PIL.Image.Image',
      'PIL.JpegImagePlugin.JpegImageFile',
      'PIL.PngImagePlugin.PngImageFile',
      '__builtin__.slice',
      '_codecs.encode',
      'builtins.slice',
      'collections.OrderedDict',
      'numpy._core.multiarray._reconstruct',
      'numpy._core.multiarray.scalar',
      'numpy._core.numeric._frombuffer',
      'numpy.core.multiarray._reconstruct',
      'numpy.core.multiarray.scalar',
      'numpy.core.numeric._frombuffer',
      'numpy.dtype',
      'numpy.ndarray',
      'pandas._libs.internals._unpickle_block',
      'pandas.core.frame.DataFrame',
      'pandas.core.indexes.base.Index',
      'pandas.core.indexes.base._new_Index',
      'pandas.core.indexes.numeric.Float64Index',
      'pandas.core.indexes.numeric.Int64Index',
      'pandas.core.indexes.numeric.NumericIndex',
      'pandas.core.indexes.numeric.UInt64Index',
      'pandas.core.indexes.range.RangeIndex',
      'pandas.core.internals.managers.BlockManager',
    ]);
  });

  it('the fixtures are real attacks: a resolver that answers every name gets its global called with the payload', () => {
    // The same parser hitcast drives, with a resolver that hands out a recording function for every name:
    // this is what would run if a name outside the allow-list resolved to anything callable.
    for (const [name, { refused }] of evil) {
      const calls: { global: string; args: unknown[] }[] = [];
      class AnswersEverything extends NameRegistry {
        override onMissingName(module: string, global: string) {
          return function recorder(...args: unknown[]) {
            calls.push({ global: `${module}.${global}`, args });
            return {};
          };
        }
      }
      try {
        new Parser({ nameResolver: new AnswersEverything(), unpicklingTypeOfDictionary: 'Map' }).parse(readFileSync(fixture(name)));
      } catch {
        // The recorder's stand-in values need not make a valid whole; the calls made before are what count.
      }
      const payload = calls.filter((c) => c.global === refused);
      if (name === 'evil_uncalled_p4.pkl') expect(payload, name).toEqual([]);
      else expect(JSON.stringify(payload.map((c) => c.args)), name).toContain('/tmp/pwned');
    }
  });

  it.each(evil)('%s is refused at the name of its global, which never resolves to anything callable', async (name, { refused }) => {
    let error: HitcastError | undefined;
    const asked = await resolutions(async () => (error = await refusal(fixture(name))));
    expect(error!.message).toContain(`refers to the Python global ${refused}`);
    expect(error!.message).toContain('never runs code');
    expect(error!.fix).toContain(refused);
    // Every earlier name was an allowed rebuild; the first one outside the list ended the parse with a refusal.
    expect(asked.at(-1)).toEqual({ name: refused, refused: true });
    expect(asked.slice(0, -1).filter((a) => a.refused || !ALLOWED_GLOBALS.includes(a.name))).toEqual([]);
  });

  it('refuses a global that is only referenced, never called (pickleparser alone would hand back a placeholder)', async () => {
    const bytes = readFileSync(fixture('evil_uncalled_p4.pkl'));
    const plain = new Parser({ unpicklingTypeOfDictionary: 'Map' }).parse<Map<string, unknown>>(bytes);
    expect(typeof plain.get('f')).toBe('function'); // the placeholder hitcast must never let through
    const error = await refusal(fixture('evil_uncalled_p4.pkl'));
    expect(error.message).toContain('posix.system');
  });

  it('across every fixture, the parser resolves only allowed names, and the first other one ends the parse', async () => {
    const fixtures = readdirSync(FIXTURES).filter((f) => f.endsWith('.pkl'));
    const outsiders = new Map<string, string>();
    for (const name of fixtures) {
      // Refusals of other kinds (big ints, shapes) are pickle-safety's other sections; only names count here.
      const asked = await resolutions(async () => {
        try {
          unpickle(readFileSync(fixture(name)), name);
        } catch (error) {
          expect(error, name).toBeInstanceOf(HitcastError);
        }
      });
      const outside = asked.findIndex((a) => !ALLOWED_GLOBALS.includes(a.name));
      if (outside < 0) continue;
      expect(asked[outside].refused, `${name}: ${asked[outside].name}`).toBe(true);
      expect(outside, `${name}: nothing is resolved after a refusal`).toBe(asked.length - 1);
      outsiders.set(name, asked[outside].name);
    }
    const refusedGlobals = Object.fromEntries(evil.map(([name, { refused }]) => [name, refused]));
    expect(Object.fromEntries(outsiders)).toEqual({
      ...refusedGlobals,
      'df_datetime_p4.pkl': 'pandas._libs.arrays.__pyx_unpickle_NDArrayBacked',
    });
  });

  it('refuses os.system / builtins.exec written with the GLOBAL opcode as well', async () => {
    for (const [module, name] of [['os', 'system'], ['builtins', 'exec'], ['nt', 'system'], ['numpy', 'load']]) {
      // PROTO 2, GLOBAL module\nname\n, STOP: the global is never even called.
      const path = join(work, `global-${module}-${name}.pkl`);
      writeFileSync(path, pickleBytes(op.proto(2), op.global(module, name), STOP));
      expect((await refusal(path)).message).toContain(`${module}.${name}`);
    }
  });

  it('refuses the other ways to name an object (persistent ids, extension codes, protocol-0 INST/OBJ) before parsing', async () => {
    const attacks: [string, Buffer, string][] = [
      ['PERSID', pickleBytes(op.proto(2), 'Pos.system\n', STOP), 'persistent id'],
      ['BINPERSID', pickleBytes(op.proto(2), op.str('os.system'), 'Q', STOP), 'persistent id'],
      ['EXT1', pickleBytes(op.proto(2), [0x82, 1], STOP), 'extension code'],
      ['EXT2', pickleBytes(op.proto(2), [0x83, 1, 0], STOP), 'extension code'],
      ['INST', pickleBytes(op.proto(2), '(', op.str('touch /tmp/pwned'), 'ios\nsystem\n', STOP), 'protocol 0/1'],
      ['OBJ', pickleBytes(op.proto(2), '(', op.global('os', 'system'), op.str('touch /tmp/pwned'), 'o', STOP), 'protocol 0/1'],
    ];
    for (const [what, bytes, message] of attacks) {
      const path = join(work, `route-${what}.pkl`);
      writeFileSync(path, bytes);
      let error: HitcastError | undefined;
      const asked = await resolutions(async () => (error = await refusal(path)));
      expect(error!.message, what).toContain(message);
      // Refused by the opcode scan, before the parser runs at all.
      expect(asked, what).toEqual([]);
    }
  });
});

describe('an allowed global cannot be abused: each rebuild refuses arguments its library never writes', () => {
  const g = op.global;
  it.each([
    ['_reconstruct asked for another class', pickleBytes(op.proto(2), g('numpy.core.multiarray', '_reconstruct'), g('collections', 'OrderedDict'), [0x4b, 0], TUPLE1, op.str('b'), TUPLE3, REDUCE, STOP), 'only rebuilds plain numpy.ndarray'],
    ['numpy.ndarray constructed directly', pickleBytes(op.proto(2), g('numpy', 'ndarray'), EMPTY_TUPLE, NEWOBJ, STOP), 'constructs numpy.ndarray directly'],
    ['numpy.dtype of an unknown spec', pickleBytes(op.proto(2), g('numpy', 'dtype'), op.str('x9'), TUPLE1, REDUCE, STOP), 'numpy dtype "x9" is not one hitcast knows'],
    ['a numpy scalar without a dtype', pickleBytes(op.proto(2), g('numpy.core.multiarray', 'scalar'), op.str('<f8'), [0x43, 8, 0, 0, 0, 0, 0, 0, 0, 0], TUPLE2, REDUCE, STOP), 'numpy scalar with dtype "<f8"'],
    ['_frombuffer with too few bytes', pickleBytes(op.proto(3), g('numpy.core.numeric', '_frombuffer'), '(', [0x43, 3, 1, 2, 3], g('numpy', 'dtype'), op.str('f8'), TUPLE1, REDUCE, [0x4b, 2], TUPLE1, op.str('C'), 't', REDUCE, STOP), 'should hold 16 bytes but holds 3 bytes'],
    ['_codecs.encode to another codec', pickleBytes(op.proto(2), g('_codecs', 'encode'), op.str('abc'), op.str('rot13'), TUPLE2, REDUCE, STOP), 'only latin1 text is expected'],
    ['_new_Index of a class that is no index', pickleBytes(op.proto(2), g('pandas.core.indexes.base', '_new_Index'), g('collections', 'OrderedDict'), EMPTY_DICT, TUPLE2, REDUCE, STOP), 'pandas _new_Index for'],
    ['BlockManager of non-sequences', pickleBytes(op.proto(2), g('pandas.core.internals.managers', 'BlockManager'), [0x4b, 1], [0x4b, 2], TUPLE2, REDUCE, STOP), 'BlockManager(blocks, axes) with unexpected arguments'],
    ['a DataFrame given something else as its data', pickleBytes(op.proto(2), g('pandas.core.frame', 'DataFrame'), EMPTY_TUPLE, NEWOBJ, EMPTY_DICT, op.str('_mgr'), op.str('rm -rf /'), SETITEM, BUILD, STOP), 'DataFrame state holds "rm -rf /" instead of a BlockManager'],
    ['a PIL image given a state Pillow never writes', pickleBytes(op.proto(2), g('PIL.PngImagePlugin', 'PngImageFile'), EMPTY_TUPLE, NEWOBJ, op.str('x'), BUILD, STOP), "is not Pillow's [info, mode, size, palette, data]"],
    ['slice with a non-integer bound', pickleBytes(op.proto(2), g('builtins', 'slice'), op.str('a'), NONE, NONE, TUPLE3, REDUCE, STOP), 'slice(a, null, null) has a non-integer bound'],
    ['an index class marker called as a function', pickleBytes(op.proto(2), g('pandas.core.indexes.base', 'Index'), EMPTY_TUPLE, REDUCE, STOP), 'is not a valid pickle'],
    ['a rebuild function constructed as a class', pickleBytes(op.proto(2), g('numpy', 'dtype'), EMPTY_TUPLE, NEWOBJ, STOP), 'is not a valid pickle'],
  ])('refuses %s', async (what, bytes, message) => {
    const path = join(work, `abuse-${what.replace(/\W+/g, '-')}.pkl`);
    writeFileSync(path, bytes);
    expect((await refusal(path)).message).toContain(message);
  });
});

describe('Python ints that pickleparser 0.2.1 would misread are refused', () => {
  it('documents the limitation: pickleparser alone reads -2**40 as 280375465082880', () => {
    const plain = new Parser().parse<number[]>(readFileSync(fixture('int_neg_2pow40_p4.pkl')));
    expect(plain[1]).toBe(280375465082880);
  });

  const ints = Object.entries(EXPECTED.fixtures).filter(([name]) => name.startsWith('int_') || name === 'records_neg_int_p2.pkl');

  it('has the big-int fixtures', () => expect(ints.length).toBe(6));

  it.each(ints)('%s is refused, naming the value', async (name, { refused }) => {
    const error = await refusal(fixture(name));
    const value = refused!.replace('python int ', '');
    if (name.includes('2pow2100')) expect(error.message).toContain('263 bytes');
    else expect(error.message).toContain(`the Python int ${value}`);
    expect(error.message).toMatch(/refuses rather than return a wrong number|far beyond 64 bits/);
  });
});

describe('files that are not (whole) pickles', () => {
  it('names a committed Git LFS pointer of the original repository as such', async () => {
    const error = await refusal(fixture('lfs_pointer_spotify_data.pkl'));
    expect(error.message).toContain('is a Git LFS pointer, not a pickle');
    expect(error.message).toContain('never downloaded');
    expect(error.message).toContain('28,742,061 bytes');
    expect(error.fix).toContain('git lfs pull');
  });

  it.skipIf(!existsSync(REAL_LFS_POINTERS))('names the real LFS pointers in shared/realdata as such', async () => {
    const pointers = readdirSync(REAL_LFS_POINTERS).filter((f) => f.endsWith('.pkl'));
    expect(pointers.length).toBeGreaterThan(0);
    for (const name of pointers) {
      const error = await refusal(join(REAL_LFS_POINTERS, name));
      expect(error.message).toContain('Git LFS pointer');
      expect(error.fix).toContain('git lfs pull');
    }
  });

  it('refuses every truncation of a DataFrame pickle as truncated (or corrupt), never with a wrong table', async () => {
    const bytes = readFileSync(fixture('df_mixed_p4.pkl'));
    const path = join(work, 'truncated.pkl');
    let truncatedMessages = 0;
    for (let length = 1; length < bytes.length; length++) {
      writeFileSync(path, bytes.subarray(0, length));
      const error = await refusal(path);
      if (error.message.includes('is truncated')) truncatedMessages++;
    }
    // Cutting right after a complete inner object can leave a well-formed but different pickle only if the
    // cut lands exactly on a STOP; there is one STOP, at the end, so every cut reads as truncated.
    expect(truncatedMessages).toBe(bytes.length - 1);
  });

  it('refuses a spectrogram pickle cut in the middle of its pixels', async () => {
    const bytes = readFileSync(fixture('processed_data_real_shape_p4.pkl'));
    const path = join(work, 'processed_data_cut.pkl');
    writeFileSync(path, bytes.subarray(0, 300_000));
    const error = await refusal(path);
    expect(error.message).toContain('is truncated');
    expect(error.fix).toMatch(/download the file again/);
  });

  it('refuses bytes after the pickle (two pickles in one file)', async () => {
    const path = join(work, 'two.pkl');
    writeFileSync(path, Buffer.concat([readFileSync(fixture('list_floats_p4.pkl')), readFileSync(fixture('list_strings_p2.pkl'))]));
    expect((await refusal(path)).message).toContain('bytes after the end of its pickle');
  });

  it.each([
    ['a CSV file', Buffer.from('name,popularity\nCrazy In Love,77\n'), 'not a pickle of protocol 2-5'],
    ['an empty file', Buffer.alloc(0), 'is empty'],
    ['a gzip-compressed pickle', gzipSync(Buffer.from([0x80, 4, 0x4e, 0x2e])), 'gzip-compressed'],
    ['a zip archive', Buffer.from('PK\x03\x04rest', 'latin1'), 'zip archive'],
    ['protocol 6', Buffer.from([0x80, 6, 0x4e, 0x2e]), 'protocol 6'],
    ['garbage after PROTO', Buffer.from([0x80, 4, 0xff, 0x2e]), 'no pickle opcode'],
  ])('refuses %s', async (what, bytes, message) => {
    const path = join(work, `not-a-pickle-${what.replace(/\W+/g, '-')}.pkl`);
    writeFileSync(path, bytes);
    expect((await refusal(path)).message).toContain(message);
  });

  it('refuses a protocol 0 (text) pickle', async () => {
    expect((await refusal(fixture('list_p0.pkl'))).fix).toContain('protocol=4');
  });

  it('says when the input does not exist', async () => {
    expect((await refusal(join(work, 'missing.pkl'))).message).toContain('does not exist');
  });
});

describe('values that do not make a table are refused, naming column and row', () => {
  it.each([
    ['records_heterogeneous_p4.pkl', /column "x" mixes int \(first at row 0\) and str \(first at row 1\)/],
    ['dict_unequal_p4.pkl', /"a" has 3 rows but "b" has 2/],
    ['df_shapes_differ_p4.pkl', /column "v": row 1 holds a <f8 array of shape \[4\] but row 0 a <f8 array of shape \[3\]/],
    ['images_mixed_sizes_p4.pkl', /column "spectrogram": row 1 holds a 4x4 image but row 0 a 8x4 one/],
    ['images_i16_p4.pkl', /column "spectrogram", row 0 holds an image of mode 'I;16'/],
    ['dict_complex_p4.pkl', /column "c" holds numpy dtype <c16: complex numbers/],
    ['df_empty_p4.pkl', /holds a pandas DataFrame with no rows \(columns: name, n\)/],
    ['df_datetime_p4.pkl', /refers to the Python global pandas\._libs\.arrays\.__pyx_unpickle_NDArrayBacked.*datetime/],
  ])('%s', async (name, message) => {
    expect((await refusal(fixture(name))).message).toMatch(message);
  });

  it('covers every refused fixture of expected.json in this file', () => {
    const refused = Object.entries(EXPECTED.fixtures).filter(([, f]) => f.refused).map(([name]) => name);
    const source = readFileSync(import.meta.filename, 'utf8');
    const covered = refused.filter(
      (name) => source.includes(`'${name}'`) || name.startsWith('evil_') || name.startsWith('int_') || name === 'records_neg_int_p2.pkl',
    );
    expect(covered).toEqual(refused);
  });

  it.each([
    ['a bare int', [0x80, 4, 0x4b, 7, 0x2e], 'holds an int'],
    ['an empty list', [0x80, 4, 0x5d, 0x2e], 'empty list'],
    ['a list mixing dicts and ints', [0x80, 4, 0x5d, 0x28, 0x7d, 0x4b, 1, 0x65, 0x2e], 'row 1 is an int, not a dict'],
    ['a dict of scalars', [0x80, 4, 0x7d, 0x8c, 1, 0x61, 0x4b, 1, 0x73, 0x2e], 'value for "a" is an int'],
    ['a list holding a list', [0x80, 4, 0x5d, 0x5d, 0x61, 0x2e], 'row 0 holds a list'],
  ])('refuses %s', async (what, bytes, message) => {
    const path = join(work, `shape-${what.replace(/\W+/g, '-')}.pkl`);
    writeFileSync(path, Buffer.from(bytes));
    expect((await refusal(path)).message).toContain(message);
  });
});
