import { describe, expect, it } from 'vitest';
import { SeededRng } from '@hitcast/core';
import { augmentSpectrogram, ORIGINAL_AUGMENTATION, toModelInput } from '../src/augment.ts';

const H = 32;
const W = 64;
const pixels = Uint8Array.from({ length: H * W }, (_, i) => (i * 7) % 256);

describe('augmentSpectrogram', () => {
  it('is the same under the same seed and differs under another', () => {
    const a = augmentSpectrogram(pixels, H, W, ORIGINAL_AUGMENTATION, new SeededRng('s|1'));
    const b = augmentSpectrogram(pixels, H, W, ORIGINAL_AUGMENTATION, new SeededRng('s|1'));
    const c = augmentSpectrogram(pixels, H, W, ORIGINAL_AUGMENTATION, new SeededRng('s|2'));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('adds noise of the given size, clamped to [-1, 1]', () => {
    const noisy = augmentSpectrogram(pixels, H, W, { ...ORIGINAL_AUGMENTATION, patchCount: 0 }, new SeededRng(3));
    const clean = toModelInput(pixels);
    const diffs = Array.from(noisy, (v, i) => (v - clean[i]) / 2); // back on the [0, 1] scale
    const interior = diffs.filter((_, i) => pixels[i] > 20 && pixels[i] < 235);
    const sd = Math.sqrt(interior.reduce((s, d) => s + d * d, 0) / interior.length);
    expect(sd).toBeGreaterThan(0.015);
    expect(sd).toBeLessThan(0.025);
    expect(Math.min(...noisy)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...noisy)).toBeLessThanOrEqual(1);
  });

  it('covers rectangles of the given size with 0 (−1 after scaling), each with its probability', () => {
    const params = { noiseStd: 0, patchCount: 3, patchProbability: 1, patchHeightFraction: 0.25, patchWidthFraction: 0.125 };
    const out = augmentSpectrogram(Uint8Array.from(pixels, () => 200), H, W, params, new SeededRng(5));
    const covered = out.filter((v) => v === -1).length;
    expect(covered).toBeGreaterThanOrEqual(8 * 8); // one 8×8 patch at least (patches may overlap)
    expect(covered).toBeLessThanOrEqual(3 * 8 * 8);
    const none = augmentSpectrogram(Uint8Array.from(pixels, () => 200), H, W, { ...params, patchProbability: 0 }, new SeededRng(5));
    expect(none.filter((v) => v === -1)).toHaveLength(0);
  });

  it('without noise and patches equals the plain model input', () => {
    const params = { noiseStd: 0, patchCount: 0, patchProbability: 0, patchHeightFraction: 0.5, patchWidthFraction: 0.1 };
    expect(augmentSpectrogram(pixels, H, W, params, new SeededRng(1))).toEqual(toModelInput(pixels));
    expect(toModelInput(Uint8Array.of(0, 255))).toEqual(Float32Array.of(-1, 1));
  });
});
