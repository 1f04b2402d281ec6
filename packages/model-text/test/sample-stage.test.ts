import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readArtifact } from '@hitcast/core';
import { loadModel, selectBackend } from '@hitcast/core/tf';
import { PREDICTIONS_SPEC, regressionMetrics } from '@hitcast/core/training';
import { buildMergedDataset } from '@hitcast/data-spectrogram';
import { convertTracksCsv } from '@hitcast/data-spotify';
import { TEXT_DEFAULTS, type TextParams } from '../src/params.ts';
import { encodeSource, predictPopularity, songsSource } from '../src/text-batches.ts';
import { WordPieceTokenizer } from '../src/tokenizer.ts';
import { trainText, type TextStageSummary } from '../src/train-text.ts';

const repo = path.resolve(import.meta.dirname, '../../..');

// A smaller model and few epochs: this checks the stage's plumbing, not its accuracy.
const PARAMS: TextParams = {
  ...TEXT_DEFAULTS,
  maxLength: 24,
  dModel: 32,
  heads: 2,
  layers: 1,
  ffDim: 64,
  pretrainEpochs: 2,
  pretrainBatchSize: 64,
  naiveEpochs: 3,
  naiveBatchSize: 16,
};

let songsFile: string;
let textFile: string;
let outDir: string;
let summary: TextStageSummary;
const quiet = { log: () => undefined, progress: false };

beforeAll(async () => {
  await selectBackend('wasm', { log: () => undefined });
  const data = mkdtempSync(path.join(tmpdir(), 'hitcast-text-sample-'));
  const { tracksFile } = await convertTracksCsv({ csv: path.join(repo, 'datasets/spotify/tracks.csv'), outDir: data, showProgress: false });
  // Small spectrograms: this stage reads only the text columns of songs.arrow.
  const merged = await buildMergedDataset({
    src: path.join(repo, 'datasets/spectrograms'), filePattern: '{year}/{artist}_-_{title}.png', width: 64, height: 16, yearsBefore: 2, yearsAfter: 1, workers: 2,
    tracksFile, outDir: data, showProgress: false,
  });
  ({ songsFile, textFile } = merged);
  outDir = path.join(data, 'model-text');
  summary = await trainText({ songsFile, textFile, outDir, params: PARAMS, resume: false, backend: 'wasm', ...quiet });
}, 120_000);

const metricsOf = (run: string) => JSON.parse(readFileSync(path.join(outDir, run, 'metrics.json'), 'utf8'));

describe('stage model-text on the committed sample', () => {
  it('writes the tokenizer, and per run a loadable model, metrics and predictions', async () => {
    expect(summary.runs.map((r) => r.run)).toEqual(['text-pretrained', 'text-only']);
    const tokenizer = await WordPieceTokenizer.load(path.join(outDir, 'tokenizer.json'));
    expect(tokenizer.maxLength).toBe(24);
    expect(tokenizer.vocabSize).toBe(summary.vocabSize);
    const songs = await encodeSource(songsSource(songsFile), tokenizer, { keepIds: true, progress: false });
    expect(songs.size).toBe(summary.songs);

    for (const run of summary.runs) {
      for (const file of run.files) expect(existsSync(file), file).toBe(true);
      const metrics = metricsOf(run.run);
      expect(metrics).toMatchObject({ run: run.run, backend: 'wasm', params: { dModel: 32, seed: 42 }, tokenizer: { vocabSize: tokenizer.vocabSize } });
      expect(metrics.fit.history.length).toBe(run.epochs);
      expect(metrics.trainingSpeed.samplesPerSecond).toBeGreaterThan(0);
      expect(metrics.metrics.test.count).toBe(run.testSongs);
      expect(metrics.meanBaseline.count).toBe(run.testSongs);
      expect(metrics.metrics.test.within15).toBeGreaterThanOrEqual(0);

      // predictions.arrow: every merged song with its split; test rows reproduce the test metrics.
      const table = await readArtifact(path.join(outDir, run.run, 'predictions.arrow'), PREDICTIONS_SPEC);
      const rows = table.toArray().map((r) => r.toJSON() as { id: string; split: string; predicted: number; actual: number });
      expect(rows.map((r) => r.id)).toEqual(songs.songIds);
      const test = rows.filter((r) => r.split === 'test');
      expect(test.length).toBe(run.testSongs);
      const again = regressionMetrics(test.map((r) => r.predicted), test.map((r) => r.actual));
      expect(again.rmse).toBeCloseTo(metrics.metrics.test.rmse, 4);

      // The saved model, loaded back as the fusion stage will, predicts exactly what was written.
      const model = await loadModel(path.join(outDir, run.run, 'model'));
      const all = Int32Array.from({ length: songs.size }, (_, i) => i);
      expect(Array.from(await predictPopularity(model, songs, all))).toEqual(rows.map((r) => r.predicted));
      model.dispose();
    }
    const pretrained = metricsOf('text-pretrained');
    expect(pretrained.data.trainedOn).toBe('text set');
    expect(pretrained.textSetTest.count).toBeGreaterThan(400);
    expect(metricsOf('text-only').data.trainedOn).toBe('merged set');
  });

  it('resumes finished runs from their checkpoints to the same models', async () => {
    const before = summary.runs.map((r) => r.test.rmse);
    const lines: string[] = [];
    const resumed = await trainText({ songsFile, textFile, outDir, params: PARAMS, resume: true, backend: 'wasm', log: (l) => lines.push(l), progress: false });
    expect(lines).toContain(`tokenizer: reusing ${path.join(outDir, 'tokenizer.json')}`);
    expect(lines.some((l) => l.startsWith('text-pretrained: resumed after epoch'))).toBe(true);
    expect(resumed.runs.map((r) => r.test.rmse)).toEqual(before);
    expect(metricsOf('text-pretrained').fit.resumedFromEpoch).toBe(summary.runs[0].epochs);
    // A checkpoint of another model is refused, not loaded into the wrong shapes.
    await expect(trainText({ songsFile, textFile, outDir, params: { ...PARAMS, ffDim: 32 }, resume: true, backend: 'wasm', ...quiet })).rejects.toThrow(
      /made with other model or training parameters/,
    );
  });
});
