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
  checkDeclaredSize(bytes);
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

/** Channels per PNG colour type (gray, -, RGB, palette, gray+alpha, -, RGBA). */
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
/** Deflate expands at most about 1032 : 1, so compressed data of n bytes holds at most this many times n bytes of image. */
const MAX_DEFLATE_RATIO = 1032;

/**
 * Refuses a PNG whose IHDR declares an empty image, or more image data than its IDAT chunks could possibly
 * hold, before any decoder sizes a buffer from the header (a few flipped bits can declare 2^31 × 2^31 pixels).
 */
function checkDeclaredSize(bytes: Uint8Array): void {
  if (bytes.length < 33) return; // the decoders refuse it
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(12) !== 0x49484452) return; // no IHDR first: the decoders refuse it
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  if (width === 0 || height === 0) throw new PngDecodeError(`the PNG header declares an empty image (${width}×${height})`);
  const bitsPerPixel = bytes[24] * (CHANNELS[bytes[25]] ?? 4);
  let compressed = 0;
  for (let offset = 8; offset + 12 <= bytes.length; ) {
    const length = view.getUint32(offset);
    if (view.getUint32(offset + 4) === 0x49444154) compressed += Math.min(length, bytes.length - offset - 12); // IDAT
    offset += 12 + length;
  }
  const needed = Math.ceil((width * height * bitsPerPixel) / 8);
  if (needed > MAX_DEFLATE_RATIO * compressed + 1024) {
    throw new PngDecodeError(`the PNG header declares ${width}×${height} pixels (${needed.toLocaleString('en-US')} bytes of image), more than its ${compressed.toLocaleString('en-US')} bytes of compressed data can hold: the file is damaged or truncated`);
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
