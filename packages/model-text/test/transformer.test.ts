import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadModel, saveModel, selectBackend } from '@hitcast/core/tf';
import { trainingStep } from '@hitcast/core/training';
import { buildTextModel, featuresModel, TEXT_FEATURES, type TextModelConfig } from '../src/transformer.ts';

const CONFIG: TextModelConfig = { vocabSize: 50, maxLength: 10, dModel: 16, heads: 4, layers: 2, ffDim: 32, dropout: 0.1, seed: 7 };

// Two songs: the second padded after 6 tokens.
const IDS = [
  [2, 20, 30, 3, 40, 41, 3, 42, 43, 3],
  [2, 21, 31, 3, 44, 3, 0, 0, 0, 0],
];

const values = (m: tf.LayersModel) => m.getWeights().map((w) => Array.from(w.dataSync()));

beforeAll(async () => {
  await selectBackend('wasm', { log: () => undefined });
});

describe('buildTextModel', () => {
  it('maps [batch, maxLength] ids to one popularity and 64 features per song', () => {
    const { model, features } = buildTextModel(CONFIG);
    tf.tidy(() => {
      const ids = tf.tensor2d(IDS, undefined, 'int32');
      expect((model.predict(ids) as tf.Tensor).shape).toEqual([2, 1]);
      expect((features.predict(ids) as tf.Tensor).shape).toEqual([2, TEXT_FEATURES]);
    });
  });

  it('gives the same initial weights for the same seed, others for another', () => {
    const a = values(buildTextModel(CONFIG).model);
    expect(values(buildTextModel(CONFIG).model)).toEqual(a);
    expect(values(buildTextModel({ ...CONFIG, seed: 8 }).model)).not.toEqual(a);
    // Every weight tensor is drawn from its own seed: no two random ones repeat.
    const random = a.filter((w) => new Set(w).size > 1).map((w) => w.slice(0, 8).join());
    expect(new Set(random).size).toBe(random.length);
  });

  it('draws the same dropout masks for the same training step', () => {
    const { model } = buildTextModel(CONFIG);
    const run = (step: number) => {
      trainingStep.value = step;
      return tf.tidy(() => Array.from((model.apply(tf.tensor2d(IDS, undefined, 'int32'), { training: true }) as tf.Tensor).dataSync()));
    };
    expect(run(5)).toEqual(run(5));
    expect(run(6)).not.toEqual(run(5));
  });

  it('has finite gradients everywhere, nonzero for the embeddings of the tokens used, zero for [PAD]', () => {
    const { model } = buildTextModel(CONFIG);
    const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
    tf.tidy(() => {
      const ids = tf.tensor2d(IDS, undefined, 'int32');
      const target = tf.tensor2d([[0.9], [0.1]]);
      const { grads } = tf.variableGrads(() => tf.losses.meanSquaredError(target, model.apply(ids, { training: true }) as tf.Tensor) as tf.Scalar, variables);
      for (const v of variables) {
        const g = grads[v.name].dataSync();
        expect(g.every(Number.isFinite), v.name).toBe(true);
        expect(g.some((x) => x !== 0), `${v.name} gets no gradient`).toBe(true);
      }
      const tokenGrad = grads[(model.getLayer('token_embedding').trainableWeights[0].read() as tf.Variable).name].arraySync() as number[][];
      // [PAD] (0) is masked out of attention and pooling, so nothing flows back to its row.
      const used = new Set(IDS.flat().filter((id) => id !== 0));
      tokenGrad.forEach((row, id) => expect(row.some((x) => x !== 0), `token ${id}`).toBe(used.has(id)));
    });
  });

  it('predictions do not depend on what stands at padded positions of the embedding table', () => {
    // Changing the [PAD] row of the embedding table changes only what padded positions carry.
    const { model } = buildTextModel(CONFIG);
    const before = tf.tidy(() => Array.from((model.predict(tf.tensor2d(IDS, undefined, 'int32')) as tf.Tensor).dataSync()));
    const table = model.getLayer('token_embedding');
    const [weights] = table.getWeights();
    table.setWeights([tf.tidy(() => tf.concat([tf.fill([1, CONFIG.dModel], 50), weights.slice([1, 0])]))]);
    const after = tf.tidy(() => Array.from((model.predict(tf.tensor2d(IDS, undefined, 'int32')) as tf.Tensor).dataSync()));
    expect(after[0]).toBe(before[0]);
    expect(after[1]).toBeCloseTo(before[1], 6);
  });

  it('gives the same prediction with or without trailing padding (batches are trimmed)', () => {
    const { model } = buildTextModel(CONFIG);
    const padded = tf.tidy(() => Array.from((model.predict(tf.tensor2d([IDS[1]], undefined, 'int32')) as tf.Tensor).dataSync()));
    const trimmed = tf.tidy(() => Array.from((model.predict(tf.tensor2d([IDS[1].slice(0, 6)], undefined, 'int32')) as tf.Tensor).dataSync()));
    expect(trimmed[0]).toBeCloseTo(padded[0], 6);
    expect(() => model.predict(tf.zeros([1, CONFIG.maxLength + 1], 'int32'))).toThrow(/at most 10/);
  });

  it('saves and loads back to identical predictions and features', async () => {
    const { model } = buildTextModel(CONFIG);
    // Move the weights off their initial values so the test cannot pass by rebuilding.
    model.setWeights(model.getWeights().map((w, i) => tf.tidy(() => tf.add(w, tf.randomNormal(w.shape, 0, 0.05, 'float32', i)))));
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'hitcast-text-model-')), 'model');
    await saveModel(model, dir);
    const loaded = await loadModel(dir);
    tf.tidy(() => {
      const ids = tf.tensor2d(IDS, undefined, 'int32');
      expect(Array.from((loaded.predict(ids) as tf.Tensor).dataSync())).toEqual(Array.from((model.predict(ids) as tf.Tensor).dataSync()));
      const f0 = featuresModel(model).predict(ids) as tf.Tensor;
      const f1 = featuresModel(loaded).predict(ids) as tf.Tensor;
      expect(Array.from(f1.dataSync())).toEqual(Array.from(f0.dataSync()));
    });
    expect(values(loaded)).toEqual(values(model));
  });

  it('features share the weights of the model', () => {
    const { model, features } = buildTextModel(CONFIG);
    expect(features.weights.every((w) => model.weights.includes(w))).toBe(true);
    const layer = model.getLayer('text_features');
    layer.setWeights(layer.getWeights().map((w) => tf.zerosLike(w)));
    const out = tf.tidy(() => Array.from((features.predict(tf.tensor2d(IDS, undefined, 'int32')) as tf.Tensor).dataSync()));
    expect(out.every((x) => x === 0)).toBe(true);
  });
});
