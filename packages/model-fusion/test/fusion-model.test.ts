import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { SeededRng } from '@hitcast/core';
import { buildCombinedModel, buildFusionHead } from '../src/fusion-model.ts';
import { featureScaling, foldScalingIntoHead, standardize } from '../src/train-fusion.ts';
import type { FusionExample } from '../src/fusion-data.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('fusion head', () => {
  it('is concat 128 → 64 → 1', () => {
    const head = buildFusionHead(1);
    expect(head.layers.map((l) => l.outputShape)).toEqual([[null, 64], [null, 1]]);
    const cnn = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [4, 6, 1] }), tf.layers.dense({ units: 64 })] });
    const text = tf.sequential({ layers: [tf.layers.embedding({ inputDim: 10, outputDim: 2, inputLength: 5 }), tf.layers.flatten(), tf.layers.dense({ units: 64 })] });
    const combined = buildCombinedModel(cnn, text, head);
    const out = combined.predict([tf.zeros([3, 4, 6, 1]), tf.zeros([3, 5], 'int32')]) as tf.Tensor;
    expect(out.shape).toEqual([3, 1]);
  });

  it('folding the feature scaling into the first layer gives the same predictions on raw features', () => {
    const rng = new SeededRng(3);
    const examples = Array.from({ length: 40 }, (_, i) => ({ id: `s${i}`, split: i < 30 ? 'train' : 'test' })) as FusionExample[];
    // CNN block large and offset, text block small: unrelated scales, as from the real backbones.
    const raw = Float32Array.from({ length: 40 * 128 }, (_, k) => (k % 128 < 64 ? 5 + 3 * rng.normal() : 0.1 * rng.normal()));
    const scaling = featureScaling(raw, examples);
    const head = buildFusionHead(2);
    const onStandardised = Array.from((head.predict(tf.tensor2d(standardize(raw, scaling), [40, 128])) as tf.Tensor).dataSync());
    foldScalingIntoHead(head, scaling);
    const onRaw = Array.from((head.predict(tf.tensor2d(raw, [40, 128])) as tf.Tensor).dataSync());
    onRaw.forEach((v, i) => expect(v).toBeCloseTo(onStandardised[i], 4));
    // One scale per backbone block, from the training songs only.
    expect(new Set(scaling.std.slice(0, 64)).size).toBe(1);
    expect(scaling.std[0]).toBeGreaterThan(10 * scaling.std[64]);
  });
});
