import { isMainThread } from 'node:worker_threads';
import { serveTasks } from '@hitcast/core/worker-pool';
import { decodeGrayPng } from './png.ts';
import { downsampleSpectrogram } from './resample/spectrogram.ts'; // not the index: it pulls in the pool

/** One file's work, off the main thread: PNG bytes in, the down-sampled uint8 spectrogram out. */
export interface SpectrogramTask {
  bytes: ArrayBuffer;
  width: number;
  height: number;
}

export interface SpectrogramResult {
  pixels: Uint8Array;
  sourceWidth: number;
  sourceHeight: number;
}

export function processSpectrogram(task: SpectrogramTask): SpectrogramResult {
  const image = decodeGrayPng(new Uint8Array(task.bytes));
  const pixels = downsampleSpectrogram(image.pixels, image.height, image.width, { width: task.width, height: task.height });
  return { pixels, sourceWidth: image.width, sourceHeight: image.height };
}

if (!isMainThread) void serveTasks(processSpectrogram, (result) => [result.pixels.buffer as ArrayBuffer]);
