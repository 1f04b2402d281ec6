import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { SeededRng } from '../../src/rng.ts';
import { fit, SeededDropout, type Batch, type FitOptions } from '../../src/training/index.ts';
import { bothBackends } from '../tf/helpers.ts';

// Sharded training on wasm, the backend the model stages train on: the shard count decides the
// result, the worker count only the speed.
beforeAll(async () => {
  await bothBackends();
  await tf.setBackend('wasm');
});

const VOCAB = 20;

/** Two inputs, one of them int32 token ids (an embedding, as the text model has), batch norm and seeded dropout. */
function model(): tf.LayersModel {
  const numbers = tf.input({ shape: [3], name: 'numbers' });
  const tokens = tf.input({ shape: [4], dtype: 'int32', name: 'tokens' });
  const embedded = tf.layers.flatten().apply(tf.layers.embedding({ inputDim: VOCAB, outputDim: 2, embeddingsInitializer: tf.initializers.randomUniform({ minval: -0.5, maxval: 0.5, seed: 3 }), name: 'embed' }).apply(tokens)) as tf.SymbolicTensor;
  let h = tf.layers.concatenate().apply([numbers, embedded]) as tf.SymbolicTensor;
  h = tf.layers.dense({ units: 16, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }), name: 'hidden' }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.batchNormalization({ name: 'norm' }).apply(h) as tf.SymbolicTensor;
  h = new SeededDropout({ rate: 0.3, seed: 7 }).apply(h) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }), name: 'head' }).apply(h) as tf.SymbolicTensor;
  return tf.model({ inputs: [numbers, tokens], outputs: out });
}

function dataset(n: number, seed: string) {
  const rng = new SeededRng(seed);
  return Array.from({ length: n }, () => {
    const x = [rng.normal(), rng.normal(), rng.normal()];
    const ids = Array.from({ length: 4 }, () => Math.floor(rng.next() * VOCAB));
    return { x, ids, y: 0.3 * x[0] - 0.2 * x[1] + 0.02 * ids[0] + 0.05 * rng.normal() };
  });
}
const train = dataset(90, 'train');
const validation = dataset(30, 'validation');

async function* batches(rows: typeof train, order: number[], size: number): AsyncGenerator<Batch> {
  for (let i = 0; i < order.length; i += size) {
    const take = order.slice(i, i + size).map((k) => rows[k]);
    yield {
      inputs: [tf.tensor2d(take.map((r) => r.x)), tf.tensor2d(take.map((r) => r.ids), undefined, 'int32')],
      target: tf.tensor2d(take.map((r) => [r.y])),
    };
  }
}

function options(m: tf.LayersModel, overrides: Partial<FitOptions> = {}): FitOptions {
  return {
    name: 'sharded',
    model: m,
    parts: [{ name: 'all', variables: m.trainableWeights, learningRate: 0.01 }],
    // 18 rows a batch, the last 0 of 90: shards of 9 (and 6 with three shards).
    trainBatches: (epoch) => batches(train, new SeededRng(`order|${epoch}`).shuffle([...train.keys()]), 18),
    validationBatches: () => batches(validation, [...validation.keys()], 18),
    epochs: 3,
    patience: 100,
    runDir: mkdtempSync(path.join(tmpdir(), 'hitcast-fit-shards-')),
    resume: false,
    log: () => undefined,
    ...overrides,
  };
}

const weightsOf = (m: tf.LayersModel) => m.getWeights().map((w) => Array.from(w.dataSync()));
const losses = (r: Awaited<ReturnType<typeof fit>>) => r.history.map(({ trainLoss, validationLoss }) => [trainLoss, validationLoss]);

describe('fit with sharded batches', () => {
  it('gives bit-identical weights whether the shards run on one thread or two', async () => {
    const oneThread = model();
    const a = await fit(options(oneThread, { shards: 2, workers: 0 }));
    const twoThreads = model();
    const b = await fit(options(twoThreads, { shards: 2, workers: 1 }));
    expect(losses(b)).toEqual(losses(a));
    expect(weightsOf(twoThreads)).toEqual(weightsOf(oneThread));
    // Batch norm's moving statistics too (they follow shard 0 on both).
    expect(twoThreads.getLayer('norm').getWeights().map((w) => Array.from(w.dataSync()))).toEqual(oneThread.getLayer('norm').getWeights().map((w) => Array.from(w.dataSync())));
  });

  it('is a result setting: another shard count trains other weights (per-shard batch statistics, dropout masks)', async () => {
    const two = model();
    await fit(options(two, { shards: 2, workers: 0, epochs: 1 }));
    const three = model();
    await fit(options(three, { shards: 3, workers: 1, epochs: 1 }));
    expect(weightsOf(three)).not.toEqual(weightsOf(two));
  });

  it('keeps frozen weights frozen in the workers and trains the rest as on one thread', async () => {
    const parts = (m: tf.LayersModel) => [{ name: 'head', variables: m.getLayer('head').trainableWeights, learningRate: 0.02 }];
    const a = model();
    const frozenBefore = a.getLayer('hidden').getWeights().map((w) => Array.from(w.dataSync()));
    await fit(options(a, { shards: 2, workers: 0, parts: parts(a), epochs: 2 }));
    const b = model();
    await fit(options(b, { shards: 2, workers: 1, parts: parts(b), epochs: 2 }));
    expect(b.getLayer('hidden').getWeights().map((w) => Array.from(w.dataSync()))).toEqual(frozenBefore);
    expect(weightsOf(b)).toEqual(weightsOf(a));
  });

  it('resumes a two-thread run killed after an epoch to exactly the uninterrupted run', async () => {
    const whole = model();
    const uninterrupted = await fit(options(whole, { shards: 2, workers: 1, epochs: 4 }));
    const runDir = mkdtempSync(path.join(tmpdir(), 'hitcast-fit-shards-'));
    const first = await fit(options(model(), { shards: 2, workers: 1, epochs: 4, runDir, haltAfterEpoch: 2 }));
    expect(first.halted).toBe(true);
    const again = model();
    const resumed = await fit(options(again, { shards: 2, workers: 1, epochs: 4, runDir, resume: true }));
    expect(resumed.resumedFromEpoch).toBe(2);
    expect(losses(resumed)).toEqual(losses(uninterrupted));
    expect(weightsOf(again)).toEqual(weightsOf(whole));
  });

  it('one shard trains exactly as before sharding existed (the plain loop of one gradient per batch)', async () => {
    const sharded = model();
    await fit(options(sharded, { shards: 1, epochs: 2 }));
    // The plain loop, written out: one gradient of the whole batch per step, dropout seeded by the step.
    const plain = model();
    const { trainingStep } = await import('../../src/training/seeded-dropout.ts');
    const optimizer = tf.train.adam(0.01);
    const variables = plain.trainableWeights.map((w) => w.read() as tf.Variable);
    let step = 0;
    for (let epoch = 1; epoch <= 2; epoch++) {
      for await (const batch of options(plain).trainBatches(epoch)) {
        trainingStep.value = step++;
        trainingStep.shard = 0;
        tf.tidy(() => {
          const { grads } = tf.variableGrads(() => tf.losses.meanSquaredError(batch.target, plain.apply(batch.inputs, { training: true }) as tf.Tensor) as tf.Scalar, variables);
          optimizer.applyGradients(grads as Record<string, tf.Variable>);
        });
        tf.dispose([batch.inputs, batch.target] as tf.Tensor[]);
      }
    }
    // fit restores its best epoch; with 2 epochs and a falling loss that is the last one.
    expect(weightsOf(sharded)).toEqual(weightsOf(plain));
  });
});
