/**
 * Throughput of stage model-text at full scale, on synthetic data shaped like the real set:
 * 1. the tokenizer: word counting and WordPiece training over 586,672 generated tracks, then
 *    encoding them all (rows/s, memory, token-length percentiles, share truncated at maxLength);
 * 2. training: samples/s of the text Transformer of params.json at its pre-training batch size,
 *    on each backend asked for (default wasm and cpu), and inference samples/s; on wasm also as the
 *    stage trains by default (each batch in `shards` shards on `workers` threads, see fit());
 * 3. the same Transformer in PyTorch (2 threads) in the same run, and the target as a TARGET line.
 *
 *   node --import tsx packages/model-text/bench/text-bench.ts [--rows N] [--backends wasm,cpu] [--steps N]
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { printTargets } from '@hitcast/core/bench/targets';
import { DataParallel, selectBackend, shardingOptions, type BackendName } from '@hitcast/core/tf';
import { FusedAdam, trainingStep } from '@hitcast/core/training';
import { REAL_TRACKS_ROWS, TracksGenerator } from '../../../tools/synth/tracks.ts';
import { readTextParams } from '../src/params.ts';
import { encodeRows, epochBatches, idsTensor, rowsOf, type SourceRow } from '../src/text-batches.ts';
import { trainWordPiece, WordCounter } from '../src/tokenizer-train.ts';
import { TEXT_LAYERS_MODULE } from '../src/layers/index.ts';
import { buildTextModel } from '../src/transformer.ts';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: String(REAL_TRACKS_ROWS) },
    backends: { type: 'string', default: 'wasm,cpu' },
    steps: { type: 'string', default: '20' },
  },
});
const params = readTextParams(path.resolve(import.meta.dirname, '../params.json'));
const rows = Number(values.rows);
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;

// 1. Tokenizer.
const generator = new TracksGenerator('1921');
function* tracks(): Generator<SourceRow> {
  for (let i = 0; i < rows; i++) {
    const t = generator.track(i);
    yield { id: t.id, title: t.name, artists: t.artists, year: t.year, popularity: t.popularity };
  }
}
let started = performance.now();
const songs = [...tracks()];
console.log(`generated ${rows} synthetic tracks in ${((performance.now() - started) / 1000).toFixed(1)} s`);

started = performance.now();
const counter = new WordCounter();
for (const song of songs) {
  counter.add(song.artists.join(', '));
  counter.add(song.title);
}
const counted = (performance.now() - started) / 1000;
started = performance.now();
const tokenizer = trainWordPiece(counter, { vocabSize: params.vocabSize, maxLength: params.maxLength });
const trained = (performance.now() - started) / 1000;
console.log(
  `tokenizer: counted words of ${rows} rows in ${counted.toFixed(1)} s (${(rows / counted / 1000).toFixed(0)}k rows/s, ${counter.pruned} prunes), ` +
    `trained ${tokenizer.vocabSize} tokens (${(tokenizer.json.training as { merges: number }).merges} merges) in ${trained.toFixed(1)} s`,
);
started = performance.now();
const set = await encodeRows(songs, tokenizer, { progress: false });
const encoded = (performance.now() - started) / 1000;
const lengths = songs.map((s) => tokenizer.length(s)).sort((a, b) => a - b);
const at = (q: number) => lengths[Math.min(lengths.length - 1, Math.floor(q * lengths.length))];
console.log(
  `encoded ${set.size} rows in ${encoded.toFixed(1)} s (${(set.size / encoded / 1000).toFixed(0)}k rows/s); ids ${mb(set.ids.byteLength)} as ${set.ids.constructor.name}; tokens per song p50 ${at(0.5)}, p95 ${at(0.95)}, p99 ${at(0.99)}, max ${lengths.at(-1)};` +
    ` ${((100 * set.truncated) / set.size).toFixed(2)}% truncated at maxLength ${params.maxLength}`,
);

// 2. Training and inference speed, on batches as the stage makes them (length-grouped, trimmed).
const batchSize = params.pretrainBatchSize;
const steps = Number(values.steps);
const epoch = epochBatches(set, rowsOf(set, 'train'), batchSize, params.seed, 1);
const meanWidth = epoch.slice(0, 200).reduce((s, b) => s + Math.max(...Array.from(b, (r) => set.lengths[r])), 0) / Math.min(200, epoch.length);
console.log(`length-grouped batches of ${batchSize}: ${meanWidth.toFixed(1)} tokens wide on average (maxLength ${params.maxLength})`);
const rates: Record<string, number> = {};
for (const backend of values.backends!.split(',') as BackendName[]) {
  await selectBackend(backend);
  const { model } = buildTextModel({ ...params, vocabSize: tokenizer.vocabSize, maxLength: params.maxLength, outputBias: 0.28 });
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const optimizer = new FusedAdam(params.pretrainLearningRate); // as fit() trains
  const batch = (k: number) => {
    const rows = epoch[k % epoch.length];
    return { x: idsTensor(set, rows), y: tf.tensor2d(Array.from(rows, (r) => set.popularity[r] / 100), [rows.length, 1]) };
  };
  const step = (k: number) => {
    const { x, y } = batch(k);
    trainingStep.value = k;
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => tf.losses.meanSquaredError(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, variables);
      optimizer.applyGradients(grads as tf.NamedTensorMap as never);
      value.dataSync();
    });
    tf.dispose([x, y]);
  };
  const n = backend === 'cpu' ? Math.min(steps, 3) : steps;
  step(0); // warm-up: kernels, first allocations
  started = performance.now();
  for (let k = 1; k <= n; k++) step(k);
  const trainRate = (n * batchSize) / ((performance.now() - started) / 1000);
  started = performance.now();
  for (let k = 1; k <= n; k++) {
    const { x, y } = batch(k);
    tf.tidy(() => (model.predict(x) as tf.Tensor).dataSync());
    tf.dispose([x, y]);
  }
  const predictRate = (n * batchSize) / ((performance.now() - started) / 1000);
  rates[backend] = trainRate;
  rates[`${backend}-infer`] = predictRate;
  const epochMinutes = (0.7 * rows) / trainRate / 60;
  console.log(
    `${backend}: training ${trainRate.toFixed(0)} samples/s (batch ${batchSize}, ${n} steps; one pre-training epoch of ${(0.7 * rows / 1000).toFixed(0)}k rows ≈ ${epochMinutes.toFixed(0)} min), ` +
      `inference ${predictRate.toFixed(0)} samples/s; ${model.countParams()} parameters`,
  );
  model.dispose();

  if (backend === 'wasm') {
    // As the stage trains by default: the same steps through fit()'s sharded path.
    const sharding = shardingOptions(params);
    const { model: sharded } = buildTextModel({ ...params, vocabSize: tokenizer.vocabSize, maxLength: params.maxLength, outputBias: 0.28 });
    const parallel = await DataParallel.create(sharded, { ...sharding, setupModule: TEXT_LAYERS_MODULE });
    const shardedOptimizer = new FusedAdam(params.pretrainLearningRate);
    const shardedStep = async (k: number) => {
      const { x, y } = batch(k);
      const { grads } = await parallel.gradients(x, y, undefined, k);
      shardedOptimizer.applyGradients(grads as never);
      tf.dispose([x, y, ...Object.values(grads)]);
    };
    await shardedStep(0);
    started = performance.now();
    for (let k = 1; k <= n; k++) await shardedStep(k);
    rates.sharded = (n * batchSize) / ((performance.now() - started) / 1000);
    started = performance.now();
    for (let k = 1; k <= n; k++) {
      const { x, y } = batch(k);
      const p = await parallel.predict(x);
      p.dataSync();
      tf.dispose([x, y, p]);
    }
    rates['sharded-infer'] = (n * batchSize) / ((performance.now() - started) / 1000);
    await parallel.close();
    sharded.dispose();
    console.log(`wasm, fit default (${sharding.shards} shards on ${parallel.replicas} threads): training ${rates.sharded.toFixed(0)} samples/s, inference ${rates['sharded-infer'].toFixed(0)} samples/s`);
  }
}

// 3. The same Transformer in PyTorch on the same machine, in the same run (Debian's python3-torch).
const python = '/usr/bin/python3';
const torch = spawnSync(python, [
  path.resolve(import.meta.dirname, '../../../tools/bench/torch_text_bench.py'),
  '--vocab', String(tokenizer.vocabSize), '--width', String(Math.round(meanWidth)), '--batch', String(batchSize), '--steps', String(steps), '--threads', '2',
  '--d', String(params.dModel), '--heads', String(params.heads), '--layers', String(params.layers), '--ff', String(params.ffDim), '--dropout', String(params.dropout),
], { encoding: 'utf8' });
let reference: { train_samples_per_s: number; infer_samples_per_s: number; parameters: number } | undefined;
if (torch.status === 0) {
  reference = JSON.parse(torch.stdout.trim().split('\n').pop()!) as NonNullable<typeof reference>;
  console.log(`PyTorch CPU, 2 threads (nn.TransformerEncoder, norm_first, GELU; ${reference.parameters} parameters): training ${reference.train_samples_per_s.toFixed(0)} samples/s, inference ${reference.infer_samples_per_s.toFixed(0)} samples/s`);
} else {
  console.log(`PyTorch reference: not run (${python} tools/bench/torch_text_bench.py needs python3-torch: apt-get install python3-torch)`);
}
if (rates.sharded) {
  const note = reference ? undefined : 'PyTorch not run here: install python3-torch';
  const work = (what: string) => `Transformer ${what} (d ${params.dModel}, ${params.layers} layers, batch ${batchSize}, fit default on 2 threads), samples/s`;
  printTargets([
    { work: work('train'), hitcast: rates.sharded, referenceName: 'PyTorch 2 threads', reference: reference?.train_samples_per_s, goal: { min: 1.0 }, note },
    { work: work('inference'), hitcast: rates['sharded-infer'], referenceName: 'PyTorch 2 threads', reference: reference?.infer_samples_per_s, note },
    { work: 'Transformer train, one thread, samples/s', hitcast: rates.wasm, referenceName: 'PyTorch 2 threads', reference: reference?.train_samples_per_s, note },
  ]);
}
