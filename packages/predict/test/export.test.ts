import { existsSync, mkdirSync, promises as fs, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { makeData, makeVector } from 'apache-arrow';
import { beforeAll, describe, expect, it } from 'vitest';
import { artifactSchema, readArtifact, recordBatchFromColumns, utf8Column, utf8ListColumn, writeArtifact } from '@hitcast/core';
import { selectBackend } from '@hitcast/core/tf';
import { PREDICTIONS_SPEC } from '@hitcast/core/training';
import { decodeGrayPng, songsSpec } from '@hitcast/data-spectrogram';
import type { BundleManifest } from '../src/bundle-format.ts';
import { readBundle } from '../src/bundle-read.ts';
import { exportBundle } from '../src/export.ts';
import { Predictor } from '../src/predictor.ts';
import { referenceInputs } from '../src/references.ts';
import { bundleDir, manifestOf, tempDir } from './helpers.ts';

beforeAll(async () => {
  await selectBackend('wasm', { log: () => {} });
});

const STAGE = { fusion: 'model-fusion', text: 'model-text', cnn: 'model-cnn' } as const;

/**
 * An artifacts/ tree holding one training run, made from a shipped bundle (so the test needs no
 * pipeline run): the run folder (model/, metrics.json, predictions.arrow), model-text/tokenizer.json
 * and data-spectrogram/songs.arrow with the reference songs and their stored spectrograms.
 */
async function fakeArtifacts(name: string, shift = 0): Promise<{ artifacts: string; run: string; manifest: BundleManifest }> {
  const source = bundleDir(name);
  const manifest = manifestOf(source);
  const artifacts = tempDir('artifacts');
  const stage = STAGE[manifest.kind];
  const runDir = path.join(artifacts, stage, manifest.source.run);
  mkdirSync(path.join(runDir, 'model'), { recursive: true });
  for (const file of ['model.json', 'weights.bin']) await fs.copyFile(path.join(source, 'model', file), path.join(runDir, 'model', file));
  if (manifest.inputs.text) {
    mkdirSync(path.join(artifacts, 'model-text'), { recursive: true });
    await fs.copyFile(path.join(source, 'tokenizer.json'), path.join(artifacts, 'model-text', 'tokenizer.json'));
  }
  const metrics = { run: manifest.source.run, backend: 'wasm', params: manifest.params, metrics: { test: manifest.testMetrics }, meanBaseline: manifest.meanBaseline, finishedAt: manifest.source.trainedAt };
  await fs.writeFile(path.join(runDir, 'metrics.json'), JSON.stringify(metrics));

  const songs = manifest.references;
  const predictions = artifactSchema(PREDICTIONS_SPEC);
  await writeArtifact(path.join(runDir, 'predictions.arrow'), predictions, [
    recordBatchFromColumns(predictions, {
      id: utf8Column(songs.map((s) => s.id)),
      split: utf8Column(songs.map((s) => s.split)),
      predicted: makeVector(Float32Array.from(songs, (s) => s.predicted + shift)).data[0],
      actual: makeVector(Float32Array.from(songs, (s) => s.actual)).data[0],
    }),
  ]);

  const pixels = new Uint8Array(songs.length * 256 * 1024);
  songs.forEach((song, k) => {
    if (song.spectrogram) pixels.set(decodeGrayPng(readFileSync(path.join(source, song.spectrogram))).pixels, k * 256 * 1024);
  });
  const spec = songsSpec(1024, 256);
  const schema = artifactSchema(spec, { 'hitcast.spectrogram_shape': '[256,1024]', 'hitcast.resample': 'scipy-fft 1024x256 v1' });
  mkdirSync(path.join(artifacts, 'data-spectrogram'), { recursive: true });
  await writeArtifact(path.join(artifacts, 'data-spectrogram', 'songs.arrow'), schema, [
    recordBatchFromColumns(schema, {
      id: utf8Column(songs.map((s) => s.id)),
      title: utf8Column(songs.map((s) => s.title)),
      artist: utf8Column(songs.map((s) => s.artists.join(', '))),
      artists: utf8ListColumn(songs.map((s) => s.artists)),
      year: makeVector(Int16Array.from(songs, (s) => s.year)).data[0],
      chart_year: makeVector(Int16Array.from(songs, (s) => s.year)).data[0],
      popularity: makeVector(Float32Array.from(songs, (s) => s.actual)).data[0],
      source_file: utf8Column(songs.map((s) => `${s.id}.png`)),
      source_sha256: utf8Column(songs.map(() => '0'.repeat(64))),
      spectrogram: makeData({ type: spec.fields[9].type, length: songs.length, nullCount: 0, child: makeVector(pixels).data[0] }),
    }),
  ]);
  return { artifacts, run: `${stage}/${manifest.source.run}`, manifest };
}

describe('hitcast export', () => {
  it.each(['fusion-pretrained', 'text-pretrained'])('round trip (%s): run folder → bundle → load → the run\'s predictions.arrow', async (name) => {
    const { artifacts, run, manifest } = await fakeArtifacts(name);
    const out = path.join(tempDir('export'), 'bundles', name);
    const result = await exportBundle({ run, out, artifacts, references: 3 });

    // Model and tokenizer byte for byte; the description from metrics.json and the model.
    const bundle = await readBundle(out);
    const runDir = path.join(artifacts, run);
    expect((await fs.readFile(path.join(out, 'model', 'weights.bin'))).equals(await fs.readFile(path.join(runDir, 'model', 'weights.bin')))).toBe(true);
    expect(bundle.manifest).toMatchObject({ format: 'hitcast-bundle', version: 1, name, kind: manifest.kind, params: manifest.params, testMetrics: manifest.testMetrics, inputs: manifest.inputs });
    expect(bundle.manifest.references).toHaveLength(3);
    expect(result.worstReferenceDifference).toBeLessThanOrEqual(1e-3);

    // Loaded, it predicts what predictions.arrow says, for every song listed there.
    const table = await readArtifact(path.join(runDir, 'predictions.arrow'), PREDICTIONS_SPEC);
    const expected = new Map(table.toArray().map((row) => [row.id as string, row.predicted as number]));
    const predictor = await Predictor.load(out);
    const songs = manifest.references; // the songs of predictions.arrow
    const raw = predictor.predict(await Promise.all(songs.map((song) => referenceInputs(predictor, song, bundleDir(name)))));
    predictor.dispose();
    songs.forEach((song, i) => expect(Math.abs(Math.min(100, Math.max(0, raw[i])) - Math.min(100, Math.max(0, expected.get(song.id)!)))).toBeLessThanOrEqual(1e-3));

    // No temporary folder is left beside it.
    expect(readdirSync(path.dirname(out))).toEqual([name]);
  });

  it('refuses a run whose model does not reproduce its predictions, and leaves the existing bundle as it was', async () => {
    const good = await fakeArtifacts('cnn-pretrained');
    const out = path.join(tempDir('export'), 'cnn');
    await exportBundle({ run: good.run, out, artifacts: good.artifacts });
    const before = await fs.readFile(path.join(out, 'bundle.json'), 'utf8');

    const shifted = await fakeArtifacts('cnn-pretrained', 0.5);
    await expect(exportBundle({ run: shifted.run, out, artifacts: shifted.artifacts })).rejects.toThrow(/does not reproduce 5 of its run's predictions within 0.001/);
    expect(await fs.readFile(path.join(out, 'bundle.json'), 'utf8')).toBe(before);
    expect(readdirSync(path.dirname(out))).toEqual(['cnn']);
  });

  it('refuses an incomplete run, an unknown stage, and an --out folder that is not a bundle', async () => {
    const { artifacts, run } = await fakeArtifacts('cnn-pretrained');
    await fs.rm(path.join(artifacts, run, 'predictions.arrow'));
    await expect(exportBundle({ run, out: path.join(tempDir('export'), 'x'), artifacts })).rejects.toThrow(/training run model-cnn\/cnn-pretrained is not complete: .*predictions.arrow is missing/);
    await expect(exportBundle({ run: 'data-spotify/tracks', out: path.join(tempDir('export'), 'x'), artifacts })).rejects.toThrow(/expected <stage>\/<run> with stage model-fusion, model-text, model-cnn/);
    const occupied = tempDir('occupied');
    await fs.writeFile(path.join(occupied, 'notes.txt'), 'mine');
    const again = await fakeArtifacts('cnn-pretrained');
    await expect(exportBundle({ run: again.run, out: occupied, artifacts: again.artifacts })).rejects.toThrow(/holds other files, not a model bundle/);
    expect(existsSync(path.join(occupied, 'notes.txt'))).toBe(true);
  });
});
