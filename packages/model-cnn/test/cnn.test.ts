import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadModel, saveModel, selectBackend } from '@hitcast/core/tf';
import { buildCnn, ORIGINAL_BLOCKS } from '../src/cnn.ts';

beforeAll(async () => {
  await selectBackend('wasm', { log: () => undefined });
});

const config = { height: 16, width: 48, blocks: ORIGINAL_BLOCKS, dropout: 0.3, seed: 4 };

describe('buildCnn', () => {
  it('maps [batch, H, W, 1] to one value and 64 features, from seeded weights', () => {
    const a = buildCnn(config);
    const b = buildCnn(config);
    const x = tf.randomUniform([3, 16, 48, 1], -1, 1, 'float32', 1);
    expect((a.model.predict(x) as tf.Tensor).shape).toEqual([3, 1]);
    expect((a.features.predict(x) as tf.Tensor).shape).toEqual([3, 64]);
    expect(a.model.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(b.model.getWeights().map((w) => Array.from(w.dataSync())));
    expect(buildCnn({ ...config, seed: 5 }).model.getWeights()[0].dataSync()).not.toEqual(a.model.getWeights()[0].dataSync());
  });

  it('shares its weights with the feature model', () => {
    const { model, features } = buildCnn(config);
    expect(features.getLayer('block1_conv')).toBe(model.getLayer('block1_conv'));
  });

  it('refuses a depthwise block whose filters are not a multiple of the channels', () => {
    expect(() => buildCnn({ ...config, blocks: [{ filters: 16, kernel: [3, 3], depthwise: false }, { filters: 24, kernel: [3, 3], depthwise: true }] })).toThrow(/not a multiple of 16/);
  });

  it('saves to a folder and loads back with identical predictions', async () => {
    const { model } = buildCnn(config);
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'hitcast-cnn-')), 'model');
    await saveModel(model, dir);
    const loaded = await loadModel(dir);
    const x = tf.randomUniform([2, 16, 48, 1], -1, 1, 'float32', 2);
    expect(Array.from((loaded.predict(x) as tf.Tensor).dataSync())).toEqual(Array.from((model.predict(x) as tf.Tensor).dataSync()));
  });
});
