/**
 * Save and load a tf.LayersModel as a folder holding model.json + weights.bin (the layout
 * `tf.loadLayersModel('file://…/model.json')` reads), without tfjs-node: pure tfjs has no file://
 * handler in Node, so we go through tf.io.withSaveHandler / tf.io.fromMemory.
 *
 * Saving is atomic for readers: the files are written and fsynced in a temporary sibling folder,
 * which then replaces the destination by rename. An existing destination is first renamed aside
 * and removed afterwards; a crash between those two renames leaves it under `.<name>.old-*`.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';

export const MODEL_FILE = 'model.json';
export const WEIGHTS_FILE = 'weights.bin';

async function writeSynced(file: string, data: string | Uint8Array): Promise<void> {
  const handle = await fs.open(file, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export async function saveModel(model: tf.LayersModel, dir: string, metadata?: Record<string, unknown>): Promise<void> {
  const target = path.resolve(dir);
  const sibling = (tag: string) =>
    path.join(path.dirname(target), `.${path.basename(target)}.${tag}-${process.pid}-${randomBytes(4).toString('hex')}`);
  await fs.mkdir(path.dirname(target), { recursive: true });
  const tmp = sibling('tmp');
  await fs.mkdir(tmp);
  try {
    await model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        const weights = artifacts.weightData ? tf.io.CompositeArrayBuffer.join(artifacts.weightData) : new ArrayBuffer(0);
        const json = {
          format: artifacts.format ?? 'layers-model',
          generatedBy: artifacts.generatedBy,
          convertedBy: artifacts.convertedBy ?? null,
          modelTopology: artifacts.modelTopology,
          weightsManifest: [{ paths: [`./${WEIGHTS_FILE}`], weights: artifacts.weightSpecs ?? [] }],
          ...(metadata ? { userDefinedMetadata: metadata } : {}),
        };
        await writeSynced(path.join(tmp, WEIGHTS_FILE), new Uint8Array(weights));
        await writeSynced(path.join(tmp, MODEL_FILE), JSON.stringify(json));
        return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
      }),
    );
    const exists = await fs.stat(target).then(() => true, () => false);
    if (!exists) {
      await fs.rename(tmp, target);
      return;
    }
    const old = sibling('old');
    await fs.rename(target, old);
    await fs.rename(tmp, target);
    await fs.rm(old, { recursive: true, force: true });
  } catch (error) {
    await fs.rm(tmp, { recursive: true, force: true });
    throw error;
  }
}

export async function loadModel(dir: string): Promise<tf.LayersModel> {
  const json = JSON.parse(await fs.readFile(path.join(dir, MODEL_FILE), 'utf8'));
  const manifest = json.weightsManifest as tf.io.WeightsManifestConfig;
  const buffers = await Promise.all(
    manifest.flatMap((group) => group.paths).map((p) => fs.readFile(path.join(dir, p))),
  );
  const weightData = tf.io.CompositeArrayBuffer.join(
    buffers.map((b) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer),
  );
  return tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: manifest.flatMap((group) => group.weights),
      weightData,
      format: json.format,
      generatedBy: json.generatedBy,
      convertedBy: json.convertedBy,
      userDefinedMetadata: json.userDefinedMetadata,
    }),
  );
}
