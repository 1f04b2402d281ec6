import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { SeededRng } from '@hitcast/core';
import { fit, type Batch } from '@hitcast/core/training';
import { buildTextModel } from '../src/transformer.ts';
import { TEXT_LAYERS_MODULE } from '../src/layers/index.ts';
import { webgpuAndCpu, webgpuUnavailable } from '../../core/test/tf/webgpu-helpers.ts';

/**
 * The Transformer trained by the shared fit loop on webgpu (the adapter Dawn finds: lavapipe without a
 * GPU) and on cpu from the same seed: token embedding (gather, scatterND gradient), padding mask, attention,
 * layer norm, gelu, masked mean pooling, dropout, Adam, 2 shards. Padded rows of several lengths, as the
 * text stage's batches are. Each epoch's losses within 1e-4 relative (float32 sums in other orders).
 */
const TOLERANCE = 1e-4;

function tokenBatches(seed: string, count: number): () => AsyncIterable<Batch> {
  return async function* () {
    const rng = new SeededRng(seed);
    for (let b = 0; b < count; b++) {
      const ids = Array.from({ length: 6 }, () => {
        const length = 2 + rng.int(7);
        return Array.from({ length: 8 }, (_, t) => (t < length ? 1 + rng.int(40) : 0));
      });
      yield { inputs: tf.tensor2d(ids, [6, 8], 'int32'), target: tf.tensor2d(ids.map((row) => [(row[0] % 10) / 10])) };
    }
  };
}

async function losses(backend: 'cpu' | 'webgpu'): Promise<number[]> {
  await tf.setBackend(backend);
  const { model } = buildTextModel({ vocabSize: 41, maxLength: 8, dModel: 16, heads: 2, layers: 1, ffDim: 32, dropout: 0.1, seed: 3, outputBias: 0.45 });
  const result = await fit({
    name: backend,
    model,
    parts: [{ name: 'all', variables: model.trainableWeights, learningRate: 0.003 }],
    trainBatches: tokenBatches('train', 4),
    validationBatches: tokenBatches('validation', 2),
    epochs: 2,
    patience: 2,
    runDir: mkdtempSync(path.join(tmpdir(), `hitcast-text-${backend}-`)),
    resume: false,
    log: () => undefined,
    shards: 2,
    workers: 0,
    setupModule: TEXT_LAYERS_MODULE,
  });
  model.dispose();
  return result.history.flatMap((h) => [h.trainLoss, h.validationLoss]);
}

if (webgpuUnavailable) console.log(`transformer-webgpu.test.ts skipped: ${webgpuUnavailable}`);

describe.skipIf(webgpuUnavailable !== null)('the Transformer trains on webgpu as on cpu', () => {
  beforeAll(webgpuAndCpu);

  it('two epochs: the same training and validation losses', async () => {
    const cpu = await losses('cpu');
    const gpu = await losses('webgpu');
    expect(gpu.every(Number.isFinite)).toBe(true);
    gpu.forEach((loss, i) => expect(Math.abs(loss - cpu[i]) / cpu[i]).toBeLessThan(TOLERANCE));
  });
});
