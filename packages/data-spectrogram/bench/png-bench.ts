/**
 * PNG decoding benchmark on a full-width spectrogram (256 × 33,124, 8-bit gray, as Pillow writes it when
 * /usr/bin/python3 has Pillow, else as fast-png writes it): the JavaScript decoder (fast-png) against the
 * native-zlib path hitcast uses for this format, and Pillow on the same file in the same run.
 * Medians of 9 runs after a warm-up; the two decoders' pixels are compared.
 *
 *     node --import tsx packages/data-spectrogram/bench/png-bench.ts
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decode, encode } from 'fast-png';
import { inflateSync } from 'node:zlib';
import { decodeGray8Png, unfilter } from '../src/png-gray8.ts';
import { unfilterSimd } from '../src/png-unfilter-simd.ts';

const [width, height, runs] = [33_124, 256, 9];
const pixels = new Uint8Array(width * height);
let s = 12345;
for (let i = 0; i < height; i++) {
  for (let j = 0; j < width; j++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    pixels[i * width + j] = Math.max(0, Math.min(255, Math.round(90 + 60 * Math.exp(-(((i - 80) / 20) ** 2)) + 30 * Math.sin(j / 400 + i / 30) + (s >>> 27))));
  }
}
const dir = mkdtempSync(path.join(os.tmpdir(), 'hitcast-png-bench-'));
const file = path.join(dir, 'song.png');
const python = '/usr/bin/python3';
const pillow = spawnSync(python, ['-c', 'import PIL'], { encoding: 'utf8' }).status === 0;
if (pillow) {
  writeFileSync(path.join(dir, 'raw.u8'), pixels);
  spawnSync(python, ['-c', `import numpy as np; from PIL import Image; Image.fromarray(np.fromfile('${dir}/raw.u8', dtype=np.uint8).reshape(${height}, ${width})).save('${file}')`]);
} else {
  writeFileSync(file, encode({ width, height, data: pixels, depth: 8, channels: 1 }));
}
const bytes = readFileSync(file);

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
function time(run: () => unknown): number {
  run();
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    run();
    times.push(performance.now() - t0);
  }
  return median(times);
}
const js = time(() => decode(bytes));
const native = time(() => decodeGray8Png(bytes));
const same = Buffer.from(decodeGray8Png(bytes)!.pixels).equals(Buffer.from(decode(bytes).data as Uint8Array)) && Buffer.from(decodeGray8Png(bytes)!.pixels).equals(Buffer.from(pixels));
let pil = NaN;
if (pillow) {
  const out = spawnSync(python, ['-c', `
import time, statistics
from PIL import Image
def once():
    im = Image.open('${file}'); im.load(); return im
once(); ts = []
for _ in range(${runs}):
    t = time.perf_counter(); once(); ts.append(time.perf_counter() - t)
print(statistics.median(ts) * 1000)`], { encoding: 'utf8' });
  pil = Number(out.stdout.trim());
}
rmSync(dir, { recursive: true, force: true });
console.log(`PNG decode, ${width}×${height} 8-bit gray (${(bytes.length / 2 ** 20).toFixed(1)} MiB, written by ${pillow ? 'Pillow' : 'fast-png'}), medians of ${runs}:`);
console.log(`  fast-png (JavaScript inflate)   ${js.toFixed(1)} ms`);
console.log(`  hitcast native-zlib path        ${native.toFixed(1)} ms   (${(js / native).toFixed(2)}× faster; pixels identical: ${same ? 'yes' : 'NO'})`);
if (pillow) console.log(`  Pillow (Image.open + load)      ${pil.toFixed(1)} ms   → hitcast / Pillow = ${(native / pil).toFixed(2)}`);
else console.log('  Pillow: not installed (apt-get install python3-pil) — no reference figure');

// The row unfilter alone (the step png-unfilter-simd.ts took over), on this file's inflated rows.
const idat: Uint8Array[] = [];
for (let at = 8; at + 12 <= bytes.length; ) {
  const length = bytes.readUInt32BE(at);
  if (bytes.toString('latin1', at + 4, at + 8) === 'IDAT') idat.push(bytes.subarray(at + 8, at + 8 + length));
  at += 12 + length;
}
const raw = inflateSync(Buffer.concat(idat));
const [outJs, outSimd] = [new Uint8Array(width * height), new Uint8Array(width * height)];
const unfilterJs = time(() => unfilter(raw, outJs, width, height));
const unfilterWasm = time(() => unfilterSimd(raw, outSimd, width, height));
console.log(`  of which the row unfilter: JavaScript ${unfilterJs.toFixed(1)} ms, WebAssembly SIMD ${unfilterWasm.toFixed(1)} ms (same bytes: ${Buffer.from(outJs).equals(Buffer.from(outSimd)) ? 'yes' : 'NO'})`);
