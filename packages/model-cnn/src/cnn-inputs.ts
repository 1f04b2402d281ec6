import path from 'node:path';
import { Field, FixedSizeList, Float32, makeData, makeVector, Uint8, Utf8, type RecordBatch } from 'apache-arrow';
import * as tf from '@tensorflow/tfjs';
import { ArtifactReader, artifactSchema, Progress, recordBatchFromColumns, SeededRng, utf8Column, writeArtifact, type ArtifactSpec } from '@hitcast/core';
import { splitOf, type Batch, type Split } from '@hitcast/core/training';
import { downsampleSpectrogram, songsSpec } from '@hitcast/data-spectrogram';
import { augmentSpectrogram, toModelInput, type AugmentParams } from './augment.ts';

/**
 * The CNN's inputs: every song's spectrogram down-sampled to the model's input size with the same
 * scipy-exact resampler as the data stage (a no-op at the stored 256 × 1024), kept as uint8 in an Arrow
 * file of small record batches. Training streams it batch by batch, so memory never holds the set as
 * float32, and the resampling is done once per run, not once per epoch.
 */
export function inputsSpec(height: number, width: number): ArtifactSpec {
  return {
    name: 'cnn-inputs',
    version: 1,
    fields: [
      new Field('id', new Utf8(), false),
      new Field('split', new Utf8(), false),
      new Field('popularity', new Float32(), false),
      new Field('pixels', new FixedSizeList(height * width, new Field('item', new Uint8(), false)), false),
    ],
  };
}

const ROWS_PER_BATCH = 16;

export async function prepareCnnInputs(songsFile: string, outFile: string, height: number, width: number, showProgress = true): Promise<number> {
  const songs = await ArtifactReader.open(songsFile, songsSpec(1024, 256));
  const [storedHeight, storedWidth] = JSON.parse(songs.metadata.get('hitcast.spectrogram_shape') ?? '[256, 1024]') as [number, number];
  const schema = artifactSchema(inputsSpec(height, width), { 'hitcast.input_shape': JSON.stringify([height, width]) });
  const progress = new Progress({ label: `CNN inputs ${height}×${width}`, unit: 'songs', enabled: showProgress });
  async function* batches(): AsyncGenerator<RecordBatch> {
    for await (const batch of songs.batches()) {
      const ids = batch.getChild('id')!;
      const popularity = batch.getChild('popularity')!;
      const stored = batch.getChild('spectrogram')!.data[0].children[0].values as Uint8Array;
      const size = storedHeight * storedWidth;
      for (let start = 0; start < batch.numRows; start += ROWS_PER_BATCH) {
        const rows = Array.from({ length: Math.min(ROWS_PER_BATCH, batch.numRows - start) }, (_, k) => start + k);
        const pixels = new Uint8Array(rows.length * height * width);
        rows.forEach((row, k) => {
          const source = stored.subarray(row * size, (row + 1) * size);
          const image = height === storedHeight && width === storedWidth ? source : downsampleSpectrogram(source, storedHeight, storedWidth, { width, height });
          pixels.set(image, k * height * width);
        });
        progress.tick(rows.length);
        yield recordBatchFromColumns(schema, {
          id: utf8Column(rows.map((r) => ids.get(r) as string)),
          split: utf8Column(rows.map((r) => splitOf(ids.get(r) as string))),
          popularity: makeVector(Float32Array.from(rows, (r) => popularity.get(r) as number)).data[0],
          pixels: makeData({ type: schema.fields[3].type, length: rows.length, nullCount: 0, child: makeVector(pixels).data[0] }),
        });
      }
    }
  }
  try {
    const rows = await writeArtifact(outFile, schema, batches());
    progress.finish();
    return rows;
  } finally {
    await songs.close();
  }
}

/** One song as read from the inputs file. */
export interface CnnExample {
  id: string;
  split: Split;
  popularity: number;
  pixels: Uint8Array;
}

/** Streams the songs of one split, record batch by record batch, optionally in a seeded random order. */
export async function* readExamples(inputsFile: string, height: number, width: number, split: Split | 'all', rng?: SeededRng): AsyncGenerator<CnnExample> {
  const reader = await ArtifactReader.open(inputsFile, inputsSpec(height, width));
  try {
    const order = [...Array(reader.numBatches).keys()];
    if (rng) rng.shuffle(order);
    const size = height * width;
    for (const index of order) {
      const batch = await reader.readBatch(index);
      const rows = [...Array(batch.numRows).keys()];
      if (rng) rng.shuffle(rows);
      const pixels = batch.getChild('pixels')!.data[0].children[0].values as Uint8Array;
      for (const row of rows) {
        const rowSplit = batch.getChild('split')!.get(row) as Split;
        if (split !== 'all' && rowSplit !== split) continue;
        yield {
          id: batch.getChild('id')!.get(row) as string,
          split: rowSplit,
          popularity: batch.getChild('popularity')!.get(row) as number,
          pixels: pixels.slice(row * size, (row + 1) * size),
        };
      }
    }
  } finally {
    await reader.close();
  }
}

/**
 * Mini-batches for `fit`: [batch, height, width, 1] inputs in [-1, 1] and popularity / 100 targets.
 * With `augment`, each image is augmented from an RNG seeded by (seed, epoch, song), so an epoch's
 * batches are the same whether or not the run was resumed.
 */
export async function* cnnBatches(
  inputsFile: string,
  options: { height: number; width: number; split: Split; batchSize: number; seed: number; epoch?: number; augment?: AugmentParams },
): AsyncGenerator<Batch & { ids: string[] }> {
  const { height, width, batchSize } = options;
  const order = options.epoch === undefined ? undefined : new SeededRng(`cnn-order|${options.seed}|${options.epoch}`);
  let pending: CnnExample[] = [];
  const emit = (examples: CnnExample[]) => {
    const data = new Float32Array(examples.length * height * width);
    examples.forEach((example, k) => {
      const image = options.augment
        ? augmentSpectrogram(example.pixels, height, width, options.augment, new SeededRng(`cnn-augment|${options.seed}|${options.epoch}|${example.id}`))
        : toModelInput(example.pixels);
      data.set(image, k * height * width);
    });
    return {
      ids: examples.map((e) => e.id),
      inputs: tf.tensor4d(data, [examples.length, height, width, 1]),
      target: tf.tensor2d(examples.map((e) => [e.popularity / 100])),
    };
  };
  for await (const example of readExamples(inputsFile, height, width, options.split, order)) {
    pending.push(example);
    if (pending.length === batchSize) {
      yield emit(pending);
      pending = [];
    }
  }
  if (pending.length) yield emit(pending);
}

export function inputsFileName(outDir: string, height: number, width: number): string {
  return path.join(outDir, `inputs-${height}x${width}.arrow`);
}
