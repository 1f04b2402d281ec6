import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeGrayPng, encodeGrayPng, PngDecodeError } from '../src/png.ts';

const dir = path.join(import.meta.dirname, 'fixtures', 'png');
const expected: Record<string, { height: number; width: number; pixels: number[] }> = JSON.parse(
  readFileSync(path.join(dir, 'expected.json'), 'utf8'),
);

describe('decodeGrayPng', () => {
  it.each(Object.keys(expected))('%s gives the gray values Pillow gives', (name) => {
    const image = decodeGrayPng(readFileSync(path.join(dir, name)));
    expect([image.height, image.width]).toEqual([expected[name].height, expected[name].width]);
    expect(Array.from(image.pixels)).toEqual(expected[name].pixels);
  });

  it('keeps 16-bit values at 16 bits', () => {
    expect(decodeGrayPng(readFileSync(path.join(dir, 'gray16.png'))).pixels).toBeInstanceOf(Uint16Array);
  });

  it.each(['truncated.png', 'corrupted.png'])('refuses %s with a reason', (name) => {
    expect(() => decodeGrayPng(readFileSync(path.join(dir, name)))).toThrow(PngDecodeError);
    expect(() => decodeGrayPng(readFileSync(path.join(dir, name)))).toThrow(/not a readable PNG \(.+\)/);
  });

  it('round-trips what encodeGrayPng writes', () => {
    const pixels = Uint8Array.from({ length: 3 * 11 }, (_, i) => (i * 37) % 256);
    const decoded = decodeGrayPng(encodeGrayPng(pixels, 11, 3));
    expect(decoded).toEqual({ width: 11, height: 3, pixels });
  });
});
