import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { SeededRng } from '../../src/rng.ts';
import { evaluateLoss, fit, SeededDropout, type Batch, type FitOptions } from '../../src/training/index.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** y = 0.3·x0 − 0.2·x1 + 0.5 + noise: something a tiny net can learn. */
function dataset(n: number, seed: string) {
  const rng = new SeededRng(seed);
  const x = Array.from({ length: n }, () => [rng.normal(), rng.normal(), rng.normal()]);
  const y = x.map(([a, b]) => 0.3 * a - 0.2 * b + 0.5 + 0.05 * rng.normal());
  return { x, y };
}

async function* batches(data: { x: number[][]; y: number[] }, order: number[], size: number): AsyncGenerator<Batch> {
  for (let i = 0; i < order.length; i += size) {
    const rows = order.slice(i, i + size);
    yield { inputs: tf.tensor2d(rows.map((r) => data.x[r])), target: tf.tensor2d(rows.map((r) => [data.y[r]])) };
  }
}

function model(): tf.LayersModel {
  const input = tf.input({ shape: [3] });
  let h = tf.layers.dense({ units: 16, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }), name: 'hidden' }).apply(input) as tf.SymbolicTensor;
  h = tf.layers.batchNormalization({ name: 'norm' }).apply(h) as tf.SymbolicTensor;
  h = new SeededDropout({ rate: 0.2, seed: 7 }).apply(h) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }), name: 'head' }).apply(h) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

const train = dataset(96, 'train');
const validation = dataset(32, 'validation');

function options(m: tf.LayersModel, runDir: string, overrides: Partial<FitOptions> = {}): FitOptions {
  return {
    name: 'test',
    model: m,
    parts: [{ name: 'all', variables: m.trainableWeights, learningRate: 0.01 }],
    trainBatches: (epoch) => batches(train, new SeededRng(`order|${epoch}`).shuffle([...train.x.keys()]), 16),
    validationBatches: () => batches(validation, [...validation.x.keys()], 16),
    epochs: 6,
    patience: 100,
    runDir,
    resume: false,
    log: () => undefined,
    ...overrides,
  };
}

const weightsOf = (m: tf.LayersModel) => m.getWeights().map((w) => Array.from(w.dataSync()));

describe('fit', () => {
  it('lowers the validation loss and restores the best epoch', async () => {
    const m = model();
    const result = await fit(options(m, mkdtempSync(path.join(tmpdir(), 'hitcast-fit-'))));
    expect(result.history).toHaveLength(6);
    // Predicting the mean of the validation targets would score their variance.
    const mean = validation.y.reduce((a, b) => a + b) / validation.y.length;
    const variance = validation.y.reduce((a, b) => a + (b - mean) ** 2, 0) / validation.y.length;
    expect(result.bestValidationLoss).toBeLessThan(0.5 * variance);
    expect(result.bestEpoch).toBe(result.history.reduce((b, r) => (r.validationLoss < b.validationLoss ? r : b)).epoch);
    expect(await evaluateLoss(m, options(m, '').validationBatches())).toBe(result.bestValidationLoss);
  });

  it('resumes after a kill before the best epoch to exactly the run that was never interrupted', async () => {
    // At lr 0.01 the validation loss rises after epoch 1, falls to its lowest at epoch 7 and rises again at 8:
    // the halt after epoch 3 leaves epoch 1 as the best so far, so the best weights the run ends with come
    // from epochs trained after the resume, and restoring them (not the last ones) is part of what is compared.
    const epochs = 8;
    const haltAfterEpoch = 3;
    const uninterrupted = model();
    const whole = await fit(options(uninterrupted, mkdtempSync(path.join(tmpdir(), 'hitcast-fit-')), { epochs }));
    expect(whole.bestEpoch).toBeGreaterThan(haltAfterEpoch);
    expect(whole.bestEpoch).toBeLessThan(epochs);

    const runDir = mkdtempSync(path.join(tmpdir(), 'hitcast-fit-'));
    const first = await fit(options(model(), runDir, { epochs, haltAfterEpoch }));
    expect(first.halted).toBe(true);
    expect(first.history).toHaveLength(haltAfterEpoch);
    expect(first.bestEpoch).toBeLessThan(whole.bestEpoch);
    const resumedModel = model(); // a fresh process: new model, same code
    const resumed = await fit(options(resumedModel, runDir, { epochs, resume: true }));
    expect(resumed.resumedFromEpoch).toBe(haltAfterEpoch);
    const losses = (r: typeof whole) => r.history.map(({ epoch, trainLoss, validationLoss }) => ({ epoch, trainLoss, validationLoss }));
    expect(losses(resumed)).toEqual(losses(whole));
    expect([resumed.bestEpoch, resumed.bestValidationLoss]).toEqual([whole.bestEpoch, whole.bestValidationLoss]);
    expect(weightsOf(resumedModel)).toEqual(weightsOf(uninterrupted));
  });

  it('stops early when the validation loss stops improving, leaving the model at its best epoch', async () => {
    const m = model();
    const result = await fit(options(m, mkdtempSync(path.join(tmpdir(), 'hitcast-fit-')), { epochs: 200, patience: 2, parts: [{ name: 'all', variables: m.trainableWeights, learningRate: 0.05 }] }));
    expect(result.stoppedEarly).toBe(true);
    expect(result.history.length).toBeLessThan(200);
    expect(result.history.length - result.bestEpoch).toBe(2);
    // The weights are the best epoch's, not the last one's: evaluated again, they score the recorded best loss.
    const last = result.history.at(-1)!.validationLoss;
    expect(last).toBeGreaterThan(result.bestValidationLoss);
    expect(await evaluateLoss(m, options(m, '').validationBatches())).toBe(result.bestValidationLoss);
  });

  it('leaves variables outside every part exactly as they were', async () => {
    const m = model();
    const hidden = m.getLayer('hidden');
    const before = hidden.getWeights().map((w) => Array.from(w.dataSync()));
    const headBefore = m.getLayer('head').getWeights().map((w) => Array.from(w.dataSync()));
    await fit(options(m, mkdtempSync(path.join(tmpdir(), 'hitcast-fit-')), { epochs: 2, parts: [{ name: 'head', variables: m.getLayer('head').trainableWeights, learningRate: 0.01 }] }));
    expect(hidden.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(before);
    expect(m.getLayer('head').getWeights().map((w) => Array.from(w.dataSync()))).not.toEqual(headBefore);
  });
});
