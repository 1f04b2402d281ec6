/**
 * The GPU bench: CNN training on tfjs's webgpu backend (Dawn, on the adapter it finds) and, in the same
 * run, PyTorch on the same GPU when a python3 with a CUDA build of torch is there
 * (torch_gpu_cnn_bench.py). Two models, at 128×512 and 256×1024 by default:
 *
 *   study  the study's CNN as `hitcast train-cnn` builds it (model-cnn's buildCnn: grouped convolutions)
 *   bench  the benchmark CNN of packages/core/bench (bench-cnn.ts), the README's CNN rows
 *
 * Batch 8, Adam (hitcast's FusedAdam, as fit() trains), MSE; ms per sample, median of --steps steps after
 * --warmup (webgpu compiles its shaders in the first steps); each webgpu step ends by reading its loss,
 * which waits for the device. Run it with tools/gpu-bench/run.sh on a machine with a GPU.
 *
 *   node --import tsx tools/gpu-bench/gpu-bench.ts [--sizes 128x512,256x1024] [--models study,bench]
 *        [--steps 10] [--warmup 3] [--batch 8] [--python python3] [--no-torch] [--allow-software]
 *
 * On a software adapter (lavapipe, llvmpipe) it stops, since its figures would not be a GPU's, unless
 * --allow-software (a check that the script works: use a small --sizes).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '@hitcast/core/tf';
import { webgpuAdapter } from '@hitcast/core/tf';
import { FusedAdam } from '@hitcast/core/training';
import { buildCnn, cnnBlocks } from '@hitcast/model-cnn';
import { benchCnn, trainStepAsync } from '../../packages/core/bench/bench-cnn.ts';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const sizes = option('sizes', '128x512,256x1024').split(',');
const models = option('models', 'study,bench').split(',');
const steps = Number(option('steps', '10'));
const warmup = Number(option('warmup', '3'));
const batch = Number(option('batch', '8'));
const here = path.dirname(fileURLToPath(import.meta.url));

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

const build: Record<string, (h: number, w: number) => tf.LayersModel> = {
  study: (h, w) => buildCnn({ height: h, width: w, blocks: cnnBlocks(true), dropout: 0.3, seed: 1 }).model,
  bench: (h, w) => benchCnn(h, w),
};

interface Row { model: string; size: string; webgpu?: number; webgpuRange?: string; torch?: number; error?: string }
const rows: Row[] = [];

const choice = await selectBackend('webgpu', { log: () => {} });
const adapter = webgpuAdapter!;
if (adapter.software && !flag('allow-software')) {
  console.log(`only a software adapter here (${adapter.description}): its figures would not be a GPU's. Run on a machine with a GPU and its driver, or pass --allow-software to check the script.`);
  process.exit(2);
}
console.log(`${choice.note}; batch ${batch}, median of ${steps} steps after ${warmup}`);

for (const model of models) {
  for (const size of sizes) {
    const [h, w] = size.split('x').map(Number);
    const row: Row = { model, size };
    rows.push(row);
    const net = build[model](h, w);
    const optimizer = new FusedAdam(1e-3);
    const x = tf.randomNormal([batch, h, w, 1], 0, 1, 'float32', 1);
    const y = tf.randomNormal([batch, 1], 0, 1, 'float32', 2);
    try {
      const times: number[] = [];
      for (let i = 0; i < warmup + steps; i++) {
        const t0 = performance.now();
        await trainStepAsync(net, optimizer, x, y);
        if (i >= warmup) times.push((performance.now() - t0) / batch);
      }
      row.webgpu = median(times);
      row.webgpuRange = `${Math.min(...times).toFixed(2)}–${Math.max(...times).toFixed(2)}`;
      console.log(`  webgpu ${model} ${size}: ${row.webgpu.toFixed(2)} ms/sample (${row.webgpuRange})`);
    } catch (error) {
      row.error = (error as Error).message.split('\n')[0];
      console.log(`  webgpu ${model} ${size}: failed: ${row.error}`);
    }
    tf.dispose([x, y]);
    net.dispose();
    optimizer.dispose();
  }
}

let torchDevice = '';
if (!flag('no-torch')) {
  const python = option('python', 'python3');
  const r = spawnSync(python, [path.join(here, 'torch_gpu_cnn_bench.py'), '--sizes', sizes.join(','), '--models', models.join(','), '--steps', String(steps), '--warmup', String(warmup), '--batch', String(batch)], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    console.log(`PyTorch skipped: ${r.error?.message ?? (r.stderr || '').trim().split('\n').pop()}`);
  } else {
    for (const line of r.stdout.trim().split('\n').filter(Boolean)) {
      const j = JSON.parse(line) as { skipped?: string; model: string; size: string; train_ms_per_sample: number; device: string; torch: string };
      if (j.skipped) console.log(`PyTorch skipped: ${j.skipped}`);
      else {
        torchDevice = `PyTorch ${j.torch} on ${j.device}`;
        const row = rows.find((r) => r.model === j.model && r.size === j.size);
        if (row) row.torch = j.train_ms_per_sample;
      }
    }
  }
}

console.log(`\nCNN training, ms/sample (batch ${batch}); webgpu on ${adapter.description}${torchDevice ? `; ${torchDevice}` : ''}`);
console.log('| model | input | webgpu (range) | PyTorch CUDA | webgpu ÷ PyTorch |');
console.log('|---|---|---|---|---|');
for (const r of rows) {
  const gpu = r.webgpu !== undefined ? `${r.webgpu.toFixed(2)} (${r.webgpuRange})` : `failed: ${r.error}`;
  const torch = r.torch !== undefined ? r.torch.toFixed(2) : '—';
  const ratio = r.webgpu !== undefined && r.torch ? `${(r.webgpu / r.torch).toFixed(2)}×` : '';
  console.log(`| ${r.model} | ${r.size.replace('x', '×')} | ${gpu} | ${torch} | ${ratio} |`);
}
console.log(JSON.stringify({ adapter: adapter.description, torch: torchDevice || null, batch, steps, rows }));
