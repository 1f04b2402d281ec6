import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { SeededRng } from '@hitcast/core';
import { selectBackend } from '@hitcast/core/tf';
import { evaluateLoss, fit } from '@hitcast/core/training';
import { featureBatches, type FusionExample } from '../src/fusion-data.ts';
import { buildFusionHead } from '../src/fusion-model.ts';

/**
 * 128 standardised features per song, as the frozen backbones hand them to the head (CNN 0–63, Transformer
 * 64–127), where popularity depends on one CNN feature, one Transformer feature and, through a kink, a
 * third; the other 125 are noise. A head that finds them among the noise beats predicting the mean by far.
 */
function synthSet(n: number, seed: string): { features: Float32Array; examples: FusionExample[] } {
  const rng = new SeededRng(seed);
  const features = Float32Array.from({ length: n * 128 }, () => rng.normal());
  const examples = Array.from({ length: n }, (_, i): FusionExample => {
    const f = (k: number) => features[i * 128 + k];
    const popularity = Math.max(0, Math.min(100, 50 + 12 * f(3) - 10 * f(70) + 10 * Math.max(0, f(100)) + rng.normal(0, 2)));
    return { id: `synth-${i}`, split: i % 4 === 0 ? 'validation' : 'train', popularity, pixels: new Uint8Array(0), tokens: new Int32Array(0) };
  });
  return { features, examples };
}

/** The same songs with one backbone's block of features set to 0 (its mean): what the head loses without it. */
function without(features: Float32Array, from: number): Float32Array {
  const out = features.slice();
  for (let row = 0; row < out.length / 128; row++) out.fill(0, row * 128 + from, row * 128 + from + 64);
  return out;
}

beforeAll(async () => {
  await selectBackend('wasm', { log: () => undefined });
});

describe('fusion head on synthetic features', () => {
  it('finds the planted features of both backbones and beats predicting the mean on held-out songs', async () => {
    const { features, examples } = synthSet(4000, 'a');
    const train = examples.filter((e) => e.split === 'train');
    const trainMean = train.reduce((s, e) => s + e.popularity / 100, 0) / train.length;
    const validation = examples.filter((e) => e.split === 'validation');
    const meanLoss = validation.reduce((s, e) => s + (e.popularity / 100 - trainMean) ** 2, 0) / validation.length;

    const head = buildFusionHead(7);
    const output = head.getLayer('fusion_output');
    output.setWeights([output.getWeights()[0], tf.tensor1d([trainMean])]);
    const validationOf = (data: Float32Array) => featureBatches(data, examples, { split: 'validation', batchSize: 64, seed: 7 });
    // Small output weights and the mean as bias: the untrained head scores about the mean's loss.
    const untrained = await evaluateLoss(head, validationOf(features));
    expect(untrained).toBeGreaterThan(0.85 * meanLoss);
    expect(untrained).toBeLessThan(1.15 * meanLoss);

    const result = await fit({
      name: 'synthetic',
      model: head,
      parts: [{ name: 'head', variables: head.trainableWeights, learningRate: 0.003 }],
      trainBatches: (epoch) => featureBatches(features, examples, { split: 'train', batchSize: 32, seed: 7, epoch }),
      validationBatches: () => validationOf(features),
      epochs: 10,
      patience: 10,
      runDir: mkdtempSync(path.join(tmpdir(), 'hitcast-fusion-synth-')),
      resume: false,
      log: () => undefined,
    });
    // The best epoch reaches ~0.07 × the mean's loss (the noise alone leaves ~0.015 ×; a linear model ~0.05 ×).
    expect(result.bestValidationLoss).toBeLessThan(0.15 * meanLoss);
    // Each block carries part of the signal: without either one, the head falls far behind its best.
    expect(await evaluateLoss(head, validationOf(without(features, 0)))).toBeGreaterThan(3 * result.bestValidationLoss);
    expect(await evaluateLoss(head, validationOf(without(features, 64)))).toBeGreaterThan(3 * result.bestValidationLoss);
    head.dispose();
  });
});
