/**
 * Prediction speed, as a user meets it: the whole `npx hitcast …` command, start-up included, timed
 * from outside (wall clock), medians of several runs.
 *
 *     node --import tsx packages/predict/bench/predict-bench.ts [--runs 5] [--rows 200] [--large 1000] [--width 35000]
 *
 * Inputs, made in a temporary folder from the committed sample (datasets/spectrograms): one spectrogram
 * down-sampled to 1024×256, the same one tiled to a raw Kaggle-size width (35,000 columns ≈ 3 minutes at
 * 200 px/s), and CSVs of `rows` and `large` songs, every sample spectrogram down-sampled to 1024×256,
 * cycled (the large one shows the rate once the workers' start-up is paid).
 * Targets: one song < 1.5 s (down-sampled PNG) and < 2.5 s (35K-wide PNG); --csv ≥ 50 songs/s on 2 cores.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decodeGrayPng, encodeGrayPng } from '@hitcast/data-spectrogram/png';
import { downsampleSpectrogram } from '@hitcast/data-spectrogram/downsample';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const runs = arg('runs', 5);
const rows = arg('rows', 200);
const large = arg('large', 1000);
const wideWidth = arg('width', 35000);

const repo = path.resolve(import.meta.dirname, '../../..');
const samples = path.join(repo, 'datasets', 'spectrograms');
const models = path.join(repo, 'trained_models');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function timed(command: string, args: string[]): { seconds: number; stderr: string } {
  const started = performance.now();
  const result = spawnSync(command, args, { cwd: repo, encoding: 'utf8', maxBuffer: 1 << 26 });
  const seconds = (performance.now() - started) / 1000;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}):\n${result.stderr}`);
  return { seconds, stderr: result.stderr };
}

/** Median wall seconds of `runs` runs after one warm-up (tsx's transform cache, the OS file cache). */
function wall(command: string, args: string[]): { median: number; all: number[]; stderr: string } {
  timed(command, args);
  const results = Array.from({ length: runs }, () => timed(command, args));
  const all = results.map((r) => r.seconds);
  return { median: median(all), all, stderr: results.at(-1)!.stderr };
}

const fmt = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(', ');

function main(): void {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hitcast-predict-bench-'));
  try {
    // Inputs.
    const files = readdirSync(samples)
      .filter((year) => /^\d{4}$/.test(year))
      .flatMap((year) => readdirSync(path.join(samples, year)).map((name) => path.join(year, name)))
      .sort();
    const songs = files.map((file, i) => {
      const image = decodeGrayPng(readFileSync(path.join(samples, file)));
      const name = `song${i}.png`;
      writeFileSync(path.join(dir, name), encodeGrayPng(downsampleSpectrogram(image.pixels, image.height, image.width), 1024, 256));
      const [artist, title] = path.basename(file, '.png').split('_-_').map((part) => part.replace(/_/g, ' '));
      return { name, artist, title, year: path.dirname(file), image };
    });
    const first = songs[0];
    const small = path.join(dir, first.name);
    const wide = path.join(dir, 'wide.png');
    const { image } = first;
    const tiled = new Uint8Array(image.height * wideWidth);
    for (let r = 0; r < image.height; r++) for (let c = 0; c < wideWidth; c++) tiled[r * wideWidth + c] = image.pixels[r * image.width + (c % image.width)];
    writeFileSync(wide, encodeGrayPng(tiled, wideWidth, image.height));
    const quote = (text: string) => (/[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);
    const writeCsv = (count: number) => {
      const file = path.join(dir, `songs-${count}.csv`);
      const lines = ['spectrogram,artist,title,year'];
      for (let i = 0; i < count; i++) {
        const song = songs[i % songs.length];
        lines.push([song.name, quote(song.artist), quote(song.title), song.year].join(','));
      }
      writeFileSync(file, `${lines.join('\n')}\n`);
      return file;
    };
    const text = ['--artist', first.artist, '--title', first.title, '--year', first.year];

    console.log(`predict bench: ${runs} runs each (median, after one warm-up), ${os.availableParallelism()} cores, load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
    console.log(`inputs: ${first.name} (1024×256), wide.png (${wideWidth}×${image.height}), CSVs of ${rows} and ${large} rows of 1024×256 PNGs\n`);
    const table: [string, string, string, string][] = [];
    const row = (what: string, target: string, result: { median: number; all: number[] }) => {
      table.push([what, `${result.median.toFixed(2)} s`, target, fmt(result.all)]);
    };
    const npx = (...args: string[]) => wall('npx', ['hitcast', ...args]);
    row('npx hitcast --help', '', npx('--help'));
    row('npx hitcast --version (npx itself: compare node below)', '', npx('--version'));
    row('node packages/cli/bin/hitcast.mjs --version', '', wall(process.execPath, [path.join(repo, 'packages/cli/bin/hitcast.mjs'), '--version']));
    row('predict fusion, 1024×256 PNG', '< 1.5 s', npx('predict', '--model', path.join(models, 'fusion-pretrained'), '--spectrogram', small, ...text));
    row(`predict fusion, ${wideWidth}-wide PNG`, '< 2.5 s', npx('predict', '--model', path.join(models, 'fusion-pretrained'), '--spectrogram', wide, ...text));
    row('predict cnn, 1024×256 PNG', '', npx('predict', '--model', path.join(models, 'cnn-pretrained'), '--spectrogram', small));
    row('predict text (no PNG)', '', npx('predict', '--model', path.join(models, 'text-pretrained'), ...text));
    const rates: string[] = [];
    const batch = (count: number, workers: number | undefined) => {
      const label = `${count} rows, ${workers === undefined ? 'workers: one per core' : 'workers: 0 (main thread)'}`;
      const result = npx('predict', '--model', path.join(models, 'fusion-pretrained'), '--csv', writeCsv(count), ...(workers === undefined ? [] : ['--workers', String(workers)]));
      row(`predict fusion --csv, ${label}`, '', result);
      const own = /in ([\d.]+) s \((\d+) rows\/s\)/.exec(result.stderr);
      rates.push(`${label}: ${(count / result.median).toFixed(0)} songs/s for the whole command (start-up included)${own ? `; ${own[2]} rows/s from reading the CSV to the last row` : ''}`);
    };
    batch(rows, undefined);
    batch(rows, 0);
    if (large > 0) batch(large, undefined);
    const width = Math.max(...table.map((r) => r[0].length));
    for (const [what, value, target, all] of table) console.log(`${what.padEnd(width)}  ${value.padStart(7)}  ${target.padEnd(8)}  [${all}]`);
    console.log(`\nbatch (target ≥ 50 songs/s on 2 cores):`);
    for (const line of rates) console.log(`  ${line}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
