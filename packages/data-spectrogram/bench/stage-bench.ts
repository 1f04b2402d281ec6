/**
 * Stage throughput at full size: the committed sample's spectrograms tiled to Kaggle widths (30–40K
 * columns; written by Pillow when /usr/bin/python3 has it, as the real files are), then the whole
 * data-spectrogram stage (decode, scipy-exact down-sampling to 256×1024, matching, songs.arrow) with 1 and
 * 2 workers, beside the same per-file work in Python (Pillow + scipy.signal.resample, float32) as one
 * process and as two processes on halves of the files, when scipy is installed. Songs per second; nothing
 * is reused between runs. The machine is shared, so every figure is the median of `--repeats` rounds, each
 * round running hitcast and Python back to back.
 *
 * It also checks the stage's per-file code (processSpectrogram) against scipy's own float64 pipeline on
 * the first `--exact` files: the pixels must be identical.
 *
 *     node --import tsx packages/data-spectrogram/bench/stage-bench.ts [--files 100] [--repeats 3] [--exact 5]
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { encode } from 'fast-png';
import { printTargets, type TargetLine } from '@hitcast/core/bench/targets';
import { convertTracksCsv } from '@hitcast/data-spotify';
import { decodeGrayPng } from '../src/png.ts';
import { buildMergedDataset } from '../src/spectrogram-stage.ts';
import { processSpectrogram } from '../src/spectrogram-worker.ts';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const limit = arg('files', 100);
const repeats = Math.max(1, arg('repeats', 3));
const exactFiles = arg('exact', 5);
const python = '/usr/bin/python3';
const has = (module: string) => spawnSync(python, ['-c', `import ${module}`]).status === 0;
const pillow = has('PIL') && has('numpy');
const scipy = pillow && has('scipy');
const GOAL_SONGS_PER_S = 25; // 3,000 songs in two minutes

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (x: number) => x.toFixed(1).padStart(6);

/** The Python loop over `files`, as a child process; resolves to its own timing (seconds). */
function pythonLoop(files: string[], dtype: 'float32' | 'float64', outDir?: string): Promise<number> {
  const script = `
import json, sys, time, warnings, numpy as np
from PIL import Image
from scipy.signal import resample
files, out = json.loads(sys.argv[1]), sys.argv[2]
t = time.perf_counter()
for k, f in enumerate(files):
    a = np.asarray(Image.open(f).convert('L'), dtype=np.${dtype === 'float32' ? 'float32' : 'uint8'})
    a = resample(resample(a, 1024, axis=1), 256, axis=0)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        a = ((a - a.min()) * 255 / (a.max() - a.min())).astype(np.uint8)
    if out: a.tofile(f'{out}/{k}.u8')
print(time.perf_counter() - t)`;
  return new Promise((resolve, reject) => {
    const child = spawn(python, ['-c', script, JSON.stringify(files), outDir ?? ''], { env: { ...process.env, OMP_NUM_THREADS: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => (code === 0 ? resolve(Number(stdout.trim())) : reject(new Error(`python: ${stderr}`))));
  });
}

const root = mkdtempSync(path.join(os.tmpdir(), 'hitcast-stage-bench-'));
const src = path.join(root, 'spectrograms');
try {
  await convertTracksCsv({ csv: 'datasets/spotify/tracks.csv', outDir: path.join(root, 'spotify'), showProgress: false });
  // The sample's files, tiled in time to a seeded Kaggle width.
  const sample = 'datasets/spectrograms';
  const files = readdirSync(sample, { recursive: true }).map(String).filter((f) => f.endsWith('.png')).sort().slice(0, limit);
  const written: string[] = [];
  let seed = 7;
  let bytes = 0;
  for (const [k, relative] of files.entries()) {
    const image = decodeGrayPng(readFileSync(path.join(sample, relative)));
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    const width = 30_000 + (seed % 10_000);
    const tiled = new Uint8Array(width * image.height);
    for (let r = 0; r < image.height; r++) for (let c = 0; c < width; c++) tiled[r * width + c] = image.pixels[r * image.width + (c % image.width)];
    const target = path.join(src, relative);
    mkdirSync(path.dirname(target), { recursive: true });
    if (pillow) {
      writeFileSync(path.join(root, `${k}.u8`), tiled);
      spawnSync(python, ['-c', `import numpy as np; from PIL import Image; Image.fromarray(np.fromfile('${root}/${k}.u8', dtype=np.uint8).reshape(${image.height}, ${width})).save(${JSON.stringify(target)})`]);
      rmSync(path.join(root, `${k}.u8`));
    } else {
      writeFileSync(target, encode({ width, height: image.height, data: tiled, depth: 8, channels: 1 }));
    }
    written.push(target);
    bytes += readFileSync(target).length;
  }
  console.log(`data-spectrogram stage on ${files.length} PNGs tiled to 30–40K columns (${(bytes / 2 ** 20).toFixed(0)} MiB, written by ${pillow ? 'Pillow' : 'fast-png'}),`);
  console.log(`${repeats} rounds on ${os.availableParallelism()} CPUs shared with other work (load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}); medians:`);

  // Exactness first: the stage's per-file code against scipy's float64 pipeline (uint8 input, as the original project).
  let exactNote = 'not checked (needs python3-scipy and Pillow)';
  if (scipy && exactFiles > 0) {
    const checked = written.slice(0, exactFiles);
    const outDir = path.join(root, 'scipy-f64');
    mkdirSync(outDir);
    await pythonLoop(checked, 'float64', outDir);
    let differ = 0;
    for (const [k, file] of checked.entries()) {
      const bytesK = readFileSync(file);
      const ours = processSpectrogram({ bytes: bytesK.buffer.slice(bytesK.byteOffset, bytesK.byteOffset + bytesK.byteLength) as ArrayBuffer, width: 1024, height: 256 }).pixels;
      const ref = readFileSync(path.join(outDir, `${k}.u8`));
      for (let i = 0; i < ref.length; i++) if (ref[i] !== ours[i]) differ++;
    }
    exactNote = `${differ} of ${checked.length * 256 * 1024} pixels differ from scipy float64 on the first ${checked.length} files`;
    console.log(`  exactness: ${exactNote}`);
  }

  const rates: Record<string, number[]> = { hitcast1: [], hitcast2: [], python1: [], python2: [] };
  for (let round = 0; round < repeats; round++) {
    for (const workers of [1, 2]) {
      const outDir = path.join(root, `out-${round}-${workers}`);
      const t0 = performance.now();
      const summary = await buildMergedDataset({ src, filePattern: '{year}/{artist}_-_{title}.png', width: 1024, height: 256, yearsBefore: 2, yearsAfter: 1, workers, tracksFile: path.join(root, 'spotify', 'tracks.arrow'), outDir, showProgress: false });
      rates[`hitcast${workers}`].push(summary.resampled / ((performance.now() - t0) / 1000));
      rmSync(outDir, { recursive: true, force: true });
    }
    if (scipy) {
      // Python on every file (it does not match songs, so it does somewhat more files than the stage resamples).
      rates.python1.push(written.length / (await pythonLoop(written, 'float32')));
      const halves = [written.filter((_, i) => i % 2 === 0), written.filter((_, i) => i % 2 === 1)];
      // Both loops run at once; each times itself as the one-process loop does, the slower one counts.
      const seconds = await Promise.all(halves.map((half) => pythonLoop(half, 'float32')));
      rates.python2.push(written.length / Math.max(...seconds));
    }
  }
  const m = Object.fromEntries(Object.entries(rates).map(([k, v]) => [k, v.length ? median(v) : undefined]));
  const runs = (k: string) => `[${rates[k].map((x) => x.toFixed(1)).join(', ')}]`;
  console.log(`  hitcast, 1 worker                  ${fmt(m.hitcast1!)} songs/s  ${runs('hitcast1')}`);
  console.log(`  hitcast, 2 workers                 ${fmt(m.hitcast2!)} songs/s  ${runs('hitcast2')}`);
  if (scipy) {
    console.log(`  Python (Pillow + scipy), 1 process ${fmt(m.python1!)} files/s  ${runs('python1')}`);
    console.log(`  Python (Pillow + scipy), 2 procs.  ${fmt(m.python2!)} files/s  ${runs('python2')}`);
  } else {
    console.log('  Python reference: needs python3-pil, python3-numpy and python3-scipy (apt-get install); not run');
  }

  const targets: TargetLine[] = [
    {
      work: 'data-spectrogram stage, full width, songs/s (2 workers)',
      hitcast: m.hitcast2!,
      referenceName: 'Python (Pillow+scipy) ×2 processes',
      reference: m.python2,
      goal: { min: 1.0 },
      note: `two Python processes on halves of the same files, float32, in the same run; ${exactNote}; medians of ${repeats}, shared CPUs`,
    },
    {
      work: 'data-spectrogram stage, full width, songs/s (1 worker)',
      hitcast: m.hitcast1!,
      referenceName: 'Python (Pillow+scipy) 1 process',
      reference: m.python1,
      goal: { min: 1.0 },
      note: 'per core',
    },
    {
      work: 'data-spectrogram stage, full width, songs/s (2 workers)',
      hitcast: m.hitcast2!,
      referenceName: `goal ${GOAL_SONGS_PER_S} songs/s`,
      reference: GOAL_SONGS_PER_S,
      goal: { min: 1.0 },
      note: '3,000 songs in two minutes on 2 cores',
    },
  ];
  printTargets(targets);
} finally {
  rmSync(root, { recursive: true, force: true });
}
