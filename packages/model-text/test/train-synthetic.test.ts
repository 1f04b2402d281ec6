import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { SeededRng } from '@hitcast/core';
import { selectBackend } from '@hitcast/core/tf';
import { fit, regressionMetrics } from '@hitcast/core/training';
import { batches, encodeRows, epochBatches, lengthSortedBatches, meanPopularity, popularityOf, predictPopularity, rowsOf, type SourceRow } from '../src/text-batches.ts';
import { trainWordPiece, WordCounter } from '../src/tokenizer-train.ts';
import { buildTextModel } from '../src/transformer.ts';

/**
 * Songs whose popularity is a rising function of the release year plus a fixed "fame" per artist and
 * noise; titles are random words with no effect. A model that reads the year and artist tokens beats
 * predicting the mean by far; one that does not, cannot.
 */
function synthRows(n: number, seed: string): SourceRow[] {
  const rng = new SeededRng(seed);
  const syllables = ['ka', 'lo', 'mi', 'ra', 'ven', 'tor', 'sa', 'el', 'dun', 'bri', 'zo', 'ny'];
  const name = () => Array.from({ length: 2 + rng.int(2) }, () => rng.pick(syllables)).join('');
  const artists = Array.from({ length: 40 }, () => ({ name: `${name()} ${name()}`, fame: rng.pick([-15, 0, 0, 20]) }));
  const titleWords = ['love', 'night', 'heart', 'fire', 'road', 'blue', 'dream', 'rain', 'home', 'gold', 'time', 'sky'];
  return Array.from({ length: n }, (_, i) => {
    const artist = rng.pick(artists);
    const year = 1950 + rng.int(70);
    const popularity = Math.min(100, Math.max(0, Math.round(5 + 0.6 * (year - 1950) + artist.fame + rng.normal(0, 3))));
    const title = Array.from({ length: 1 + rng.int(3) }, () => rng.pick(titleWords)).join(' ');
    return { id: `synth-${seed}-${i}`, artists: [artist.name], title, year, popularity };
  });
}

beforeAll(async () => {
  await selectBackend('wasm', { log: () => undefined });
});

describe('text model on a synthetic set', () => {
  it('learns year and artist effects well enough to beat the train mean on held-out songs', async () => {
    const rows = synthRows(1600, 'a');
    const counter = new WordCounter();
    for (const row of rows) {
      counter.add(row.artists.join(', '));
      counter.add(row.title);
    }
    const tokenizer = trainWordPiece(counter, { vocabSize: 600, maxLength: 16 });
    const set = await encodeRows(rows, tokenizer, { progress: false });
    const [train, validation, test] = (['train', 'validation', 'test'] as const).map((s) => rowsOf(set, s));
    expect(train.length + validation.length + test.length).toBe(1600);
    expect(test.length).toBeGreaterThan(150);

    const trainMean = meanPopularity(set, train);
    const { model } = buildTextModel({
      vocabSize: tokenizer.vocabSize, maxLength: 16, dModel: 32, heads: 2, layers: 1, ffDim: 64, dropout: 0.05, seed: 1, outputBias: trainMean / 100,
    });
    const result = await fit({
      name: 'synthetic',
      model,
      parts: [{ name: 'all', variables: model.trainableWeights, learningRate: 0.003 }],
      trainBatches: (epoch) => batches(set, epochBatches(set, train, 32, 1, epoch)),
      validationBatches: () => batches(set, lengthSortedBatches(set.lengths, validation, 256)),
      epochs: 8,
      patience: 8,
      runDir: mkdtempSync(path.join(tmpdir(), 'hitcast-text-synth-')),
      resume: false,
      log: () => undefined,
    });
    expect(result.history.length).toBe(8);

    const actual = popularityOf(set, test);
    const ours = regressionMetrics(await predictPopularity(model, set, test), actual);
    const baseline = regressionMetrics(new Float32Array(actual.length).fill(trainMean), actual);
    // Year alone would leave an RMSE of ~0.65 × the baseline's; below 0.4 needs the artist tokens too
    // (noise alone leaves ~0.2).
    expect(ours.rmse).toBeLessThan(0.4 * baseline.rmse);
    expect(ours.within15).toBeGreaterThan(baseline.within15);
    model.dispose();
  });
});

describe('batches', () => {
  it('shuffle per epoch reproducibly, group similar lengths, and carry trimmed ids and popularity / 100', async () => {
    const rows = synthRows(300, 'b');
    const counter = new WordCounter();
    rows.forEach((r) => counter.add(`${r.artists[0]} ${r.title}`));
    const tokenizer = trainWordPiece(counter, { vocabSize: 400, maxLength: 16 });
    const set = await encodeRows(rows, tokenizer, { progress: false, keepIds: true });
    expect(set.ids).toBeInstanceOf(Uint16Array);
    expect(set.songIds).toEqual(rows.map((r) => r.id));
    rows.forEach((r, i) => expect(set.lengths[i]).toBe(tokenizer.decode(tokenizer.encode(r)).length));

    const all = Int32Array.from(rows.keys());
    const flat = (b: Int32Array[]) => b.flatMap((x) => [...x]);
    expect(epochBatches(set, all, 8, 3, 1)).toEqual(epochBatches(set, all, 8, 3, 1));
    expect(flat(epochBatches(set, all, 8, 3, 2))).not.toEqual(flat(epochBatches(set, all, 8, 3, 1)));
    const epoch = epochBatches(set, all, 8, 3, 1);
    expect(flat(epoch).sort((a, b) => a - b)).toEqual([...all]);
    expect(epoch.map((b) => b.length).filter((n) => n !== 8)).toEqual([300 % 8]);
    // Grouped by length: a batch spans fewer lengths than a random one would.
    const spread = (b: Int32Array) => Math.max(...Array.from(b, (r) => set.lengths[r])) - Math.min(...Array.from(b, (r) => set.lengths[r]));
    expect(epoch.reduce((s, b) => s + spread(b), 0) / epoch.length).toBeLessThan(1);

    let seen = 0;
    for await (const batch of batches(set, epoch)) {
      const rowsOfBatch = epoch[seen++];
      const ids = (batch.inputs as tf.Tensor).arraySync() as number[][];
      const target = (batch.target as tf.Tensor).arraySync() as number[][];
      const width = Math.max(...Array.from(rowsOfBatch, (r) => set.lengths[r]));
      expect(ids[0].length).toBe(width);
      ids.forEach((row, i) => {
        const r = rowsOfBatch[i];
        expect(row).toEqual(Array.from(tokenizer.encode(rows[r])).slice(0, width));
        expect(target[i][0]).toBeCloseTo(rows[r].popularity / 100, 6);
      });
      tf.dispose([batch.inputs, batch.target]);
    }
    expect(seen).toBe(epoch.length);
  });
});
