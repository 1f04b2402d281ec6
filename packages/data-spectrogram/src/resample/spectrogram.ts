/**
 * The original project's spectrogram down-sampling, single-threaded:
 *
 *     img = np.asarray(pil_image)                      # uint8, height × width
 *     img = scipy.signal.resample(img, 1024, axis=1)   # float64
 *     img = scipy.signal.resample(img, 256, axis=0)
 *     img = ((img - img.min()) * 255 / (img.max() - img.min())).astype(np.uint8)
 *
 * uint8 input makes scipy compute in float64; uint16 and float32 input are promoted to float64 here too
 * (scipy itself would run a float32 image through single-precision FFTs — we deliberately follow the
 * float64 path of the original uint8 code for every input type).
 */
import { resampleColumns, resampleRows, type RealArray } from './resample.ts';

export type PixelArray = Uint8Array | Uint16Array | Float32Array | Float64Array;

export interface SpectrogramSize {
  width: number;
  height: number;
}

export const DEFAULT_SPECTROGRAM_SIZE: Readonly<SpectrogramSize> = Object.freeze({ width: 1024, height: 256 });

/**
 * A resampled image whose range is at most this fraction of its magnitude is treated as constant. FFT
 * round-off is ~1e-15 relative, a real image's range is far above 1e-9 (even float32 steps are ~6e-8).
 */
export const CONSTANT_RELATIVE_RANGE = 1e-9;

/**
 * `((v - min) * 255 / (max - min)).astype(np.uint8)`, evaluated in that order in float64 and truncated
 * toward zero like numpy's cast.
 *
 * Constant images: numpy divides 0 by 0 (NaN, cast to 0 on x86 with a RuntimeWarning) when the
 * resampled image is exactly constant, and when it is constant only up to FFT round-off (a constant
 * image of most widths, or one whose only variation lies above the new Nyquist frequency) it stretches
 * that ~1e-14 noise to 0..255. Neither carries information, so here any image whose range is at most
 * CONSTANT_RELATIVE_RANGE × max(|min|, |max|) (including an exactly constant one) maps to all zeros.
 */
export function toUint8(values: Float64Array): Uint8Array {
  const n = values.length;
  const out = new Uint8Array(n);
  if (n === 0) return out;
  let min = values[0];
  let max = values[0];
  for (let i = 1; i < n; i++) {
    const v = values[i];
    if (v < min) min = v;
    else if (v > max) max = v;
  }
  const range = max - min;
  if (!(range > CONSTANT_RELATIVE_RANGE * Math.max(Math.abs(min), Math.abs(max)))) return out;
  for (let i = 0; i < n; i++) {
    // 0 ≤ v ≤ 255·(1 + 2⁻⁵²): the truncating cast is `| 0`
    out[i] = ((values[i] - min) * 255) / range;
  }
  return out;
}

export function checkSpectrogramArgs(pixels: ArrayLike<number>, height: number, width: number, size: SpectrogramSize): void {
  for (const [name, v] of [
    ['height', height],
    ['width', width],
    ['size.height', size.height],
    ['size.width', size.width],
  ] as const) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`downsampleSpectrogram: ${name} must be a positive integer, got ${v}`);
  }
  if (pixels.length !== height * width)
    throw new RangeError(`downsampleSpectrogram: ${pixels.length} pixels for ${height}×${width} = ${height * width}`);
}

/**
 * scipy `resample(img, size.width, axis=1)`, then `resample(·, size.height, axis=0)`, then the min-max
 * stretch to uint8 (see toUint8). `pixels` is row-major, height × width. Returns size.height × size.width.
 */
export function downsampleSpectrogram(
  pixels: PixelArray,
  height: number,
  width: number,
  size: SpectrogramSize = DEFAULT_SPECTROGRAM_SIZE,
): Uint8Array {
  checkSpectrogramArgs(pixels, height, width, size);
  const a = resampleRows(pixels as RealArray, height, width, size.width);
  const b = resampleColumns(a, height, size.width, size.height);
  return toUint8(b);
}
