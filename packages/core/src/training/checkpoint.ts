import { promises as fs } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { temporaryPathFor } from '../atomic.ts';

/** A tensor with its name, as tf.io.encodeWeights and optimizers' getWeights use them. */
export interface NamedTensor {
  name: string;
  tensor: tf.Tensor;
}

/** Named tensors as written by tf.io.encodeWeights: one binary blob plus its specs. */
async function writeTensors(dir: string, name: string, tensors: NamedTensor[]): Promise<void> {
  const { data, specs } = await tf.io.encodeWeights(tensors);
  await fs.writeFile(path.join(dir, `${name}.bin`), Buffer.from(data));
  await fs.writeFile(path.join(dir, `${name}.json`), JSON.stringify(specs));
}

async function readTensors(dir: string, name: string): Promise<NamedTensor[]> {
  const specs = JSON.parse(await fs.readFile(path.join(dir, `${name}.json`), 'utf8')) as tf.io.WeightsManifestEntry[];
  const bytes = await fs.readFile(path.join(dir, `${name}.bin`));
  const map = tf.io.decodeWeights(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength), specs);
  return specs.map((spec) => ({ name: spec.name, tensor: map[spec.name] }));
}

/** A model's weights in order (trainable and not: batch-norm statistics are part of the state). */
export function modelWeights(model: tf.LayersModel): NamedTensor[] {
  return model.weights.map((w, i) => ({ name: `${i}:${w.name}`, tensor: w.read() }));
}

export interface Checkpoint<State> {
  state: State;
  tensors: Record<string, NamedTensor[]>;
}

/**
 * Writes a checkpoint folder atomically: a complete new folder replaces the old one by rename, so a
 * kill at any moment leaves either the previous or the new checkpoint, never a mix.
 */
export async function saveCheckpoint<State>(dir: string, checkpoint: Checkpoint<State>): Promise<void> {
  await fs.mkdir(path.dirname(dir), { recursive: true });
  const tmp = temporaryPathFor(dir);
  await fs.mkdir(tmp);
  try {
    for (const [name, tensors] of Object.entries(checkpoint.tensors)) await writeTensors(tmp, name, tensors);
    await fs.writeFile(path.join(tmp, 'state.json'), JSON.stringify(checkpoint.state, null, 1));
    const old = `${dir}.old`;
    await fs.rm(old, { recursive: true, force: true });
    await fs.rename(dir, old).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
    await fs.rename(tmp, dir);
    await fs.rm(old, { recursive: true, force: true });
  } catch (error) {
    await fs.rm(tmp, { recursive: true, force: true });
    throw error;
  }
}

/** Reads the checkpoint in `dir` (or the previous one left by a kill between two renames); null if none. */
export async function loadCheckpoint<State>(dir: string, names: string[]): Promise<Checkpoint<State> | null> {
  for (const candidate of [dir, `${dir}.old`]) {
    try {
      const state = JSON.parse(await fs.readFile(path.join(candidate, 'state.json'), 'utf8')) as State;
      const tensors: Record<string, NamedTensor[]> = {};
      for (const name of names) tensors[name] = await readTensors(candidate, name);
      return { state, tensors };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return null;
}
