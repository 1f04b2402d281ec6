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
  checkLayerGraph(json.modelTopology);
  const manifest = json.weightsManifest as tf.io.WeightsManifestConfig;
  if (!Array.isArray(manifest) || !manifest.every((group) => Array.isArray(group?.paths) && Array.isArray(group?.weights))) {
    throw new Error(`${MODEL_FILE} has no valid weightsManifest`);
  }
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

type InboundRef = [string, number, number, ...unknown[]];

const NESTED_MODEL_CLASSES = new Set(['Model', 'Functional', 'Sequential']);

/**
 * Checks that a functional model's layer graph can be built: every inbound node names a layer of the model
 * and a node that layer gets, with no cycle. tfjs rebuilds the graph by retrying unresolved nodes until all
 * resolve, so a model.json with a dangling or circular reference would make it loop forever.
 */
function checkLayerGraph(topology: unknown): void {
  const config = (topology as { config?: unknown; model_config?: { config?: unknown } } | undefined)?.config ?? (topology as { model_config?: { config?: unknown } })?.model_config?.config;
  const layers = (config as { layers?: unknown } | undefined)?.layers;
  if (!Array.isArray(layers)) return; // not a functional model (Sequential, or not a model): tfjs checks it
  const nodes = new Map<string, number>();
  const pending: { name: string; inputs: InboundRef[] }[] = [];
  for (const [i, layer] of layers.entries()) {
    const name = (layer as { name?: unknown })?.name;
    const inbound = (layer as { inbound_nodes?: unknown })?.inbound_nodes ?? [];
    if (typeof name !== 'string' || nodes.has(name) || !Array.isArray(inbound)) throw new Error(`${MODEL_FILE}: layer ${i} has no name of its own or no list of inbound nodes`);
    // An input layer, and a model nested as a layer, are built with one node of their own before the outer
    // graph gives them more: the outer graph's references to them count from node 1.
    const className = (layer as { class_name?: unknown }).class_name;
    nodes.set(name, className === 'InputLayer' || NESTED_MODEL_CLASSES.has(String(className)) ? 1 : 0);
    for (const node of inbound) {
      const ok = Array.isArray(node) && node.every((ref) => Array.isArray(ref) && typeof ref[0] === 'string' && Number.isInteger(ref[1]) && ref[1] >= 0 && Number.isInteger(ref[2]) && ref[2] >= 0);
      if (!ok) throw new Error(`${MODEL_FILE}: layer "${name}" has a malformed inbound node`);
      pending.push({ name, inputs: node as InboundRef[] });
    }
  }
  // Resolve nodes as tfjs does, in passes, until none is left (or none can be).
  for (let progress = true; pending.length > 0 && progress; ) {
    progress = false;
    for (let k = 0; k < pending.length; k++) {
      const { name, inputs } = pending[k];
      if (inputs.every(([from, index]) => (nodes.get(from) ?? 0) > index)) {
        nodes.set(name, nodes.get(name)! + 1);
        pending.splice(k--, 1);
        progress = true;
      }
    }
  }
  if (pending.length > 0) {
    const { name, inputs } = pending[0];
    const missing = inputs.find(([from, index]) => (nodes.get(from) ?? 0) <= index)!;
    throw new Error(`${MODEL_FILE}: layer "${name}" takes node ${missing[1]} of layer "${missing[0]}", which the model never builds (a missing layer or a cycle)`);
  }
}
