import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { SeededRng } from '@hitcast/core';
import { selectBackend } from '@hitcast/core/tf';
import { evaluateLoss, fit, type Batch } from '@hitcast/core/training';
import { toModelInput } from '../src/augment.ts';
import { buildCnn, cnnBlocks } from '../src/cnn.ts';

/**
 * Spectrogram-like 16×64 images of dim noise crossed by one horizontal band (rows 4–7) whose brightness
 * sets the popularity; nothing else in the image carries information. A CNN that sees the band beats
 * predicting the mean by far; one that does not, cannot.
 */
const HEIGHT = 16;
const WIDTH = 64;
const BAND = [4, 8];

interface Song {
  pixels: Uint8Array;
  popularity: number;
}

function synthSongs(n: number, seed: string): Song[] {
  const rng = new SeededRng(seed);
  return Array.from({ length: n }, () => {
    const brightness = rng.next();
    const pixels = new Uint8Array(HEIGHT * WIDTH);
    for (let row = 0; row < HEIGHT; row++) {
      const inBand = row >= BAND[0] && row < BAND[1];
      for (let column = 0; column < WIDTH; column++) {
        const value = inBand ? 40 + 200 * brightness + rng.normal(0, 10) : 30 + rng.int(100);
        pixels[row * WIDTH + column] = Math.max(0, Math.min(255, Math.round(value)));
      }
    }
    const popularity = Math.max(0, Math.min(100, 10 + 80 * brightness + rng.normal(0, 2)));
    return { pixels, popularity };
  });
}

async function* batches(songs: Song[], size: number, order?: SeededRng): AsyncGenerator<Batch> {
  const rows = [...songs.keys()];
  if (order) order.shuffle(rows);
  for (let start = 0; start < rows.length; start += size) {
    const chosen = rows.slice(start, start + size);
    const data = new Float32Array(chosen.length * HEIGHT * WIDTH);
    chosen.forEach((row, k) => data.set(toModelInput(songs[row].pixels), k * HEIGHT * WIDTH));
    yield { inputs: tf.tensor4d(data, [chosen.length, HEIGHT, WIDTH, 1]), target: tf.tensor2d(chosen.map((row) => [songs[row].popularity / 100])) };
  }
}

beforeAll(async () => {
  await selectBackend('wasm', { log: () => undefined });
});

describe('CNN on a synthetic set', () => {
  it('learns the brightness of a band well enough to beat predicting the mean on held-out songs', async () => {
    const train = synthSongs(160, 'train');
    const validation = synthSongs(64, 'validation');
    const trainMean = train.reduce((s, song) => s + song.popularity / 100, 0) / train.length;
    // The loss of predicting the training mean for every validation song: where every model starts.
    const meanLoss = validation.reduce((s, song) => s + (song.popularity / 100 - trainMean) ** 2, 0) / validation.length;

    const { model } = buildCnn({ height: HEIGHT, width: WIDTH, blocks: cnnBlocks(false), dropout: 0.1, seed: 1, outputBias: trainMean });
    const result = await fit({
      name: 'synthetic',
      model,
      parts: [{ name: 'all', variables: model.trainableWeights, learningRate: 0.003 }],
      trainBatches: (epoch) => batches(train, 8, new SeededRng(`order|${epoch}`)),
      validationBatches: () => batches(validation, 64),
      epochs: 6,
      patience: 6,
      runDir: mkdtempSync(path.join(tmpdir(), 'hitcast-cnn-synth-')),
      resume: false,
      log: () => undefined,
    });
    expect(result.history).toHaveLength(6);
    // The mean leaves ~0.06, the popularity noise alone ~0.0004; the best epoch reaches 0.01–0.04 × the mean's
    // loss on this and other seeds (the batch-norm statistics of so few steps make epochs jumpy).
    expect(result.bestValidationLoss).toBeLessThan(0.15 * meanLoss);
    expect(await evaluateLoss(model, batches(validation, 64))).toBe(result.bestValidationLoss);
    model.dispose();
  });
});
