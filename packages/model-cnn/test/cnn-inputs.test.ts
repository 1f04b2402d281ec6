import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { readArtifact } from '@hitcast/core';
import { splitOf } from '@hitcast/core/training';
import { convertTracksCsv } from '@hitcast/data-spotify';
import { buildMergedDataset, downsampleSpectrogram, songsSpec } from '@hitcast/data-spectrogram';
import { cnnBatches, inputsFileName, prepareCnnInputs, readExamples } from '../src/cnn-inputs.ts';
import { ORIGINAL_AUGMENTATION } from '../src/augment.ts';

const repo = path.resolve(import.meta.dirname, '../../..');
let songsFile: string;
let inputsFile: string;
const [H, W] = [32, 128];

beforeAll(async () => {
  await tf.setBackend('cpu');
  const out = mkdtempSync(path.join(tmpdir(), 'hitcast-cnn-inputs-'));
  const { tracksFile } = await convertTracksCsv({ csv: path.join(repo, 'datasets/spotify/tracks.csv'), outDir: out, showProgress: false });
  const merged = await buildMergedDataset({
    src: path.join(repo, 'datasets/spectrograms'), tracksFile, outDir: out, filePattern: '{year}/{artist}_-_{title}.png',
    width: 1024, height: 256, yearsBefore: 2, yearsAfter: 1, workers: 2, showProgress: false,
  });
  songsFile = merged.songsFile;
  inputsFile = inputsFileName(out, H, W);
  await prepareCnnInputs(songsFile, inputsFile, H, W, false);
}, 120_000);

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe('CNN inputs', () => {
  it('holds every song, down-sampled with the scipy-exact resampler, with its hash split', async () => {
    const songs = (await readArtifact(songsFile, songsSpec(1024, 256))).toArray();
    const examples = await collect(readExamples(inputsFile, H, W, 'all'));
    expect(examples.map((e) => e.id)).toEqual(songs.map((s) => s.id));
    const first = songs[0];
    expect(examples[0].pixels).toEqual(downsampleSpectrogram(Uint8Array.from(first.spectrogram), 256, 1024, { width: W, height: H }));
    expect(examples.every((e) => e.split === splitOf(e.id))).toBe(true);
    expect(examples.every((e, i) => e.popularity === songs[i].popularity)).toBe(true);
  });

  it('streams one split in an order fixed by (seed, epoch), with augmentation only when asked', async () => {
    const ids = async (epoch: number, seed = 1) =>
      (await collect(cnnBatches(inputsFile, { height: H, width: W, split: 'train', batchSize: 8, seed, epoch }))).flatMap((b) => b.ids);
    const epoch1 = await ids(1);
    expect(epoch1).toEqual(await ids(1));
    expect(epoch1).not.toEqual(await ids(2));
    expect([...epoch1].sort()).toEqual([...(await ids(2))].sort());
    expect(epoch1.every((id) => splitOf(id) === 'train')).toBe(true);

    const pixelsOf = async (augment: boolean) => {
      const [batch] = await collect(cnnBatches(inputsFile, { height: H, width: W, split: 'validation', batchSize: 4, seed: 1, epoch: 3, augment: augment ? ORIGINAL_AUGMENTATION : undefined }));
      return Array.from((batch.inputs as tf.Tensor).dataSync());
    };
    expect(await pixelsOf(true)).toEqual(await pixelsOf(true));
    expect(await pixelsOf(true)).not.toEqual(await pixelsOf(false));
    const [plain] = await collect(cnnBatches(inputsFile, { height: H, width: W, split: 'validation', batchSize: 4, seed: 1 }));
    expect((plain.inputs as tf.Tensor).shape).toEqual([4, H, W, 1]);
    expect(Math.max(...Array.from(plain.target.dataSync()))).toBeLessThanOrEqual(1);
  });
});
