import { readFileSync } from 'node:fs';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeGrayPng, PngDecodeError } from '../src/png.ts';

const fixture = (name: string) => new Uint8Array(readFileSync(path.join(import.meta.dirname, 'fixtures', 'png', name)));

/** The file with its IHDR width and height replaced (and its CRC fixed, so only the size is wrong). */
function declaring(bytes: Uint8Array, width: number, height: number): Uint8Array {
  const out = bytes.slice();
  const view = new DataView(out.buffer);
  view.setUint32(16, width);
  view.setUint32(20, height);
  view.setUint32(29, crc32(out.subarray(12, 29)) >>> 0);
  return out;
}

describe('PNG headers that declare more than the file holds', () => {
  for (const name of ['palette.png', 'rgb.png', 'gray16.png', 'gray8.png']) {
    it(`refuses a PNG whose IHDR declares 2^31 columns before allocating (${name})`, () => {
      const bytes = declaring(fixture(name), 2 ** 31, 2 ** 31 - 1);
      expect(() => decodeGrayPng(bytes)).toThrow(PngDecodeError);
      expect(() => decodeGrayPng(bytes)).toThrow(/declares 2147483648×2147483647 pixels .* more than its .* bytes of compressed data can hold/);
    });
  }

  it('refuses a PNG whose IHDR declares an empty image', () => {
    expect(() => decodeGrayPng(declaring(fixture('gray_alpha.png'), 2 ** 32 - 1, 0))).toThrow(/declares an empty image \(4294967295×0\)/);
  });

  it('still decodes the fixtures themselves', () => {
    for (const name of ['palette.png', 'rgb.png', 'gray16.png', 'gray8.png', 'gray_alpha.png', 'rgba.png']) expect(decodeGrayPng(fixture(name)).width).toBeGreaterThan(0);
  });
});
