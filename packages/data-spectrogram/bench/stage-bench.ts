/**
 * Stage throughput at full size: the committed sample's spectrograms tiled to Kaggle widths (30–40K
 * columns; written by Pillow when /usr/bin/python3 has it, as the real files are), then the whole
 * data-spectrogram stage (decode, scipy-exact down-sampling to 256×1024, matching, songs.arrow) with 1 and
 * 2 workers, beside one Python process doing the same per-file work (Pillow + scipy.signal.resample, float32)
 * on the same files when scipy is installed. Songs per second; nothing is reused between runs.
 *
 *     node --import tsx packages/data-spectrogram/bench/stage-bench.ts [--files 100]
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { encode } from 'fast-png';
import { convertTracksCsv } from '@hitcast/data-spotify';
import { decodeGrayPng } from '../src/png.ts';
import { buildMergedDataset } from '../src/spectrogram-stage.ts';

const filesArg = process.argv.indexOf('--files');
const limit = filesArg >= 0 ? Number(process.argv[filesArg + 1]) : 100;
const python = '/usr/bin/python3';
const has = (module: string) => spawnSync(python, ['-c', `import ${module}`]).status === 0;
const pillow = has('PIL') && has('numpy');
const scipy = pillow && has('scipy');

const root = mkdtempSync(path.join(os.tmpdir(), 'hitcast-stage-bench-'));
const src = path.join(root, 'spectrograms');
try {
  await convertTracksCsv({ csv: 'datasets/spotify/tracks.csv', outDir: path.join(root, 'spotify'), showProgress: false });
  // The sample's files, tiled in time to a seeded Kaggle width.
  const sample = 'datasets/spectrograms';
  const files = readdirSync(sample, { recursive: true }).map(String).filter((f) => f.endsWith('.png')).sort().slice(0, limit);
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
    bytes += readFileSync(target).length;
  }
  console.log(`data-spectrogram stage on ${files.length} PNGs tiled to 30–40K columns (${(bytes / 2 ** 20).toFixed(0)} MiB, written by ${pillow ? 'Pillow' : 'fast-png'}):`);

  const rates: Record<string, number> = {};
  for (const workers of [1, 2]) {
    const outDir = path.join(root, `out-${workers}`);
    const t0 = performance.now();
    const summary = await buildMergedDataset({ src, filePattern: '{year}/{artist}_-_{title}.png', width: 1024, height: 256, yearsBefore: 2, yearsAfter: 1, workers, tracksFile: path.join(root, 'spotify', 'tracks.arrow'), outDir, showProgress: false });
    const seconds = (performance.now() - t0) / 1000;
    rates[workers] = summary.resampled / seconds;
    console.log(`  hitcast, ${workers} worker${workers > 1 ? 's' : ' '}         ${rates[workers].toFixed(1).padStart(6)} songs/s  (${summary.resampled} resampled in ${seconds.toFixed(1)} s)`);
  }
  if (scipy) {
    const out = spawnSync(python, ['-c', `
import glob, time, numpy as np
from PIL import Image
from scipy.signal import resample
files = sorted(glob.glob(${JSON.stringify(src)} + '/**/*.png', recursive=True))
t = time.perf_counter()
for f in files:
    a = np.asarray(Image.open(f).convert('L'), dtype=np.float32)
    a = resample(resample(a, 1024, axis=1), 256, axis=0)
    a = ((a - a.min()) * 255 / (a.max() - a.min())).astype(np.uint8)
print(len(files) / (time.perf_counter() - t))`], { encoding: 'utf8', maxBuffer: 1 << 20 });
    const python1 = Number(out.stdout.trim());
    console.log(`  Python, 1 process (Pillow + scipy) ${python1.toFixed(1).padStart(6)} files/s`);
    console.log(`  per core: hitcast 1 worker / Python = ${(rates[1] / python1).toFixed(2)}; 2 workers / Python = ${(rates[2] / python1).toFixed(2)} (target: ahead of Python per core, ≥ 25 songs/s on 2 cores: ${rates[2] >= 25 ? 'met' : 'not met'})`);
  } else {
    console.log('  Python reference: needs python3-pil, python3-numpy and python3-scipy (apt-get install); not run');
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
