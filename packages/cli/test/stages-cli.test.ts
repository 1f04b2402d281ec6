import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeGrayPng, encodeGrayPng } from '@hitcast/data-spectrogram/png';
import { downsampleSpectrogram } from '@hitcast/data-spectrogram/downsample';
import { readJson, readU8Delta, sha256, spectrogramImage, type PipelineCase } from '../../data-spectrogram/test/fixtures/scipy/load.ts';

/**
 * The file commands and every stage command as a user runs them: `node packages/cli/bin/hitcast.mjs …` in
 * a process of its own, on the committed sample, with tiny parameters. Each must exit 0 and write what it
 * promises; a mistake in a parameters file must end in one `error:` line and one `fix:` line, exit 1.
 */

const repo = path.resolve(import.meta.dirname, '../../..');
const work = mkdtempSync(path.join(tmpdir(), 'hitcast-stages-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function hitcast(...args: string[]) {
  const result = spawnSync(process.execPath, [path.join(repo, 'packages/cli/bin/hitcast.mjs'), ...args], {
    cwd: repo,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', HITCAST_BACKEND: 'wasm' },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A user mistake: exit 1, the message and its fix on stderr, no stack trace. */
function expectUserError(run: ReturnType<typeof hitcast>, message: RegExp, fix: RegExp): void {
  expect(run.code, run.stderr).toBe(1);
  const lines = run.stderr.split('\n').filter((line) => /^(error|\s*fix):/.test(line));
  expect(lines).toHaveLength(2);
  expect(lines[0]).toMatch(/^error: /);
  expect(lines[0]).toMatch(message);
  expect(lines[1]).toMatch(/^ {2}fix: /);
  expect(lines[1]).toMatch(fix);
  expect(run.stderr).not.toMatch(/\n\s+at /);
}

function writeJson(file: string, value: unknown): string {
  writeFileSync(file, JSON.stringify(value));
  return file;
}

interface Manifest {
  stage: string;
  params: Record<string, unknown>;
  outputs: { path: string; bytes: number; sha256: string }[];
}

/** The stage's manifest.json, after checking that every output it lists exists with the size it gives. */
function manifestOf(dir: string, stage: string): Manifest {
  const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as Manifest;
  expect(manifest.stage).toBe(stage);
  expect(manifest.outputs.length).toBeGreaterThan(0);
  for (const output of manifest.outputs) expect(statSync(path.resolve(repo, output.path)).size, output.path).toBe(output.bytes);
  return manifest;
}

describe('hitcast resample', () => {
  it('writes what scipy.signal.resample gives for a golden case', () => {
    const golden = readJson<{ cases: PipelineCase[] }>('pipeline.json').cases.find((c) => c.name.startsWith('200x700'))!;
    const image = spectrogramImage(golden.height, golden.width, golden.seed);
    expect(sha256(image)).toBe(golden.inputSha256);
    const input = path.join(work, 'golden.png');
    writeFileSync(input, encodeGrayPng(image, golden.width, golden.height));
    const output = path.join(work, 'golden-1024x256.png');

    const run = hitcast('resample', input, '--out', output);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`700×200 → ${output}: 1024×256`);
    const written = decodeGrayPng(readFileSync(output));
    expect([written.width, written.height]).toEqual([1024, 256]);
    // Not the identity width, so every pixel equals scipy's (see resample.test.ts).
    expect(Buffer.from(written.pixels).equals(Buffer.from(readU8Delta(golden.expected, 1024)))).toBe(true);
  });

  it('down-samples a committed spectrogram exactly as the library does, at the size asked for', () => {
    const input = path.join(repo, 'datasets/spectrograms/1962/Jack_Parker_-_Forget_the_Light.png');
    const source = decodeGrayPng(readFileSync(input));
    for (const [width, height] of [[1024, 256], [64, 16]]) {
      const output = path.join(work, `committed-${width}x${height}.png`);
      const run = hitcast('resample', input, '--out', output, '--width', String(width), '--height', String(height));
      expect(run.code, run.stderr).toBe(0);
      const written = decodeGrayPng(readFileSync(output));
      expect([written.width, written.height]).toEqual([width, height]);
      const library = downsampleSpectrogram(source.pixels, source.height, source.width, { width, height });
      expect(Buffer.from(written.pixels).equals(Buffer.from(library))).toBe(true);
    }
  });

  it('says when the input is not a PNG', () => {
    const input = writeJson(path.join(work, 'not.png'), { not: 'a png' });
    expectUserError(hitcast('resample', input, '--out', path.join(work, 'never.png')), /not\.png: not a readable PNG/, /complete PNG/);
    expect(existsSync(path.join(work, 'never.png'))).toBe(false);
  });
});

describe('hitcast pickle', () => {
  const fixtures = path.join(repo, 'packages/pickle/test/fixtures/pickles');

  it("converts the original project's DataFrame pickle to an Arrow file holding its rows", () => {
    const output = path.join(work, 'spotify_data.arrow');
    const run = hitcast('pickle', path.join(fixtures, 'spotify_data_p4.pkl'), '--out', output);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`dataframe, 6 rows → ${output}`);
    const table = tableFromIPC(readFileSync(output));
    expect(table.schema.metadata.get('hitcast.artifact')).toBe('pickle-table');
    expect(table.schema.fields.map((f) => `${f.name}: ${f.type}`)).toEqual(['name: Utf8', 'popularity: Int64', 'artists: Utf8', 'release_date: Utf8']);
    const rows = table.toArray().map((row) => ({ ...row.toJSON(), popularity: Number(row.popularity) }));
    expect(rows).toEqual([
      { name: 'Crazy In Love', popularity: 77, artists: 'Beyoncé', release_date: '2003' },
      { name: "Sweet Child O' Mine", popularity: 83, artists: '["Guns N Roses"]', release_date: '1987' },
      { name: 'Hey, Soul Sister', popularity: 80, artists: 'Train', release_date: '2009' },
      { name: 'Moongil Kaadugalae (From "Samurai")', popularity: 0, artists: 'Harris Jayaraj', release_date: '2002' },
      { name: 'Lean On', popularity: 72, artists: 'Major Lazer', release_date: '2015' },
      { name: 'Untitled', popularity: 3, artists: 'Nobody', release_date: null },
    ]);
  });

  it('refuses a malicious pickle with one error and its fix, writing nothing', () => {
    const output = path.join(work, 'evil.arrow');
    expectUserError(hitcast('pickle', path.join(fixtures, 'evil_system_p4.pkl'), '--out', output), /refers to the Python global posix\.system/, /posix\.system/);
    expect(existsSync(output)).toBe(false);
  });
});

describe('the stage commands on the committed sample, in pipeline order', () => {
  const data = path.join(work, 'data');
  const runs = path.join(work, 'runs');
  const params = path.join(work, 'params');
  mkdirSync(params);
  const songs = path.join(data, 'data-spectrogram', 'songs.arrow');
  const text = path.join(data, 'data-spectrogram', 'text.arrow');

  it('spotify, then spectrograms: the merged set and the text set', () => {
    const tracks = hitcast('spotify', '--csv', 'datasets/spotify/tracks.csv', '--out', path.join(data, 'data-spotify'));
    expect(tracks.code, tracks.stderr).toBe(0);
    manifestOf(path.join(data, 'data-spotify'), 'data-spotify');
    const merged = hitcast('spectrograms', '--tracks', path.join(data, 'data-spotify', 'tracks.arrow'), '--out', path.join(data, 'data-spectrogram'));
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.stdout).toContain('matched 100');
    const outputs = manifestOf(path.join(data, 'data-spectrogram'), 'data-spectrogram').outputs.map((o) => path.basename(o.path));
    expect(outputs).toEqual(expect.arrayContaining(['songs.arrow', 'text.arrow', 'report.csv']));
  });

  it('train-cnn: both runs at 16×64, and the architecture written for fusion', () => {
    const file = writeJson(path.join(params, 'cnn.json'), { epochs: 1, inputHeight: 16, inputWidth: 64 });
    const run = hitcast('train-cnn', '--songs', songs, '--params', file, '--out', path.join(runs, 'model-cnn'), '--workers', '1');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/^tfjs backend: wasm/m);
    expect(run.stdout + run.stderr).toMatch(/cnn-only: each batch in 2 shards on 1 thread$/m);
    // --workers is a speed setting: in the manifest's speed part, never among the result parameters.
    const manifest = manifestOf(path.join(runs, 'model-cnn'), 'model-cnn');
    expect(manifest.params).toMatchObject({ epochs: 1, inputHeight: 16, inputWidth: 64, shards: 2, backend: 'wasm', speed: { workers: 1 } });
    expect(manifest.params).not.toHaveProperty('workers');
    expect(JSON.parse(readFileSync(path.join(runs, 'model-cnn', 'params.json'), 'utf8'))).toMatchObject({ inputHeight: 16, inputWidth: 64 });
    for (const name of ['cnn-only', 'cnn-pretrained']) expectRun(path.join(runs, 'model-cnn', name));
  });

  it('train-text: the tokenizer and both runs, small', () => {
    const file = writeJson(path.join(params, 'text.json'), {
      pretrainEpochs: 1, pretrainMaxRows: 400, naiveEpochs: 1, vocabSize: 400, dModel: 16, heads: 2, layers: 1, ffDim: 16,
    });
    const run = hitcast('train-text', '--songs', songs, '--text', text, '--params', file, '--out', path.join(runs, 'model-text'));
    expect(run.code, run.stderr).toBe(0);
    manifestOf(path.join(runs, 'model-text'), 'model-text');
    expect(JSON.parse(readFileSync(path.join(runs, 'model-text', 'tokenizer.json'), 'utf8'))).toBeTruthy();
    expectRun(path.join(runs, 'model-text', 'text-pretrained'), { trainedOnMergedSet: false });
    expectRun(path.join(runs, 'model-text', 'text-only'));
  });

  it('train-fusion: builds both backbones from the params.json beside their runs', () => {
    const file = writeJson(path.join(params, 'fusion.json'), { epochs: 1 });
    const out = path.join(runs, 'model-fusion');
    const run = hitcast('train-fusion', '--songs', songs, '--cnn', path.join(runs, 'model-cnn'), '--text', path.join(runs, 'model-text'), '--params', file, '--out', out);
    expect(run.code, run.stderr).toBe(0);
    manifestOf(out, 'model-fusion');
    for (const name of ['combined-naive', 'fusion-pretrained']) expectRun(path.join(out, name));
    // The end-to-end model reads 16×64 spectrograms: the CNN's input size came from model-cnn's params.json.
    const combined = JSON.parse(readFileSync(path.join(out, 'combined-naive', 'model', 'model.json'), 'utf8'));
    expect(JSON.stringify(combined.modelTopology)).toContain('"batch_input_shape":[null,16,64,1]');
  });

  it('eval: every run and baseline judged on the same 12 test songs', () => {
    const file = writeJson(path.join(params, 'eval.json'), { bootstrapResamples: 200 });
    const out = path.join(work, 'eval');
    const run = hitcast('eval', '--songs', songs, '--text', text, '--runs', runs, '--tuning', path.join(work, 'no-tuning'), '--params', file, '--out', out);
    expect(run.code, run.stderr).toBe(0);
    const outputs = manifestOf(out, 'eval').outputs.map((o) => path.basename(o.path));
    expect(outputs).toEqual(expect.arrayContaining(['metrics.arrow', 'metrics.json', 'report.md', 'report.html']));
    const metrics = JSON.parse(readFileSync(path.join(out, 'metrics.json'), 'utf8')) as {
      songs: Record<string, number>;
      bootstrap: { resamples: number };
      metrics: { source: string; test_songs: number }[];
    };
    expect(metrics.songs).toEqual({ train: 73, validation: 15, test: 12 });
    expect(metrics.bootstrap.resamples).toBe(200);
    const sources = new Set(metrics.metrics.map((m) => m.source));
    for (const source of ['model-text/text-only', 'model-cnn/cnn-only', 'model-fusion/combined-naive', 'model-fusion/fusion-pretrained', 'model-text/text-pretrained', 'model-cnn/cnn-pretrained']) {
      expect(sources, source).toContain(source);
    }
    expect(new Set(metrics.metrics.map((m) => m.test_songs))).toEqual(new Set([12]));
  });

  it('refuses a bad parameter in one line with its fix, before any output is written', () => {
    const out = path.join(work, 'bad-params');
    const heads = writeJson(path.join(params, 'bad-heads.json'), { dModel: 16, heads: 3 });
    expectUserError(
      hitcast('train-text', '--songs', songs, '--text', text, '--params', heads, '--out', out),
      /bad-heads\.json: heads \(3\) must divide dModel \(16\)/,
      /correct this value in .*bad-heads\.json/,
    );
    const typo = writeJson(path.join(params, 'typo.json'), { epoch: 1 });
    expectUserError(hitcast('train-cnn', '--songs', songs, '--params', typo, '--out', out), /typo\.json: unknown parameter "epoch"/, /known parameters are: .*\bepochs\b/);
    expectUserError(hitcast('train-cnn', '--songs', songs, '--workers', '0', '--out', out), /--workers must be a whole number ≥ 1 \(got '0'\)/, /--workers 1/);
    const small = writeJson(path.join(params, 'small.json'), { inputHeight: 4 });
    expectUserError(hitcast('train-cnn', '--songs', songs, '--params', small, '--out', out), /inputHeight must be a whole number ≥ 8/, /small\.json/);
    // train-fusion without a train-cnn output beside it: the missing architecture file is named.
    const noCnn = path.join(work, 'no-cnn');
    mkdirSync(noCnn);
    const fusion = writeJson(path.join(params, 'fusion-again.json'), { epochs: 1 });
    const missing = hitcast('train-fusion', '--songs', songs, '--cnn', noCnn, '--text', path.join(runs, 'model-text'), '--params', fusion, '--out', out);
    expectUserError(missing, /no-cnn\/params\.json is missing/, /--cnn/);
    expect(existsSync(out)).toBe(false);
  });
});

/**
 * A run folder: the model, a prediction for every merged-set song, and metrics on the 73 / 15 / 12 split.
 * For a run trained on the merged set, the saved predictions score the validation loss fit recorded as its
 * best: what was saved is the restored best model.
 */
function expectRun(dir: string, { trainedOnMergedSet = true } = {}): void {
  expect(readdirSync(dir)).toEqual(expect.arrayContaining(['model', 'metrics.json', 'predictions.arrow', 'checkpoint']));
  expect(readdirSync(path.join(dir, 'model')).sort()).toEqual(['model.json', 'weights.bin']);
  const predictions = tableFromIPC(readFileSync(path.join(dir, 'predictions.arrow')));
  expect(predictions.numRows).toBe(100);
  const splits = predictions.getChild('split')!.toArray() as string[];
  expect(splits.filter((s) => s === 'test')).toHaveLength(12);
  const predicted = predictions.getChild('predicted')!.toArray() as Float32Array;
  expect(predicted.every((v) => Number.isFinite(v))).toBe(true);
  const run = JSON.parse(readFileSync(path.join(dir, 'metrics.json'), 'utf8')) as {
    backend: string;
    fit: { bestValidationLoss: number };
    metrics: Record<'train' | 'validation' | 'test', { count: number; mse: number }>;
  };
  expect(run.backend).toBe('wasm');
  expect([run.metrics.train.count, run.metrics.validation.count, run.metrics.test.count]).toEqual([73, 15, 12]);
  if (trainedOnMergedSet) expect(run.metrics.validation.mse / 100 ** 2).toBeCloseTo(run.fit.bestValidationLoss, 6);
}
