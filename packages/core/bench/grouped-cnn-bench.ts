/**
 * The study's CNN (packages/model-cnn/src/cnn.ts) trained on wasm in its two forms, side by side in
 * one run: blocks 2 and 3 as the study's depthwise ("grouped") convolutions, and as full ones (the
 * model-cnn default). Prints the grouped ÷ full ratio as a TARGET line (goal ≤ 1.5×), PyTorch's
 * figures for both forms as information (tools/bench/torch_grouped_cnn_bench.py), and the depthwise
 * kernels alone on the block shapes.
 *
 *   node --import tsx packages/core/bench/grouped-cnn-bench.ts [--size 128x512] [--steps 6]
 *        [--no-torch] [--no-kernels] [--profile] [--without DepthwiseConv2dNativeBackpropFilter,...]
 *
 * The two models train alternately, one step each, so that a busy neighbour on the shared cores
 * slows both alike; medians of --steps steps after 2 warm-up steps, batch 8, Adam, MSE, one thread.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { printTargets } from '@hitcast/core/bench/targets';
import { selectBackend } from '../src/tf/backend.ts';
import { installWasmTraining } from '../src/tf/wasm-training.ts';
import { trainStep } from './bench-cnn.ts';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const [H, W] = option('size', '128x512').split('x').map(Number);
const steps = Number(option('steps', '6'));
const without = option('without', '').split(',').filter(Boolean);
const BATCH = 8;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

// ---------------------------------------------------------------------------------------------
// The model-cnn architecture (cnn.ts: ORIGINAL_BLOCKS and buildCnn), rebuilt here because core may
// not import a stage package (model-cnn depends on core). Dropout is tfjs's own instead of
// model-cnn's SeededDropout: the same work per step.

interface Block { filters: number; kernel: [number, number]; depthwise: boolean }
const ORIGINAL_BLOCKS: Block[] = [
  { filters: 16, kernel: [3, 7], depthwise: false },
  { filters: 32, kernel: [5, 7], depthwise: true },
  { filters: 64, kernel: [1, 5], depthwise: true },
];

function studyCnn(grouped: boolean, height: number, width: number, seed = 1): tf.LayersModel {
  let s = seed * 1000;
  const init = () => tf.initializers.heNormal({ seed: s++ });
  const input = tf.input({ shape: [height, width, 1] });
  let x: tf.SymbolicTensor = input;
  let channels = 1;
  for (const block of ORIGINAL_BLOCKS) {
    x = grouped && block.depthwise
      ? tf.layers.depthwiseConv2d({ kernelSize: block.kernel, depthMultiplier: block.filters / channels, padding: 'same', depthwiseInitializer: init() }).apply(x) as tf.SymbolicTensor
      : tf.layers.conv2d({ filters: block.filters, kernelSize: block.kernel, padding: 'same', kernelInitializer: init() }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.conv2d({ filters: block.filters, kernelSize: 1, kernelInitializer: init() }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.batchNormalization({ momentum: 0.9 }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.reLU().apply(x) as tf.SymbolicTensor;
    x = tf.layers.maxPooling2d({ poolSize: 2 }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.dropout({ rate: 0.3, seed: s++ }).apply(x) as tf.SymbolicTensor;
    channels = block.filters;
  }
  x = tf.layers.globalAveragePooling2d({}).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dense({ units: 64, kernelInitializer: init() }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.batchNormalization({ momentum: 0.9 }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.reLU().apply(x) as tf.SymbolicTensor;
  x = tf.layers.dropout({ rate: 0.3, seed: s++ }).apply(x) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.randomNormal({ stddev: 0.01, seed: s++ }) }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

// ---------------------------------------------------------------------------------------------

/** Both variants trained alternately, one step each; ms/sample per step. */
function trainBoth(): { full: number[]; grouped: number[] } {
  const x = tf.randomNormal([BATCH, H, W, 1], 0, 1, 'float32', 1);
  const y = tf.randomNormal([BATCH, 1], 0, 1, 'float32', 2);
  const variants = (['full', 'grouped'] as const).map((name) => ({
    name, model: studyCnn(name === 'grouped', H, W), optimizer: tf.train.adam(1e-3), times: [] as number[],
  }));
  for (let i = 0; i < steps + 2; i++) {
    for (const v of variants) {
      const t0 = performance.now();
      trainStep(v.model, v.optimizer, x, y);
      if (i >= 2) v.times.push((performance.now() - t0) / BATCH);
    }
  }
  for (const v of variants) {
    v.model.dispose();
    v.optimizer.dispose();
  }
  tf.dispose([x, y]);
  return { full: variants[0].times, grouped: variants[1].times };
}

/** One training step's top kernels for each variant (tf.profile, mean of 2). */
async function profile(): Promise<void> {
  const x = tf.randomNormal([BATCH, H, W, 1]);
  const y = tf.randomNormal([BATCH, 1]);
  tf.env().set('CHECK_COMPUTATION_FOR_ERRORS', false);
  for (const grouped of [false, true]) {
    const model = studyCnn(grouped, H, W);
    const optimizer = tf.train.adam(1e-3);
    for (let i = 0; i < 2; i++) trainStep(model, optimizer, x, y);
    const totals = new Map<string, number>();
    const runs = 2;
    for (let r = 0; r < runs; r++) {
      const p = await tf.profile(() => void trainStep(model, optimizer, x, y));
      for (const k of p.kernels) totals.set(k.name, (totals.get(k.name) ?? 0) + (k.kernelTimeMs as number) / runs);
    }
    const sum = [...totals.values()].reduce((a, b) => a + b, 0);
    const top = [...totals].sort((a, b) => b[1] - a[1]).slice(0, 12);
    console.log(`\nprofile, ${grouped ? 'grouped' : 'full-conv'} CNN ${H}x${W}, batch ${BATCH} (kernel ms, total ${sum.toFixed(0)}):`);
    console.log(top.map(([k, ms]) => `${k} ${ms.toFixed(0)}`).join(', '));
    model.dispose();
    optimizer.dispose();
  }
  tf.dispose([x, y]);
}

/** The depthwise layers of blocks 2 and 3 alone (batch 8 at the bench size): forward, dx, dW. */
function kernels(): void {
  const time = (f: () => tf.Tensor, reps = 5) => {
    const ts: number[] = [];
    for (let i = 0; i < reps + 1; i++) {
      const t0 = performance.now();
      const r = f();
      r.dataSync();
      ts.push(performance.now() - t0);
      r.dispose();
    }
    return median(ts.slice(1));
  };
  type Shape = [number, number, number, number];
  const layers: [string, Shape, Shape][] = [
    ['block 2: 5×7, multiplier 2', [BATCH, H / 2, W / 2, 16], [5, 7, 16, 2]],
    ['block 3: 1×5, multiplier 2', [BATCH, H / 4, W / 4, 32], [1, 5, 32, 2]],
  ];
  console.log(`\ndepthwise kernels alone on wasm (ms per batch of ${BATCH}, median of 5):`);
  console.log('| layer | input | forward | dx | dW | full conv of the same shape: forward |');
  console.log('|---|---|---|---|---|---|');
  for (const [name, xs, ws] of layers) {
    const x = tf.randomNormal(xs) as tf.Tensor4D;
    const w = tf.randomNormal(ws) as tf.Tensor4D;
    const dy = tf.randomNormal([xs[0], xs[1], xs[2], ws[2] * ws[3]]) as tf.Tensor4D;
    const wFull = tf.randomNormal([ws[0], ws[1], ws[2], ws[2] * ws[3]]) as tf.Tensor4D;
    const attrs = { strides: 1, pad: 'same', dilations: 1 };
    const fwd = time(() => tf.depthwiseConv2d(x, w, 1, 'same'));
    const dx = time(() => tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy, filter: w }, { ...attrs, inputShape: xs }) as tf.Tensor);
    const dw = time(() => tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x, dy }, { ...attrs, filterShape: ws }) as tf.Tensor);
    const full = time(() => tf.conv2d(x, wFull, 1, 'same'));
    console.log(`| ${name} | ${xs.join('×')} | ${fwd.toFixed(1)} | ${dx.toFixed(1)} | ${dw.toFixed(1)} | ${full.toFixed(1)} |`);
    tf.dispose([x, w, dy, wFull]);
  }
}

function torch(): { full: number; grouped: number } | { skipped: string } {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
  const script = path.join(root, 'tools/bench/torch_grouped_cnn_bench.py');
  if (flag('no-torch')) return { skipped: '--no-torch' };
  if (!existsSync('/usr/bin/python3')) return { skipped: 'no /usr/bin/python3' };
  const r = spawnSync('/usr/bin/python3', [script, '--size', `${H}x${W}`, '--steps', String(steps), '--threads', '2'], { encoding: 'utf8' });
  if (r.status !== 0) return { skipped: (r.stderr || r.error?.message || '').trim().split('\n').pop() ?? 'failed' };
  const j = JSON.parse(r.stdout.trim().split('\n').pop()!);
  return { full: j.full_train_ms_per_sample, grouped: j.grouped_train_ms_per_sample };
}

if (without.length) installWasmTraining({ skip: without });
const choice = await selectBackend('wasm', { log: () => {} });
console.log(choice.note + (without.length ? ` [without: ${without.join(', ')}]` : ''));

if (!flag('no-kernels')) kernels();
const { full, grouped } = trainBoth();
if (flag('profile')) await profile();
const pt = torch();

const range = (xs: number[]) => `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}`;
console.log(`\nstudy CNN ${H}x${W}, batch ${BATCH}, wasm one thread, trained alternately (train ms/sample, median of ${steps}; range):`);
console.log('| variant | wasm | PyTorch 1.13 CPU, 2 threads |');
console.log('|---|---|---|');
console.log(`| full convolutions (model-cnn default) | ${median(full).toFixed(1)} (${range(full)}) | ${'full' in pt ? pt.full.toFixed(1) : '—'} |`);
console.log(`| depthwise blocks 2–3 (groupedConvolutions) | ${median(grouped).toFixed(1)} (${range(grouped)}) | ${'grouped' in pt ? pt.grouped.toFixed(1) : '—'} |`);

printTargets([{
  work: `grouped CNN train ${H}×${W}, ms/sample`,
  hitcast: median(grouped),
  referenceName: 'full-conv CNN (same run)',
  reference: median(full),
  goal: { max: 1.5 },
  note: 'full' in pt
    ? `PyTorch 2 threads: grouped ${pt.grouped.toFixed(1)}, full ${pt.full.toFixed(1)} ms/sample`
    : `PyTorch skipped: ${pt.skipped}`,
}]);
