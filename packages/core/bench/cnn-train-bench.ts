/**
 * Training and inference speed of the measurements.md CNN (bench-cnn.ts) per tfjs backend, next to
 * PyTorch CPU (tools/bench/torch_cnn_bench.py, 2 threads) in the same run.
 *
 *   node --import tsx packages/core/bench/cnn-train-bench.ts [--sizes 64x256,128x512] [--steps 6]
 *        [--no-torch] [--no-cpu] [--no-parallel] [--profile] [--without MaxPoolGrad,Sum]
 *
 * Rows: wasm (one thread), wasm ×2 (DataParallel: main thread + one worker), cpu (smallest size
 * only, 2 steps: ~5 s/sample), tfjs-node when installed. Medians of --steps steps after 2 warm-up
 * steps. --without leaves registrations out (see installWasmTraining) to measure what each buys;
 * --profile prints the top kernels of one wasm training step.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { DataParallel } from '../src/tf/data-parallel.ts';
import { selectBackend, type BackendName } from '../src/tf/backend.ts';
import { installWasmTraining } from '../src/tf/wasm-training.ts';
import { benchCnn, trainStep } from './bench-cnn.ts';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const sizes = option('sizes', '64x256,128x512').split(',').map((s) => s.split('x').map(Number) as [number, number]);
const steps = Number(option('steps', '6'));
const without = option('without', '').split(',').filter(Boolean);
const BATCH = 8;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

async function timeSteps(n: number, warmup: number, step: () => unknown): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await step();
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await step();
    times.push(performance.now() - t0);
  }
  return times;
}

interface Row { size: string; backend: string; train: number; trainSpread: string; infer: number | null; note?: string }
const rows: Row[] = [];

async function benchBackend(label: string, h: number, w: number, opts: { parallel?: boolean; steps: number; warmup: number }) {
  const model = benchCnn(h, w);
  const optimizer = tf.train.adam(1e-3);
  const x = tf.randomNormal([BATCH, h, w, 1], 0, 1, 'float32', 1);
  const y = tf.randomNormal([BATCH, 1], 0, 1, 'float32', 2);
  let train: number[];
  if (opts.parallel) {
    const dp = await DataParallel.create(model, { workers: 1 });
    train = await timeSteps(opts.steps, opts.warmup, () => dp.train(optimizer, x, y));
    await dp.close();
  } else {
    train = await timeSteps(opts.steps, opts.warmup, () => trainStep(model, optimizer, x, y));
  }
  const infer = opts.parallel ? null : median(await timeSteps(opts.steps, 1, () => {
    const p = model.predict(x) as tf.Tensor;
    p.dataSync();
    p.dispose();
  })) / BATCH;
  const perSample = train.map((t) => t / BATCH);
  rows.push({
    size: `${h}x${w}`, backend: label, train: median(perSample), infer,
    trainSpread: `${Math.min(...perSample).toFixed(0)}–${Math.max(...perSample).toFixed(0)}`,
    note: tf.getBackend() === 'wasm' ? `wasm heap ${((tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.length / 2 ** 20).toFixed(0)} MiB` : undefined,
  });
  tf.dispose([x, y]);
  model.dispose();
  optimizer.dispose();
  console.error(`  ${label} ${h}x${w}: train ${median(perSample).toFixed(1)} ms/sample`);
}

async function profileStep(h: number, w: number) {
  const model = benchCnn(h, w);
  const optimizer = tf.train.adam(1e-3);
  const x = tf.randomNormal([BATCH, h, w, 1]);
  const y = tf.randomNormal([BATCH, 1]);
  for (let i = 0; i < 3; i++) trainStep(model, optimizer, x, y);
  tf.env().set('CHECK_COMPUTATION_FOR_ERRORS', false);
  const totals = new Map<string, number>();
  const runs = 3;
  for (let r = 0; r < runs; r++) {
    const profile = await tf.profile(() => void trainStep(model, optimizer, x, y));
    for (const k of profile.kernels) totals.set(k.name, (totals.get(k.name) ?? 0) + (k.kernelTimeMs as number) / runs);
  }
  const top = [...totals].sort((a, b) => b[1] - a[1]).slice(0, 14);
  const sum = [...totals.values()].reduce((a, b) => a + b, 0);
  console.log(`\nprofile of one wasm training step at ${h}x${w}, batch ${BATCH} (mean of ${runs}; kernel ms, total ${sum.toFixed(0)}):`);
  console.log(top.map(([k, ms]) => `${k} ${ms.toFixed(0)}`).join(', '));
  tf.dispose([x, y]);
  model.dispose();
}

function torchRows(): Map<string, { train: number; infer: number }> {
  const out = new Map<string, { train: number; infer: number }>();
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
  const script = path.join(root, 'tools/bench/torch_cnn_bench.py');
  if (flag('no-torch') || !existsSync('/usr/bin/python3')) return out;
  const r = spawnSync('/usr/bin/python3', [script, '--sizes', sizes.map(([h, w]) => `${h}x${w}`).join(','), '--steps', String(steps), '--threads', '2'], { encoding: 'utf8' });
  if (r.status !== 0) {
    console.error(`PyTorch reference skipped: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}`);
    return out;
  }
  for (const line of r.stdout.trim().split('\n')) {
    const j = JSON.parse(line);
    out.set(j.size, { train: j.train_ms_per_sample, infer: j.infer_ms_per_sample });
  }
  return out;
}

if (without.length) installWasmTraining({ skip: without });
const choice = await selectBackend(undefined, { log: () => {} });
console.log(choice.note + (without.length ? ` [without: ${without.join(', ')}]` : ''));
const available: BackendName[] = [choice.name];

for (const [h, w] of sizes) {
  for (const name of available) {
    await selectBackend(name, { log: () => {} });
    await benchBackend(name, h, w, { steps, warmup: 2 });
    if (name === 'wasm' && !flag('no-parallel')) await benchBackend('wasm ×2 (DataParallel)', h, w, { parallel: true, steps, warmup: 2 });
  }
}
if (!flag('no-cpu') && choice.name !== 'cpu') {
  const [h, w] = sizes[0];
  await selectBackend('cpu', { log: () => {} });
  await benchBackend('cpu', h, w, { steps: 2, warmup: 1 });
}
if (flag('profile')) {
  await selectBackend('wasm', { log: () => {} });
  for (const [h, w] of sizes) await profileStep(h, w);
}

const torch = torchRows();
for (const [size, t] of torch) rows.push({ size, backend: 'PyTorch 1.13 CPU, 2 threads', train: t.train, infer: t.infer, trainSpread: '' });
console.log('\n| input | backend | train ms/sample (median; range) | infer ms/sample | train ÷ PyTorch | note |');
console.log('|---|---|---|---|---|---|');
for (const [h, w] of sizes) {
  const size = `${h}x${w}`;
  for (const r of rows.filter((row) => row.size === size)) {
    const ref = torch.get(size);
    const ratio = ref && !r.backend.startsWith('PyTorch') ? `${(r.train / ref.train).toFixed(1)}×` : '';
    console.log(`| ${size} | ${r.backend} | ${r.train.toFixed(1)}${r.trainSpread ? ` (${r.trainSpread})` : ''} | ${r.infer?.toFixed(1) ?? '—'} | ${ratio} | ${r.note ?? ''} |`);
  }
}
