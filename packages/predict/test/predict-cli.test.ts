import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeGrayPng, downsampleSpectrogram, encodeGrayPng } from '@hitcast/data-spectrogram';
import { bundleCopy, bundleDir, hitcast, manifestOf, repo, tempDir, type Run } from './helpers.ts';

const fusion = bundleDir('fusion-pretrained');
const reference = manifestOf(fusion).references[0];
const referencePng = path.join(fusion, reference.spectrogram!);
const song = ['--artist', reference.artists.join(', '), '--title', reference.title, '--year', String(reference.year)];
/** A committed sample spectrogram at its raw size (1,195 columns, 200 per second, as in the Kaggle set). */
const rawPng = path.join(repo, 'datasets/spectrograms/1963/Raúl_Herrera_-_Sueño_Vida_Te.png');
const corruptPng = path.join(repo, 'packages/data-spectrogram/test/fixtures/png/corrupted.png');

/** stdout must be pure JSON: one object per line. */
const jsonLines = (run: Run) => run.stdout.trim().split('\n').map((line) => JSON.parse(line));

describe('hitcast predict', () => {
  it('prints one JSON object: the run\'s prediction for a reference song, the bundle and the backend (stderr: the backend line)', async () => {
    const run = await hitcast(['predict', '--model', fusion, '--spectrogram', referencePng, ...song]);
    expect(run.code, run.stderr).toBe(0);
    const [result, ...rest] = jsonLines(run);
    expect(rest).toEqual([]);
    expect(Math.abs(result.popularity - reference.predicted)).toBeLessThanOrEqual(1e-3);
    expect(result).toMatchObject({ bundle: { name: 'fusion-pretrained', kind: 'fusion', version: 1 }, backend: 'wasm', input: { title: reference.title, year: reference.year } });
    expect(result.input.spectrogram).toEqual({ file: referencePng, width: 1024, height: 256, resampled: ['1024×256 → 256×64'] });
    expect(run.stderr).toMatch(/^tfjs backend: wasm/m);
  });

  it('a raw-size PNG and the same song down-sampled to 1024×256 give the same prediction', async () => {
    const image = decodeGrayPng(readFileSync(rawPng));
    const small = path.join(tempDir('png'), 'small.png');
    writeFileSync(small, encodeGrayPng(downsampleSpectrogram(image.pixels, image.height, image.width), 1024, 256));
    const [raw, down] = await Promise.all([rawPng, small].map((file) => hitcast(['predict', '--model', bundleDir('cnn-pretrained'), '--spectrogram', file])));
    const [a] = jsonLines(raw);
    const [b] = jsonLines(down);
    expect(a.input.spectrogram.resampled).toEqual(['1195×256 → 1024×256', '1024×256 → 256×64']);
    expect(b.input.spectrogram.resampled).toEqual(['1024×256 → 256×64']);
    expect(a.raw).toBe(b.raw);
  });

  it('a text bundle needs no spectrogram, a CNN bundle no text; an input a bundle does not read is ignored with a note', async () => {
    const [text, cnn] = await Promise.all([
      hitcast(['predict', '--model', bundleDir('text-pretrained'), ...song]),
      hitcast(['predict', '--model', bundleDir('cnn-pretrained'), '--spectrogram', referencePng, '--year', '1990']),
    ]);
    expect(text.code, text.stderr).toBe(0);
    expect(jsonLines(text)[0]).toMatchObject({ bundle: { kind: 'text' }, notes: [] });
    expect(cnn.code, cnn.stderr).toBe(0);
    expect(jsonLines(cnn)[0].notes).toEqual(['a CNN bundle reads no artist, title or year: year ignored']);
    expect(cnn.stderr).toContain('note: a CNN bundle reads no artist, title or year: year ignored');
  });

  it('bad input: one clear error with its fix, no stack trace, exit 1, nothing on stdout', async () => {
    const incomplete = bundleCopy('fusion-pretrained');
    rmSync(path.join(incomplete, 'model', 'weights.bin'));
    const newer = bundleCopy('text-pretrained');
    const manifest = JSON.parse(readFileSync(path.join(newer, 'bundle.json'), 'utf8'));
    writeFileSync(path.join(newer, 'bundle.json'), JSON.stringify({ ...manifest, version: 2 }));
    const cases: [string[], RegExp][] = [
      [['--spectrogram', 'nowhere.png', ...song], /^error: spectrogram nowhere.png does not exist$/m],
      [['--spectrogram', corruptPng, ...song], /^error: .*corrupted.png: not a readable PNG \(CRC mismatch/m],
      [['--spectrogram', referencePng, ...song.slice(0, 4), '--year', '1899'], /^error: the release year 1899 is outside 1900–2100$/m],
      [['--spectrogram', referencePng, ...song.slice(0, 4), '--year', '2101'], /^error: the release year 2101 is outside 1900–2100$/m],
      [['--spectrogram', referencePng, '--artist', 'A', '--title', ' ', '--year', '1990'], /^error: the title is empty$/m],
      [['--artist', 'A', '--title', 'T', '--year', '1990'], /^error: a fusion bundle needs a spectrogram, artist, title and year; missing: spectrogram$/m],
    ];
    const runs = await Promise.all([
      ...cases.map(([args]) => hitcast(['predict', '--model', fusion, ...args])),
      hitcast(['predict', '--model', path.join(repo, 'trained_models', 'no-such-bundle'), ...song]),
      hitcast(['predict', '--model', incomplete, '--spectrogram', referencePng, ...song]),
      hitcast(['predict', '--model', newer, ...song]),
    ]);
    const expected = [
      ...cases.map(([, message]) => message),
      /^error: model bundle .*no-such-bundle does not exist$/m,
      /^error: model bundle .*fusion-pretrained is incomplete: model\/weights.bin is missing$/m,
      /^error: .*text-pretrained is a model bundle of format version 2; this hitcast reads version 1$/m,
    ];
    runs.forEach((run, i) => {
      expect(run.code, run.stderr).toBe(1);
      expect(run.stderr).toMatch(expected[i]);
      expect(run.stderr).toMatch(/^ {2}fix: \S/m);
      expect(run.stderr).not.toMatch(/\n\s+at /);
      expect(run.stdout).toBe('');
    });
  });
});

describe('hitcast predict --csv', () => {
  /** A CSV in its own folder: the reference PNG copied beside it, one row per entry. */
  function csvOf(rows: string[]): string {
    const dir = tempDir('csv');
    copyFileSync(referencePng, path.join(dir, 'song.png'));
    copyFileSync(corruptPng, path.join(dir, 'corrupt.png'));
    const file = path.join(dir, 'songs.csv');
    writeFileSync(file, ['spectrogram,artist,title,year,id', ...rows].join('\n'));
    return file;
  }
  const good = (id: string) => `song.png,"${reference.artists.join(', ')}","${reference.title}",${reference.year},${id}`;

  it('predicts every row, reports a bad row in the middle (stderr and output) and exits 2', async () => {
    const file = csvOf([good('a'), 'missing.png,A,T,1990,b', 'corrupt.png,A,T,1990,c', 'song.png,A,,1990,d', good('e')]);
    const run = await hitcast(['predict', '--model', fusion, '--csv', file]);
    expect(run.code, run.stderr).toBe(2);
    const lines = jsonLines(run);
    expect(lines.map((l) => l.input.id)).toEqual(['a', 'b', 'c', 'd', 'e']);
    for (const i of [0, 4]) expect(Math.abs(lines[i].popularity - reference.predicted)).toBeLessThanOrEqual(1e-3);
    expect(lines[1]).toMatchObject({ row: 2, line: 3, error: `spectrogram missing.png does not exist (looked for ${path.join(path.dirname(file), 'missing.png')})` });
    expect(lines[2].error).toMatch(/^corrupt.png: not a readable PNG/);
    expect(lines[3]).toMatchObject({ row: 4, error: 'the title is empty' });
    expect(run.stderr).toMatch(/^row 2 \(line 3\): spectrogram missing.png does not exist/m);
    expect(run.stderr).toMatch(/^error: 3 of 5 rows could not be predicted \(rows 2, 3, 4\); the other rows were predicted$/m);

    const out = path.join(path.dirname(file), 'out.csv');
    const again = await hitcast(['predict', '--model', fusion, '--csv', file, '--out', out]);
    expect(again.code).toBe(2);
    const written = readFileSync(out, 'utf8').trim().split('\n');
    expect(written[0]).toBe('spectrogram,artist,title,year,id,popularity,raw,error');
    expect(written[4]).toBe('song.png,A,,1990,d,,,the title is empty');
  });

  it('many rows go to prediction workers, with the same results as on the main thread', async () => {
    const rows = Array.from({ length: 70 }, (_, i) => (i === 35 ? 'missing.png,A,T,1990,x' : good(String(i))));
    const file = csvOf(rows);
    const [workers, main] = await Promise.all([hitcast(['predict', '--model', fusion, '--csv', file, '--workers', '2']), hitcast(['predict', '--model', fusion, '--csv', file, '--workers', '0'])]);
    expect(workers.stderr).toMatch(/on 2 worker threads$/m);
    expect(workers.stderr).toMatch(/^tfjs backend: wasm/m);
    expect(workers.code, workers.stderr).toBe(2);
    expect(workers.stdout).toBe(main.stdout);
    expect(jsonLines(workers)).toHaveLength(70);
  });

  it('a header without a column the bundle reads is an error (exit 1)', async () => {
    const dir = tempDir('csv');
    const file = path.join(dir, 'songs.csv');
    writeFileSync(file, 'artist,title\nA,T\n');
    const run = await hitcast(['predict', '--model', bundleDir('text-pretrained'), '--csv', file]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: .*songs.csv: the header \(artist,title\) lacks a column: a text bundle needs artist, title and year; missing: year$/m);
  });
});

describe('hitcast export', () => {
  it('says which run is missing and how to make it', async () => {
    const run = await hitcast(['export', '--run', 'model-fusion/fusion-pretrained', '--out', path.join(tempDir('export'), 'b'), '--artifacts', tempDir('empty')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: training run model-fusion\/fusion-pretrained is not complete: .*model.json is missing$/m);
    expect(run.stderr).toMatch(/^ {2}fix: run `npx nx run model-fusion:train` first/m);
  });
});
