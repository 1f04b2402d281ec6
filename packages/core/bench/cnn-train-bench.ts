/**
 * Training and inference speed of the measurements.md CNN (bench-cnn.ts) per tfjs backend, next to
 * PyTorch CPU (tools/bench/torch_cnn_bench.py, 2 threads) in the same run.
 *
 *   node --import tsx packages/core/bench/cnn-train-bench.ts [--sizes 64x256,128x512,256x1024] [--steps 6]
 *        [--no-torch] [--no-cpu] [--no-parallel] [--no-webgpu] [--webgpu-only] [--profile] [--without MaxPoolGrad,Sum]
 *
 * Rows: wasm (one thread); wasm as the model stages train by default (fit: each batch in 2 shards,
 * computed on the main thread and one worker; inference split the same way); cpu (smallest size
 * only, 2 steps: ~5 s/sample); tfjs-node when installed; webgpu where Dawn finds an adapter, named in
 * the row (a software one, e.g. lavapipe: smallest size only, 2 steps), else a line saying why not.
 * --webgpu-only runs that row alone (no TARGET lines: they compare the wasm rows with PyTorch). Medians of --steps steps (at most 3 at
 * 256×1024) after 2 warm-up steps. The wasm heap column is the largest wasm memory of any thread
 * (it only grows): wasm32 caps it at 4 GiB. Ends with the issue's targets as TARGET lines.
 * --without leaves registrations out (see installWasmTraining) to measure what each buys; --profile
 * prints the top kernels of one wasm training step.
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
import { webgpuAdapter } from '../src/tf/webgpu.ts';
import { FusedAdam } from '../src/training/adam.ts';
import { printTargets, type TargetLine } from '../src/bench/targets.ts';
import { benchCnn, trainStep, trainStepAsync } from './bench-cnn.ts';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const sizes = option('sizes', '64x256,128x512,256x1024').split(',').map((s) => s.split('x').map(Number) as [number, number]);
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

interface Row { size: string; backend: string; train: number; trainSpread: string; infer: number | null; heapMiB?: number; note?: string }
const FIT_DEFAULT = 'wasm, fit default (2 shards, 2 threads)';
const heapBytes = () => (tf.backend() as unknown as { wasm?: { HEAPU8: Uint8Array } }).wasm?.HEAPU8.length ?? 0;
const rows: Row[] = [];

async function benchBackend(label: string, h: number, w: number, opts: { parallel?: boolean; steps: number; warmup: number }) {
  const model = benchCnn(h, w);
  const optimizer = new FusedAdam(1e-3); // as fit() trains
  const x = tf.randomNormal([BATCH, h, w, 1], 0, 1, 'float32', 1);
  const y = tf.randomNormal([BATCH, 1], 0, 1, 'float32', 2);
  let train: number[];
  let infer: number;
  let heap = 0;
  if (opts.parallel) {
    // Exactly what fit() does by default in the model stages (shards: 2, workers: 2).
    const dp = await DataParallel.create(model, { shards: 2, workers: 1 });
    train = await timeSteps(opts.steps, opts.warmup, () => dp.train(optimizer, x, y));
    infer = median(await timeSteps(opts.steps, 1, async () => {
      const p = await dp.predict(x);
      p.dataSync();
      p.dispose();
    })) / BATCH;
    heap = dp.workerHeapBytes;
    await dp.close();
  } else if (tf.getBackend() === 'webgpu') {
    // Asynchronous reads only; each awaited read waits for the device to finish.
    train = await timeSteps(opts.steps, opts.warmup, () => trainStepAsync(model, optimizer, x, y));
    infer = median(await timeSteps(opts.steps, 1, async () => {
      const p = model.predict(x) as tf.Tensor;
      await p.data();
      p.dispose();
    })) / BATCH;
  } else {
    train = await timeSteps(opts.steps, opts.warmup, () => trainStep(model, optimizer, x, y));
    infer = median(await timeSteps(opts.steps, 1, () => {
      const p = model.predict(x) as tf.Tensor;
      p.dataSync();
      p.dispose();
    })) / BATCH;
  }
  const perSample = train.map((t) => t / BATCH);
  heap = Math.max(heap, heapBytes());
  rows.push({
    size: `${h}x${w}`, backend: label, train: median(perSample), infer,
    trainSpread: `${Math.min(...perSample).toFixed(0)}–${Math.max(...perSample).toFixed(0)}`,
    heapMiB: heap ? heap / 2 ** 20 : undefined,
  });
  tf.dispose([x, y]);
  model.dispose();
  optimizer.dispose();
  console.error(`  ${label} ${h}x${w}: train ${median(perSample).toFixed(1)} ms/sample, infer ${infer.toFixed(1)}`);
}

async function profileStep(h: number, w: number) {
  const model = benchCnn(h, w);
  const optimizer = new FusedAdam(1e-3); // as fit() trains
  const x = tf.randomNormal([BATCH, h, w, 1]);
  const y = tf.randomNormal([BATCH, 1]);
  for (let i = 0; i < 3; i++) trainStep(model, optimizer, x, y);
  tf.env().set('CHECK_COMPUTATION_FOR_ERRORS', false);
  const totals = new Map<string, number>();
  // The convolution and pooling kernels per layer (by their first input's shape): where the time sits.
  const perLayer = new Map<string, number>();
  const runs = 3;
  for (let r = 0; r < runs; r++) {
    const profile = await tf.profile(() => void trainStep(model, optimizer, x, y));
    for (const k of profile.kernels) {
      totals.set(k.name, (totals.get(k.name) ?? 0) + (k.kernelTimeMs as number) / runs);
      if (/^(Conv2D|Conv2DBackpropFilter|Conv2DBackpropInput|MaxPoolGrad)$/.test(k.name)) {
        const key = `${k.name} ${k.inputShapes[0]?.join('×') ?? '?'}`;
        perLayer.set(key, (perLayer.get(key) ?? 0) + (k.kernelTimeMs as number) / runs);
      }
    }
  }
  const top = [...totals].sort((a, b) => b[1] - a[1]).slice(0, 14);
  const sum = [...totals.values()].reduce((a, b) => a + b, 0);
  console.log(`\nprofile of one wasm training step at ${h}x${w}, batch ${BATCH} (mean of ${runs}; kernel ms, total ${sum.toFixed(0)}):`);
  console.log(top.map(([k, ms]) => `${k} ${ms.toFixed(0)}`).join(', '));
  console.log(`per layer (kernel, first input): ${[...perLayer].sort().map(([k, ms]) => `${k} ${ms.toFixed(1)}`).join(', ')}`);
  tf.dispose([x, y]);
  model.dispose();
}

let torchMatMulGflops: number | undefined;

/** One thread's float32 matMul rate on wasm (XNNPACK, 128-bit SIMD): the ceiling every kernel works under. */
async function wasmMatMulGflops(): Promise<number> {
  await selectBackend('wasm', { log: () => {} });
  const [a, b] = [tf.randomNormal([1024, 1024]), tf.randomNormal([1024, 1024])];
  const times = await timeSteps(15, 3, () => {
    const c = tf.matMul(a, b);
    c.dataSync(); // outside tidy: see shared measurements on tidy walking typed arrays
    c.dispose();
  });
  tf.dispose([a, b]);
  return (2 * 1024 ** 3) / median(times) / 1e6;
}

function torchRows(): Map<string, { train: number; infer: number }> {
  const out = new Map<string, { train: number; infer: number }>();
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
  const script = path.join(root, 'tools/bench/torch_cnn_bench.py');
  if (flag('no-torch') || !existsSync('/usr/bin/python3')) return out;
  const r = spawnSync('/usr/bin/python3', [script, '--sizes', sizes.map(([h, w]) => `${h}x${w}`).join(','), '--steps', String(steps), '--threads', '2', '--matmul'], { encoding: 'utf8' });
  if (r.status !== 0) {
    console.error(`PyTorch reference skipped: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}`);
    return out;
  }
  for (const line of r.stdout.trim().split('\n')) {
    const j = JSON.parse(line);
    if (j.matmul_gflops_one_thread) torchMatMulGflops = j.matmul_gflops_one_thread;
    else out.set(j.size, { train: j.train_ms_per_sample, infer: j.infer_ms_per_sample });
  }
  return out;
}

/**
 * The webgpu row: on the adapter Dawn finds (asked for, so a software one too), or a line saying why
 * there is none. A software adapter gets the smallest size only, 2 steps: it is a check, not a speed.
 */
async function webgpuRows(): Promise<void> {
  try {
    await selectBackend('webgpu', { log: () => {} });
  } catch (error) {
    console.log(`webgpu row skipped: ${(error as Error).message}`);
    return;
  }
  const adapter = webgpuAdapter!;
  console.log(`webgpu on ${adapter.description}`);
  const ordered = [...sizes].sort((a, b) => a[0] * a[1] - b[0] * b[1]);
  for (const [h, w] of adapter.software ? ordered.slice(0, 1) : ordered) {
    const sizeSteps = adapter.software ? 2 : h * w >= 256 * 1024 ? Math.min(steps, 3) : steps;
    await benchBackend(`webgpu on ${adapter.description}`, h, w, { steps: sizeSteps, warmup: adapter.software ? 1 : 2 });
  }
}

if (flag('webgpu-only')) {
  await webgpuRows();
  console.log('\n| input | backend | train ms/sample (median; range) | infer ms/sample |');
  console.log('|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.size} | ${r.backend} | ${r.train.toFixed(1)} (${r.trainSpread}) | ${r.infer?.toFixed(1) ?? '—'} |`);
  process.exit(0);
}

if (without.length) installWasmTraining({ skip: without });
const choice = await selectBackend(undefined, { log: () => {} });
console.log(choice.note + (without.length ? ` [without: ${without.join(', ')}]` : ''));
const available: BackendName[] = [choice.name];

// Smallest first: the wasm heap never shrinks, so each size's heap figure is its own peak.
for (const [h, w] of [...sizes].sort((a, b) => a[0] * a[1] - b[0] * b[1])) {
  const sizeSteps = h * w >= 256 * 1024 ? Math.min(steps, 3) : steps;
  for (const name of available) {
    await selectBackend(name, { log: () => {} });
    await benchBackend(name === 'wasm' ? 'wasm, 1 thread' : name, h, w, { steps: sizeSteps, warmup: 2 });
    if (name === 'wasm' && !flag('no-parallel')) await benchBackend(FIT_DEFAULT, h, w, { parallel: true, steps: sizeSteps, warmup: 2 });
  }
}
if (!flag('no-webgpu') && choice.name !== 'webgpu') await webgpuRows();
if (!flag('no-cpu') && choice.name !== 'cpu') {
  const [h, w] = sizes[0];
  await selectBackend('cpu', { log: () => {} });
  await benchBackend('cpu', h, w, { steps: 2, warmup: 1 });
}
if (flag('profile')) {
  await selectBackend('wasm', { log: () => {} });
  for (const [h, w] of sizes) await profileStep(h, w);
}

const wasmGflops = await wasmMatMulGflops();
const torch = torchRows();
for (const [size, t] of torch) rows.push({ size, backend: 'PyTorch 1.13 CPU, 2 threads', train: t.train, infer: t.infer, trainSpread: '' });
console.log('\n| input | backend | train ms/sample (median; range) | infer ms/sample | train ÷ PyTorch | infer ÷ PyTorch | wasm heap |');
console.log('|---|---|---|---|---|---|---|');
for (const [h, w] of sizes) {
  const size = `${h}x${w}`;
  for (const r of rows.filter((row) => row.size === size)) {
    const ref = r.backend.startsWith('PyTorch') ? undefined : torch.get(size);
    const ratio = (a: number | null, b: number | undefined) => (a != null && b ? `${(a / b).toFixed(2)}×` : '');
    const heap = r.heapMiB ? `${r.heapMiB.toFixed(0)} MiB` : '';
    console.log(`| ${size} | ${r.backend} | ${r.train.toFixed(1)}${r.trainSpread ? ` (${r.trainSpread})` : ''} | ${r.infer?.toFixed(1) ?? '—'} | ${ratio(r.train, ref?.train)} | ${ratio(r.infer, ref?.infer)} | ${heap} |`);
  }
}

// The performance issue's targets, fit's default configuration against PyTorch CPU in this run.
const noTorch = torch.size === 0 ? 'PyTorch not run here: install python3-torch' : undefined;
const targets: TargetLine[] = [];
const goals: Record<string, { train?: number; infer?: number }> = { '128x512': { train: 1.3, infer: 1.0 }, '64x256': { train: 1.0, infer: 1.0 }, '256x1024': {} };
for (const [h, w] of sizes) {
  const size = `${h}x${w}`;
  const ours = rows.find((r) => r.size === size && r.backend === FIT_DEFAULT);
  if (!ours) continue;
  const ref = torch.get(size);
  const goal = goals[size] ?? {};
  const label = (what: string) => `CNN ${what} ${h}×${w} (fit default, 2 threads), ms/sample`;
  targets.push({ work: label('train'), hitcast: ours.train, referenceName: 'PyTorch 2 threads', reference: ref?.train, goal: goal.train ? { max: goal.train } : undefined, note: noTorch });
  targets.push({ work: label('inference'), hitcast: ours.infer!, referenceName: 'PyTorch 2 threads', reference: ref?.infer, goal: goal.infer ? { max: goal.infer } : undefined, note: noTorch });
  if (h * w >= 256 * 1024) {
    const heap = Math.max(...rows.filter((r) => r.size === size && r.heapMiB).map((r) => r.heapMiB!));
    targets.push({ work: `CNN train ${h}×${w}, batch ${BATCH}: largest wasm heap of any thread, MiB`, hitcast: heap, referenceName: 'wasm32 limit', reference: 4096, goal: { max: 1.0 } });
  }
}
// Why the ratios sit where they do: the per-core compute ceilings, measured in this run.
targets.push({ work: 'matMul 1024³ float32, one thread, GFLOP/s (the ceiling under every kernel)', hitcast: wasmGflops, referenceName: 'PyTorch 1 thread (x86 AVX2/AVX-512 FMA)', reference: torchMatMulGflops, note: noTorch });
printTargets(targets);
