import { SeededRng } from '@hitcast/core/rng';

/**
 * Training-time augmentation of one spectrogram, as in the original study: Gaussian noise on the [0, 1]
 * pixels (clamped), then a few "cover" patches — rectangles set to 0, each drawn with its own
 * probability — then scaled to [-1, 1]. Deterministic in the RNG, so a seed fixes every epoch's images.
 * Validation and test images get `toModelInput` only (no augmentation).
 */
export interface AugmentParams {
  /** Standard deviation of the noise on the [0, 1] scale (0 = off). */
  noiseStd: number;
  /** How many patches may be drawn per image … */
  patchCount: number;
  /** … each with this probability … */
  patchProbability: number;
  /** … covering this share of the rows (frequency) … */
  patchHeightFraction: number;
  /** … and this share of the columns (time). */
  patchWidthFraction: number;
}

export const ORIGINAL_AUGMENTATION: AugmentParams = {
  noiseStd: 0.02,
  patchCount: 5,
  patchProbability: 0.3,
  patchHeightFraction: 0.5, // 128 of 256 rows
  patchWidthFraction: 1 / 32, // 32 of 1024 columns
};

export function augmentSpectrogram(pixels: Uint8Array, height: number, width: number, params: AugmentParams, rng: SeededRng): Float32Array {
  const out = new Float32Array(height * width);
  for (let i = 0; i < out.length; i++) {
    const value = pixels[i] / 255 + (params.noiseStd > 0 ? rng.normal(0, params.noiseStd) : 0);
    out[i] = (value < 0 ? 0 : value > 1 ? 1 : value) * 2 - 1; // computed in double, rounded once
  }
  const patchHeight = Math.max(1, Math.round(height * params.patchHeightFraction));
  const patchWidth = Math.max(1, Math.round(width * params.patchWidthFraction));
  for (let p = 0; p < params.patchCount; p++) {
    if (rng.next() >= params.patchProbability) continue;
    const top = rng.int(height - patchHeight + 1);
    const left = rng.int(width - patchWidth + 1);
    for (let r = top; r < top + patchHeight; r++) out.fill(-1, r * width + left, r * width + left + patchWidth); // pixel 0
  }
  return out;
}

/** Pixels 0–255 → model input in [-1, 1] (no augmentation). */
export function toModelInput(pixels: Uint8Array): Float32Array {
  const out = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) out[i] = (pixels[i] / 255) * 2 - 1;
  return out;
}
