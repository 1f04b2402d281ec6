import { promises as fs, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HitcastError } from '@hitcast/core/errors';
import { BUNDLE_FORMAT, BUNDLE_VERSION, requiredFiles, validateBundleManifest } from '../src/bundle-format.ts';
import { readBundle } from '../src/bundle-read.ts';
import { checkSongText, parseYear, prepareSpectrogram } from '../src/inputs.ts';
import { checkFields } from '../src/song.ts';
import { parseCsvTable } from '../src/csv-batch.ts';
import { bundleCopy, bundleDir, manifestOf, SHIPPED, tempDir } from './helpers.ts';

const reexport = 'npx hitcast export …';
const errorOf = (fn: () => unknown): HitcastError => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(HitcastError);
    return error as HitcastError;
  }
  throw new Error('expected a HitcastError');
};

describe('bundle.json', () => {
  it('the shipped bundles are valid: format, version, kind, inputs, files', () => {
    for (const name of SHIPPED) {
      const manifest = validateBundleManifest(manifestOf(bundleDir(name)), name, reexport);
      expect(manifest.format).toBe(BUNDLE_FORMAT);
      expect(manifest.version).toBe(BUNDLE_VERSION);
      for (const file of requiredFiles(manifest.kind)) expect(manifest.files[file]?.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(manifest.references.length).toBeGreaterThanOrEqual(3);
    }
  });

  it('refuses another format, another version, an unknown kind and a file list that leaves the bundle', () => {
    const good = manifestOf(bundleDir('fusion-pretrained'));
    expect(errorOf(() => validateBundleManifest({ ...good, format: 'keras' }, 'b', reexport)).message).toMatch(/b is not a hitcast model bundle .*format "keras"/);
    const newer = errorOf(() => validateBundleManifest({ ...good, version: 2 }, 'b', reexport));
    expect(newer.message).toBe('b is a model bundle of format version 2; this hitcast reads version 1');
    expect(newer.fix).toMatch(/^update hitcast/);
    expect(errorOf(() => validateBundleManifest({ ...good, kind: 'rnn' }, 'b', reexport)).message).toMatch(/kind "rnn"/);
    expect(errorOf(() => validateBundleManifest({ ...good, files: { ...good.files, '../x': good.files['tokenizer.json'] } }, 'b', reexport)).message).toMatch(/outside the bundle/);
    const { ['tokenizer.json']: _dropped, ...withoutTokenizer } = good.files;
    expect(errorOf(() => validateBundleManifest({ ...good, files: withoutTokenizer }, 'b', reexport)).message).toMatch(/does not list tokenizer.json, which a fusion bundle needs/);
  });
});

describe('readBundle', () => {
  it('reads a shipped bundle and checks every file', async () => {
    const bundle = await readBundle(bundleDir('cnn-pretrained'));
    expect(bundle.manifest.kind).toBe('cnn');
    expect(bundle.manifest.inputs.spectrogram).toMatchObject({ stored: { height: 256, width: 1024 } });
  });

  it('says what is wrong with a missing, bare, incomplete or damaged bundle', async () => {
    const rejects = (dir: string) => expect(readBundle(dir)).rejects.toBeInstanceOf(HitcastError);
    const missing = path.join(tempDir('none'), 'nothing-here');
    await rejects(missing);
    await expect(readBundle(missing)).rejects.toThrow(/model bundle .*nothing-here does not exist/);

    const bare = tempDir('bare');
    writeFileSync(path.join(bare, 'model.json'), '{}');
    await expect(readBundle(bare)).rejects.toThrow(/holds a bare model \(model.json\) but no bundle.json/);

    const incomplete = bundleCopy('text-pretrained');
    rmSync(path.join(incomplete, 'model', 'weights.bin'));
    await expect(readBundle(incomplete)).rejects.toThrow(/is incomplete: model\/weights.bin is missing/);

    const damaged = bundleCopy('text-pretrained');
    const weights = path.join(damaged, 'model', 'weights.bin');
    const bytes = await fs.readFile(weights);
    bytes[100] ^= 1;
    await fs.writeFile(weights, bytes);
    await expect(readBundle(damaged)).rejects.toThrow(/is damaged: model\/weights.bin does not match the size and SHA-256/);
  });
});

describe('inputs', () => {
  it('years: whole numbers 1900–2100 only', () => {
    expect(parseYear('1987')).toBe(1987);
    expect(parseYear(' 2100 ')).toBe(2100);
    expect(errorOf(() => parseYear('1899')).message).toBe('the release year 1899 is outside 1900–2100');
    expect(errorOf(() => parseYear('1987.5')).message).toMatch(/not a whole number/);
    expect(errorOf(() => parseYear('')).message).toMatch(/missing/);
  });

  it('artist and title must not be empty; unknown words are fine', () => {
    expect(checkSongText({ artist: ' Zxqv Wqp ', title: 'Ñandú 夢', year: '1970' })).toEqual({ artists: ['Zxqv Wqp'], title: 'Ñandú 夢', year: 1970 });
    expect(errorOf(() => checkSongText({ artist: 'A', title: '  ', year: 1970 })).message).toBe('the title is empty');
    expect(errorOf(() => checkSongText({ artist: '', title: 'T', year: 1970 })).message).toBe('the artist is empty');
  });

  it('a kind names the inputs it lacks and ignores the ones it does not read', () => {
    expect(checkFields('text', ['spectrogram', 'artist', 'title', 'year'])).toEqual(['spectrogram']);
    expect(checkFields('cnn', ['spectrogram', 'year'])).toEqual(['year']);
    expect(errorOf(() => checkFields('fusion', ['artist', 'title', 'year'])).message).toBe('a fusion bundle needs a spectrogram, artist, title and year; missing: spectrogram');
    expect(errorOf(() => checkFields('cnn', ['artist'])).message).toBe('a CNN bundle needs a spectrogram; missing: spectrogram');
  });

  it('an 8-bit PNG of the stored size skips the first down-sampling; any other size goes through both', () => {
    const spec = { stored: { height: 4, width: 8 }, model: { height: 2, width: 4 }, resampler: 'scipy-fft 8x4 v1', scale: '' };
    const stored = Uint8Array.from({ length: 32 }, (_, i) => (i * 37) % 256);
    expect(prepareSpectrogram({ width: 8, height: 4, pixels: stored }, spec).steps).toEqual(['8×4 → 4×2']);
    const raw = Uint8Array.from({ length: 4 * 13 }, (_, i) => (i * 11) % 256);
    expect(prepareSpectrogram({ width: 13, height: 4, pixels: raw }, spec).steps).toEqual(['13×4 → 8×4', '8×4 → 4×2']);
    expect(prepareSpectrogram({ width: 8, height: 4, pixels: Uint16Array.from(stored) }, spec).steps).toHaveLength(2);
  });
});

describe('CSV', () => {
  it('parses quoted fields, skips blank lines, and flags rows of the wrong width', () => {
    const table = parseCsvTable('\uFEFFSpectrogram,artist,title,year\na.png,"A, B","Say ""hi""\nagain",1990\n\nb.png,C,D\n', 'x.csv');
    expect(table.columns).toEqual(['spectrogram', 'artist', 'title', 'year']);
    expect(table.rows.map((r) => [r.row, r.line])).toEqual([[1, 2], [2, 5]]);
    expect(table.rows[0].values).toEqual({ spectrogram: 'a.png', artist: 'A, B', title: 'Say "hi"\nagain', year: '1990' });
    expect(table.malformed.map((m) => [m.row.row, m.message])).toEqual([[2, 'has 3 fields, the header has 4']]);
  });
});
