import { convertIndexedToRgb, decode, encode } from 'fast-png';
import { decodeGray8Png } from './png-gray8.ts';

/**
 * A decoded spectrogram: one gray value per pixel, row-major, height rows (frequency) × width columns
 * (time). 16-bit files keep their 16-bit values: the down-sampler min-max normalises, so the scale
 * does not matter, and keeping it avoids rounding.
 */
export interface GrayImage {
  width: number;
  height: number;
  pixels: Uint8Array | Uint16Array;
}

export class PngDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PngDecodeError';
  }
}

/**
 * Decodes an 8- or 16-bit grayscale PNG (the Kaggle spectrograms are 8-bit gray). Colour PNGs (RGB,
 * RGBA, palette) are converted to luminance with the ITU-R 601-2 weights Pillow uses for mode "L"
 * (alpha ignored), so a colour rendering of a spectrogram still gives its intensity.
 * Throws PngDecodeError for a corrupt or truncated file (CRCs are checked).
 */
export function decodeGrayPng(bytes: Uint8Array): GrayImage {
  try {
    const gray8 = decodeGray8Png(bytes); // the Kaggle format, on native zlib
    if (gray8) return gray8;
  } catch (error) {
    throw new PngDecodeError(`not a readable PNG (${(error as Error).message})`);
  }
  let png;
  try {
    png = decode(bytes, { checkCrc: true });
  } catch (error) {
    throw new PngDecodeError(`not a readable PNG (${(error as Error).message})`);
  }
  const { width, height } = png;
  const pixelCount = width * height;
  if (png.palette) {
    const rgb = convertIndexedToRgb(png);
    return { width, height, pixels: luminance(rgb, png.palette[0]?.length === 4 ? 4 : 3, pixelCount) };
  }
  if (png.depth !== 8 && png.depth !== 16) {
    throw new PngDecodeError(`${png.depth}-bit PNGs are not supported (expected 8- or 16-bit)`);
  }
  if (png.data.length < pixelCount * png.channels) {
    throw new PngDecodeError(`image data is truncated (${png.data.length} values for ${width}×${height}×${png.channels})`);
  }
  switch (png.channels) {
    case 1:
      return { width, height, pixels: png.data as Uint8Array | Uint16Array };
    case 2: // gray + alpha
      return { width, height, pixels: everyNth(png.data as Uint8Array | Uint16Array, 2, pixelCount) };
    case 3:
    case 4:
      return { width, height, pixels: luminance(png.data as Uint8Array | Uint16Array, png.channels, pixelCount) };
    default:
      throw new PngDecodeError(`unsupported channel count ${png.channels}`);
  }
}

function everyNth(data: Uint8Array | Uint16Array, stride: number, count: number): Uint8Array | Uint16Array {
  const out = data instanceof Uint16Array ? new Uint16Array(count) : new Uint8Array(count);
  for (let i = 0; i < count; i++) out[i] = data[i * stride];
  return out;
}

/** Pillow's L = (R·299 + G·587 + B·114) / 1000, in its fixed-point form (rounded). */
function luminance(data: ArrayLike<number>, channels: number, count: number): Uint8Array | Uint16Array {
  const out = data instanceof Uint16Array ? new Uint16Array(count) : new Uint8Array(count);
  for (let i = 0, j = 0; i < count; i++, j += channels) {
    // Division, not >>> 16: 16-bit sums exceed 32 bits.
    out[i] = Math.floor((data[j] * 19595 + data[j + 1] * 38470 + data[j + 2] * 7471 + 0x8000) / 65536);
  }
  return out;
}

/** Encodes an 8-bit grayscale image (height × width, row-major) as PNG. */
export function encodeGrayPng(pixels: Uint8Array, width: number, height: number): Uint8Array {
  return encode({ width, height, data: pixels, depth: 8, channels: 1 });
}
