import { crc32, deflateSync } from 'node:zlib';
import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { SeededRng } from '@hitcast/core';
import { decodeGray8Png } from '../src/png-gray8.ts';

/** The forward PNG filter of one row (1 byte per pixel), as an encoder applies it. */
function filterRow(filter: number, row: Uint8Array, above: Uint8Array | undefined): Uint8Array {
  const out = new Uint8Array(row.length);
  for (let x = 0; x < row.length; x++) {
    const a = x > 0 ? row[x - 1] : 0;
    const b = above ? above[x] : 0;
    const c = x > 0 && above ? above[x - 1] : 0;
    const p = a + b - c;
    const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
    const predictor = [0, a, b, (a + b) >> 1, paeth][filter];
    out[x] = (row[x] - predictor) & 0xff;
  }
  return out;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** An 8-bit gray PNG whose row y uses filter filters[y % filters.length], its data split over several IDAT chunks. */
function grayPng(pixels: Uint8Array, width: number, height: number, filters: number[]): Buffer {
  const raw = new Uint8Array((width + 1) * height);
  for (let y = 0; y < height; y++) {
    const filter = filters[y % filters.length];
    raw[y * (width + 1)] = filter;
    raw.set(filterRow(filter, pixels.subarray(y * width, (y + 1) * width), y > 0 ? pixels.subarray((y - 1) * width, y * width) : undefined), y * (width + 1) + 1);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 0, 0, 0, 0], 8);
  const z = deflateSync(raw);
  const third = Math.ceil(z.length / 3);
  const idat = [0, 1, 2].map((k) => chunk('IDAT', z.subarray(k * third, (k + 1) * third)));
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), ...idat, chunk('IEND', new Uint8Array(0))]);
}

describe('the native 8-bit gray PNG decoder', () => {
  const rng = new SeededRng('png-gray8');
  const [width, height] = [317, 41];
  const pixels = Uint8Array.from({ length: width * height }, () => rng.int(256));

  it('undoes every row filter (none, Sub, Up, Average, Paeth) exactly, as fast-png does', () => {
    for (const filters of [[0], [1], [2], [3], [4], [4, 3, 2, 1, 0]]) {
      const png = grayPng(pixels, width, height, filters);
      const image = decodeGray8Png(png)!;
      expect([image.width, image.height]).toEqual([width, height]);
      expect(Buffer.from(image.pixels).equals(Buffer.from(pixels)), `filters ${filters}`).toBe(true);
      expect(Buffer.from(image.pixels).equals(Buffer.from(decode(png).data as Uint8Array))).toBe(true);
    }
  });

  it('undoes every filter on one- and two-pixel-wide images (first pixel and first row handled apart)', () => {
    for (const w of [1, 2]) {
      const small = Uint8Array.from({ length: w * 6 }, () => rng.int(256));
      for (const filters of [[1], [2], [3], [4], [4, 3, 2, 1, 0]]) {
        const image = decodeGray8Png(grayPng(small, w, 6, filters))!;
        expect(Buffer.from(image.pixels).equals(Buffer.from(small)), `width ${w}, filters ${filters}`).toBe(true);
      }
    }
  });

  it('leaves other formats to the general decoder and refuses damaged files', () => {
    const png = grayPng(pixels, width, height, [4]);
    const rgb = Buffer.from(png);
    rgb[8 + 8 + 9] = 2; // colour type 2 (RGB) in IHDR …
    rgb.writeUInt32BE(crc32(rgb.subarray(12, 12 + 17)), 8 + 8 + 13); // … with a valid CRC
    expect(decodeGray8Png(rgb)).toBeNull();
    const flipped = Buffer.from(png);
    flipped[60] ^= 1;
    expect(() => decodeGray8Png(flipped)).toThrow(/CRC mismatch/);
    expect(() => decodeGray8Png(png.subarray(0, png.length - 20))).toThrow(/truncated/);
  });
});

describe('decodeGray8 on a decompression bomb', () => {
  it('stops inflating at the size the header declares', () => {
    const chunk = (type: string, data: Uint8Array) => {
      const out = Buffer.alloc(12 + data.length);
      out.writeUInt32BE(data.length, 0);
      out.write(type, 4, 'latin1');
      Buffer.from(data).copy(out, 8);
      out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
      return out;
    };
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(4, 0); // 4×4 pixels declared …
    ihdr.writeUInt32BE(4, 4);
    ihdr[8] = 8; // 8-bit gray
    const bomb = deflateSync(Buffer.alloc(64 * 2 ** 20)); // … 64 MiB of zeros inflate from ~64 KiB
    const file = Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', bomb), chunk('IEND', new Uint8Array(0))]);
    expect(() => decodeGray8Png(new Uint8Array(file))).toThrow(/inflates to more than its 4×4 pixels/);
  });
});
