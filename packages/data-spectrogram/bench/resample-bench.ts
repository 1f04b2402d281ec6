/**
 * Spectrogram down-sampling benchmark: a seeded 256×W uint8 image → 256×1024 for each width W (default
 * 35000 = 2³·5⁴·7, smooth, and 34567 = 13·2659 and 38011, prime, which take the chirp-z), single-threaded
 * and on the worker pool, and — when /usr/bin/python3 has scipy — scipy's own pipeline on the same image in
 * the same run, with the uint8 outputs compared pixel by pixel.
 *
 *     node --import tsx packages/data-spectrogram/bench/resample-bench.ts [--widths 35000,34567,38011]
 *          [--height 256] [--runs 7] [--threads N] [--python /usr/bin/python3]
 *
 * Medians of `runs` timed runs after one warm-up each (the pool's start-up is reported separately); the
 * machine is shared, so only the ratios of figures from the same run mean much.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { printTargets, type TargetLine } from '@hitcast/core/bench/targets';
import { downsampleSpectrogram, ResamplePool } from '../src/resample/index.ts';
import { WasmRadix4FFT } from '../src/resample/wasm-radix4.ts';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const widths = arg('widths', arg('width', '35000,34567,38011')).split(',').map(Number);
const height = Number(arg('height', '256'));
const runs = Math.max(5, Number(arg('runs', '7')));
const threads = Number(arg('threads', String(os.availableParallelism())));
const python = arg('python', '/usr/bin/python3');

/** A spectrogram-like uint8 image: smooth bands and onsets plus LCG noise (deterministic). */
function makeImage(h: number, w: number, seed = 12345): Uint8Array {
  const img = new Uint8Array(h * w);
  let s = seed >>> 0;
  for (let i = 0; i < h; i++) {
    const band = 60 * Math.exp(-(((i - h * 0.3) / (h * 0.08)) ** 2)) + 40 * Math.exp(-(((i - h * 0.7) / (h * 0.15)) ** 2));
    for (let j = 0; j < w; j++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      const beat = (j % 97) < 6 ? 50 : 0;
      const v = band + beat + 30 * Math.sin(j / 400 + i / 30) + (s >>> 26) * 2;
      img[i * w + j] = Math.max(0, Math.min(255, Math.round(v + 40)));
    }
  }
  return img;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const fmt = (x: number): string => x.toFixed(1);

/** One width: timings, pixel comparison, and its target line (single thread vs scipy, same image, same run). */
async function benchWidth(width: number): Promise<TargetLine> {
  const line: TargetLine = {
    work: `resample ${height}×${width} → 256×1024, ms (1 thread)`,
    hitcast: NaN,
    referenceName: 'scipy float64 1 thread',
    reference: undefined,
    goal: { max: 1.0 },
  };
  console.log(`\nresample bench: ${height}×${width} uint8 → 256×1024, ${runs} runs, pool of ${threads} worker(s), ${os.availableParallelism()} CPUs, load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  const img = makeImage(height, width);

  // single thread
  let ours = downsampleSpectrogram(img, height, width); // warm-up (plans, JIT)
  const single: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t = performance.now();
    ours = downsampleSpectrogram(img, height, width);
    single.push(performance.now() - t);
  }

  // pool
  const t0 = performance.now();
  const pool = new ResamplePool({ threads });
  const pooled: number[] = [];
  let poolOut: Uint8Array;
  try {
    await pool.ready();
    const startup = performance.now() - t0;
    poolOut = await pool.downsampleSpectrogram(img, height, width); // warm-up
    for (let r = 0; r < runs; r++) {
      const t = performance.now();
      poolOut = await pool.downsampleSpectrogram(img, height, width);
      pooled.push(performance.now() - t);
    }
    console.log(`pool start-up: ${fmt(startup)} ms (once per pool)`);
  } finally {
    await pool.close();
  }
  let poolDiff = 0;
  for (let i = 0; i < ours.length; i++) if (ours[i] !== poolOut![i]) poolDiff++;

  const mSingle = median(single);
  line.hitcast = mSingle;
  const mPool = median(pooled);
  console.log(`single-thread: median ${fmt(mSingle)} ms  [${single.map(fmt).join(', ')}]`);
  console.log(`pool (${threads}):     median ${fmt(mPool)} ms  [${pooled.map(fmt).join(', ')}]`);
  console.log(`pool vs single-thread: ${poolDiff} differing pixels (expect 0)`);

  // scipy, same image, same run
  const probe = spawnSync(python, ['-c', 'import numpy, scipy.signal; print(scipy.__version__, numpy.__version__)'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    console.log(`scipy: not available at ${python}, ratio skipped`);
    line.note = 'needs python3-scipy';
    return line;
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'resample-bench-'));
  try {
    const inPath = path.join(dir, 'img.u8');
    const outPath = path.join(dir, 'out.u8');
    writeFileSync(inPath, img);
    const script = `
import sys, json, time, warnings
import numpy as np
from scipy.signal import resample
h, w, runs = ${height}, ${width}, ${runs}
img = np.fromfile(${JSON.stringify(inPath)}, dtype=np.uint8).reshape(h, w)
def pipeline(img):
    a = resample(img, 1024, axis=1)
    a = resample(a, 256, axis=0)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        return ((a - a.min()) * 255 / (a.max() - a.min())).astype(np.uint8)
out = pipeline(img)
ts = []
for _ in range(runs):
    t = time.perf_counter(); out = pipeline(img); ts.append((time.perf_counter() - t) * 1000)
out.tofile(${JSON.stringify(outPath)})
print(json.dumps({'times': ts}))
`;
    const res = spawnSync(python, ['-c', script], { encoding: 'utf8', maxBuffer: 1 << 24, env: { ...process.env, OMP_NUM_THREADS: '1' } });
    if (res.status !== 0) {
      console.log(`scipy run failed: ${res.stderr}`);
      line.note = 'scipy run failed';
      return line;
    }
    const times: number[] = JSON.parse(res.stdout.trim().split('\n').pop()!).times;
    const mScipy = median(times);
    const ref = new Uint8Array(readFileSync(outPath));
    let diff = 0;
    let maxDiff = 0;
    for (let i = 0; i < ref.length; i++) {
      const d = Math.abs(ref[i] - ours[i]);
      if (d) diff++;
      if (d > maxDiff) maxDiff = d;
    }
    console.log(`scipy ${probe.stdout.trim()}: median ${fmt(mScipy)} ms  [${times.map(fmt).join(', ')}]`);
    console.log(`vs scipy: ${diff} of ${ref.length} pixels differ (max |diff| ${maxDiff})`);
    console.log(`ratio single-thread / scipy: ${(mSingle / mScipy).toFixed(2)}`);
    console.log(`ratio pool / scipy:          ${(mPool / mScipy).toFixed(2)}`);
    line.reference = mScipy;
    line.note = `${diff} of ${ref.length} pixels differ; pool of ${threads}: ${fmt(mPool)} ms`;
    return line;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const lines: TargetLine[] = [];
for (const width of widths) lines.push(await benchWidth(width));
// The chirp-z's FFT kernel alone, as the row pass runs it (4096 points, four lanes), in both layouts.
if (WasmRadix4FFT.supports(4096)) {
  const perButterfly = (layout: 'interleaved' | 'pairs') => {
    const fft = new WasmRadix4FFT(4096, 4, [2 * 4096 * 4, 2 * 4096 * 4], layout);
    const [a, b] = fft.buffers;
    for (let i = 0; i < a.length; i++) a[i] = Math.sin(i);
    const times: number[] = [];
    for (let round = 0; round < 9; round++) {
      const t0 = performance.now();
      for (let k = 0; k < 100; k++) fft.transform(a, b);
      times.push((performance.now() - t0) / 100);
    }
    return (times.sort((x, y) => x - y)[4] * 1e6) / (1024 * 6 * 4); // ms → ns, per radix-4 butterfly of one lane
  };
  const [interleaved, pairs] = [perButterfly('interleaved'), perButterfly('pairs')];
  console.log(`FFT kernel, 4096 points × 4 lanes: interleaved ${interleaved.toFixed(2)} ns, pairs ${pairs.toFixed(2)} ns per radix-4 butterfly (the row pass uses pairs)`);
}
printTargets(lines);
