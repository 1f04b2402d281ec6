import { crc32, inflateSync } from 'node:zlib';
import { unfilterSimd } from './png-unfilter-simd.ts';

/**
 * The fast path for the Kaggle spectrograms' own format: 8-bit grayscale, not interlaced. Chunks are read
 * and CRC-checked here, the image data is inflated by Node's native zlib (twice as fast as inflating in
 * JavaScript on a 33K-wide file) and the rows are unfiltered in place. Any other PNG returns null, for the
 * general decoder. Corrupt input throws with what is wrong; the caller words the error.
 */
export function decodeGray8Png(bytes: Uint8Array): { width: number; height: number; pixels: Uint8Array } | null {
  if (bytes.length < 33 || !SIGNATURE.every((b, i) => bytes[i] === b)) throw new Error('not a PNG file (bad signature)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 8;
  let width = 0;
  let height = 0;
  const idat: Uint8Array[] = [];
  let ended = false;
  while (offset + 12 <= bytes.length) {
    const length = view.getUint32(offset);
    const typeStart = offset + 4;
    const dataStart = offset + 8;
    const end = dataStart + length;
    if (end + 4 > bytes.length) throw new Error('truncated chunk');
    const type = String.fromCharCode(bytes[typeStart], bytes[typeStart + 1], bytes[typeStart + 2], bytes[typeStart + 3]);
    if (crc32(bytes.subarray(typeStart, end)) !== view.getUint32(end)) throw new Error(`CRC mismatch in chunk ${type}`);
    if (type === 'IHDR') {
      width = view.getUint32(dataStart);
      height = view.getUint32(dataStart + 4);
      const [depth, colourType, , , interlace] = bytes.subarray(dataStart + 8, dataStart + 13);
      if (depth !== 8 || colourType !== 0 || interlace !== 0) return null; // not 8-bit gray, or interlaced
    } else if (type === 'IDAT') {
      idat.push(bytes.subarray(dataStart, end));
    } else if (type === 'IEND') {
      ended = true;
      break;
    }
    offset = end + 4;
  }
  if (width === 0 || height === 0) throw new Error('no IHDR chunk');
  if (!ended) throw new Error('truncated file (no IEND chunk)');
  const stride = width + 1; // one filter byte per row
  let raw: Buffer;
  try {
    // Never inflate more than the header's image holds: a small file whose data inflates to gigabytes
    // (a decompression bomb) stops here instead of filling memory.
    // One output chunk of the image's size: zlib's default 16 KiB chunks are copied together afterwards
    // (4.8 → 1.5 ms for a 256×35000 image).
    raw = inflateSync(idat.length === 1 ? idat[0] : Buffer.concat(idat), { maxOutputLength: stride * height, chunkSize: Math.max(64, stride * height) });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(code === 'ERR_BUFFER_TOO_LARGE' ? `image data inflates to more than its ${width}×${height} pixels` : `image data cannot be inflated (${(error as Error).message})`);
  }
  if (raw.length < stride * height) throw new Error(`image data is truncated (${raw.length} bytes for ${width}×${height})`);
  const pixels = new Uint8Array(width * height);
  // Eight rows at a time on WebAssembly SIMD where the runtime has it (same bytes), else row by row here.
  if (!unfilterSimd(raw, pixels, width, height)) unfilter(raw, pixels, width, height);
  return { width, height, pixels };
}

const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

/**
 * Undoes the five PNG row filters (1 byte per pixel), writing rows into `out`. Pillow writes the
 * spectrograms mostly with Paeth rows, so this loop is a large share of decoding: each filter's loop keeps
 * its left neighbour (and Paeth its upper-left one) in locals and handles the first pixel and the first
 * row apart, so the per-pixel work has no bounds tests. Paeth's three distances use the identities
 * |p − a| = |b − c|, |p − b| = |a − c|, |p − c| = |a + b − 2c| (p = a + b − c).
 */
export function unfilter(raw: Uint8Array, out: Uint8Array, width: number, height: number): void {
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (width + 1)];
    const src = y * (width + 1) + 1;
    const row = y * width;
    if (y === 0 && filter >= 2) {
      // No row above: Up is None, Average halves the left neighbour, Paeth is Sub.
      if (filter === 2) out.set(raw.subarray(src, src + width), row);
      else if (filter === 3) averageFirstRow(raw, src, out, row, width);
      else if (filter === 4) subRow(raw, src, out, row, width);
      else throw new Error(`unknown row filter ${filter} in row ${y}`);
      continue;
    }
    switch (filter) {
      case 0:
        out.set(raw.subarray(src, src + width), row);
        break;
      case 1:
        subRow(raw, src, out, row, width);
        break;
      case 2:
        upRow(raw, src, out, row, width);
        break;
      case 3:
        averageRow(raw, src, out, row, width);
        break;
      case 4:
        // Two Paeth rows in a row are undone together (see paethRowPair).
        if (y + 1 < height && raw[(y + 1) * (width + 1)] === 4) {
          paethRowPair(raw, src, out, row, width);
          y++;
        } else paethRow(raw, src, out, row, width);
        break;
      default:
        throw new Error(`unknown row filter ${filter} in row ${y}`);
    }
  }
}

function subRow(raw: Uint8Array, src: number, out: Uint8Array, row: number, width: number): void {
  let left = raw[src];
  out[row] = left;
  for (let x = 1; x < width; x++) {
    left = (raw[src + x] + left) & 0xff;
    out[row + x] = left;
  }
}

function upRow(raw: Uint8Array, src: number, out: Uint8Array, row: number, width: number): void {
  const up = row - width;
  for (let x = 0; x < width; x++) out[row + x] = (raw[src + x] + out[up + x]) & 0xff;
}

function averageFirstRow(raw: Uint8Array, src: number, out: Uint8Array, row: number, width: number): void {
  let left = raw[src];
  out[row] = left;
  for (let x = 1; x < width; x++) {
    left = (raw[src + x] + (left >> 1)) & 0xff;
    out[row + x] = left;
  }
}

function averageRow(raw: Uint8Array, src: number, out: Uint8Array, row: number, width: number): void {
  const up = row - width;
  let left = (raw[src] + (out[up] >> 1)) & 0xff;
  out[row] = left;
  for (let x = 1; x < width; x++) {
    left = (raw[src + x] + ((left + out[up + x]) >> 1)) & 0xff;
    out[row + x] = left;
  }
}

/**
 * Two consecutive Paeth rows at once. Each pixel waits for its left neighbour, so one row is a chain of
 * dependent steps and the processor idles between them; the second row's pixel x needs only the first
 * row's pixel x (just computed, still in a register) and its own left neighbour, so interleaving the two
 * rows runs two independent chains side by side — about twice as many pixels per step.
 */
function paethRowPair(raw: Uint8Array, src: number, out: Uint8Array, row: number, width: number): void {
  const up = row - width;
  const src1 = src + width + 1;
  const row1 = row + width;
  let c0 = out[up];
  let a0 = (raw[src] + c0) & 0xff;
  out[row] = a0;
  let c1 = a0; // the second row's upper-left is the first row's pixel
  let a1 = (raw[src1] + a0) & 0xff;
  out[row1] = a1;
  for (let x = 1; x < width; x++) {
    const b0 = out[up + x];
    const pa0 = Math.abs(b0 - c0);
    const pb0 = Math.abs(a0 - c0);
    const pc0 = Math.abs(a0 + b0 - 2 * c0);
    a0 = (raw[src + x] + (pa0 <= pb0 && pa0 <= pc0 ? a0 : pb0 <= pc0 ? b0 : c0)) & 0xff;
    out[row + x] = a0;
    c0 = b0;
    const b1 = a0;
    const pa1 = Math.abs(b1 - c1);
    const pb1 = Math.abs(a1 - c1);
    const pc1 = Math.abs(a1 + b1 - 2 * c1);
    a1 = (raw[src1 + x] + (pa1 <= pb1 && pa1 <= pc1 ? a1 : pb1 <= pc1 ? b1 : c1)) & 0xff;
    out[row1 + x] = a1;
    c1 = b1;
  }
}

function paethRow(raw: Uint8Array, src: number, out: Uint8Array, row: number, width: number): void {
  const up = row - width;
  let c = out[up]; // upper-left of the next pixel
  let a = (raw[src] + c) & 0xff; // x = 0: a = c = 0, so the predictor is b
  out[row] = a;
  for (let x = 1; x < width; x++) {
    const b = out[up + x];
    const pa = Math.abs(b - c);
    const pb = Math.abs(a - c);
    const pc = Math.abs(a + b - 2 * c);
    const predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    a = (raw[src + x] + predictor) & 0xff;
    out[row + x] = a;
    c = b;
  }
}
