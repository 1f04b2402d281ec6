import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadModel, saveModel } from '../../src/tf/model-io.ts';
import { bothBackends, values } from './helpers.ts';

function smallModel(seed: number): tf.LayersModel {
  const input = tf.input({ shape: [6, 10, 1] });
  let x = tf.layers.conv2d({ filters: 3, kernelSize: [3, 5], padding: 'same', activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed }) }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.batchNormalization({ movingMeanInitializer: tf.initializers.constant({ value: 0.3 }) }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.globalAveragePooling2d({}).apply(x) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 2, kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }) }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

describe('saveModel / loadModel', () => {
  beforeAll(async () => {
    await bothBackends();
    await tf.setBackend('wasm');
  });

  it('round-trips identical predictions through model.json + weights.bin', async () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'hitcast-tf-')), 'model');
    const model = smallModel(7);
    const x = tf.tensor4d(values([4, 6, 10, 1], 3), [4, 6, 10, 1]);
    const before = (model.predict(x) as tf.Tensor).dataSync();
    await saveModel(model, dir, { note: 'test' });
    expect(readdirSync(dir).sort()).toEqual(['model.json', 'weights.bin']);
    const json = JSON.parse(readFileSync(path.join(dir, 'model.json'), 'utf8'));
    expect(json.weightsManifest[0].paths).toEqual(['./weights.bin']);
    expect(json.userDefinedMetadata).toEqual({ note: 'test' });
    const loaded = await loadModel(dir);
    expect(Array.from((loaded.predict(x) as tf.Tensor).dataSync())).toEqual(Array.from(before));
  });

  it('replaces an existing model in one step and leaves no temporary folders', async () => {
    const parent = mkdtempSync(path.join(tmpdir(), 'hitcast-tf-'));
    const dir = path.join(parent, 'model');
    const x = tf.tensor4d(values([2, 6, 10, 1], 4), [2, 6, 10, 1]);
    await saveModel(smallModel(1), dir);
    const second = smallModel(2);
    await saveModel(second, dir);
    expect(readdirSync(parent)).toEqual(['model']);
    const loaded = await loadModel(dir);
    expect(Array.from((loaded.predict(x) as tf.Tensor).dataSync())).toEqual(Array.from((second.predict(x) as tf.Tensor).dataSync()));
  });

  it('a failed save leaves the previous model untouched', async () => {
    const parent = mkdtempSync(path.join(tmpdir(), 'hitcast-tf-'));
    const dir = path.join(parent, 'model');
    await saveModel(smallModel(1), dir);
    const before = readFileSync(path.join(dir, 'weights.bin'));
    const broken = smallModel(3);
    broken.save = () => Promise.reject(new Error('disk full'));
    await expect(saveModel(broken, dir)).rejects.toThrow('disk full');
    expect(readFileSync(path.join(dir, 'weights.bin'))).toEqual(before);
    expect(readdirSync(parent)).toEqual(['model']);
    expect(existsSync(path.join(dir, 'model.json'))).toBe(true);
  });
});
