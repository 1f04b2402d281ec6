import * as tf from '@tensorflow/tfjs';
import { ArtifactReader, SeededRng } from '@hitcast/core';
import type { Batch, Split } from '@hitcast/core/training';
import { songsSpec } from '@hitcast/data-spectrogram';
import { readExamples, toModelInput } from '@hitcast/model-cnn';

/** A merged-set song as the combined model sees it: CNN input pixels, token ids, target. */
export interface FusionExample {
  id: string;
  split: Split;
  popularity: number;
  pixels: Uint8Array;
  tokens: Int32Array;
}

export type Tokenize = (song: { title: string; artists: string[]; year: number }) => Int32Array;

/**
 * Every song of the merged set with both inputs: pixels from model-cnn's inputs file (already at the
 * CNN's input size) and token ids from the text columns of songs.arrow. The merged set is ~3,000 songs
 * at full scale, so this is held in memory as uint8 pixels and int32 tokens (small) — never as float32.
 */
export async function loadFusionExamples(songsFile: string, cnnInputsFile: string, height: number, width: number, tokenize: Tokenize): Promise<FusionExample[]> {
  const tokensById = new Map<string, Int32Array>();
  const songs = await ArtifactReader.open(songsFile, songsSpec(1024, 256));
  try {
    for await (const batch of songs.batches()) {
      const [ids, titles, artists, years] = ['id', 'title', 'artists', 'year'].map((name) => batch.getChild(name)!);
      for (let i = 0; i < batch.numRows; i++) {
        tokensById.set(ids.get(i) as string, tokenize({ title: titles.get(i) as string, artists: [...(artists.get(i) as Iterable<string>)], year: years.get(i) as number }));
      }
    }
  } finally {
    await songs.close();
  }
  const examples: FusionExample[] = [];
  for await (const example of readExamples(cnnInputsFile, height, width, 'all')) {
    const tokens = tokensById.get(example.id);
    if (!tokens) throw new Error(`song ${example.id} is in the CNN inputs but not in ${songsFile}: re-run model-cnn`);
    examples.push({ ...example, tokens });
  }
  return examples;
}

/** [spectrogram, tokens] batches of one split; shuffled by (seed, epoch) when an epoch is given. */
export async function* fusionBatches(examples: FusionExample[], options: { split: Split; batchSize: number; height: number; width: number; seed: number; epoch?: number }): AsyncGenerator<Batch> {
  const chosen = examples.filter((e) => e.split === options.split);
  if (options.epoch !== undefined) new SeededRng(`fusion-order|${options.seed}|${options.epoch}`).shuffle(chosen);
  for (let start = 0; start < chosen.length; start += options.batchSize) {
    const rows = chosen.slice(start, start + options.batchSize);
    yield { inputs: toInputs(rows, options.height, options.width), target: tf.tensor2d(rows.map((e) => [e.popularity / 100])) };
  }
}

export function toInputs(rows: FusionExample[], height: number, width: number): tf.Tensor[] {
  const pixels = new Float32Array(rows.length * height * width);
  rows.forEach((e, k) => pixels.set(toModelInput(e.pixels), k * height * width));
  const length = rows[0]?.tokens.length ?? 0;
  const tokens = new Int32Array(rows.length * length);
  rows.forEach((e, k) => tokens.set(e.tokens, k * length));
  return [tf.tensor4d(pixels, [rows.length, height, width, 1]), tf.tensor2d(tokens, [rows.length, length], 'int32')];
}

/** Batches of precomputed (frozen) features [batch, 128] for training the head alone. */
export async function* featureBatches(features: Float32Array, examples: FusionExample[], options: { split: Split; batchSize: number; seed: number; epoch?: number }): AsyncGenerator<Batch> {
  const rows = [...examples.keys()].filter((i) => examples[i].split === options.split);
  if (options.epoch !== undefined) new SeededRng(`fusion-order|${options.seed}|${options.epoch}`).shuffle(rows);
  for (let start = 0; start < rows.length; start += options.batchSize) {
    const chosen = rows.slice(start, start + options.batchSize);
    const data = new Float32Array(chosen.length * 128);
    chosen.forEach((row, k) => data.set(features.subarray(row * 128, (row + 1) * 128), k * 128));
    yield { inputs: tf.tensor2d(data, [chosen.length, 128]), target: tf.tensor2d(chosen.map((row) => [examples[row].popularity / 100])) };
  }
}
