/**
 * Data parallelism for the single-threaded backends (wasm, cpu). Each batch is split into a fixed
 * number of equal **shards**; each shard's gradient is computed on one thread — the main thread or a
 * worker with its own wasm instance and a replica of the model — and the shard gradients are
 * averaged, weighted by shard size, always in shard order.
 *
 * The shard count, not the worker count, decides the result: a shard's gradient is the same
 * computation wherever it runs (same kernels, same weights, dropout seeded by step and shard), so
 * 2 shards on one thread (gradient accumulation, which also bounds the memory one batch needs) and
 * 2 shards on two threads give bit-identical weights. That is why `workers` is a speed-only setting
 * and `shards` a result parameter. Like PyTorch's DDP without SyncBatchNorm, batch norm sees
 * per-shard statistics; its moving averages come from shard 0 (always on the main thread).
 *
 * It pays only while the other cores are otherwise idle; with libtensorflow (tfjs-node) there is
 * nothing to gain, since its kernels already use every core (the fit loop then keeps workers at 0).
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { trainingStep } from '../training/seeded-dropout.ts';
import { startTypeScriptWorker } from '../worker-pool.ts';

export type LossName = 'meanSquaredError' | 'absoluteDifference' | 'huberLoss' | 'logLoss' | 'sigmoidCrossEntropy' | 'softmaxCrossEntropy';

export interface DataParallelOptions {
  /** Worker threads besides the main thread (default: min(cores − 1, shards − 1)). 0 computes every shard on main. */
  workers?: number;
  /** Shards per batch (default: workers + 1). The result depends on this, not on `workers`. */
  shards?: number;
  /** Loss from tf.losses applied to (labels, predictions), averaged over the batch. */
  loss?: LossName;
  /** Module each worker imports before building the model (to register custom layers). */
  setupModule?: string;
  /** Backend for the workers (default: the main thread's; only wasm and cpu can run in workers). */
  backend?: 'wasm' | 'cpu';
}

/** What crosses the thread boundary: raw buffers plus shape and dtype. */
export interface Packed { data: Float32Array | Int32Array; shape: number[]; dtype: 'float32' | 'int32' }
export const pack = (t: tf.Tensor): Packed => ({ data: t.dataSync() as Float32Array | Int32Array, shape: t.shape, dtype: t.dtype === 'int32' ? 'int32' : 'float32' });
/** Pack and free a temporary (not inside tf.tidy: tidy would walk the returned array element by element). */
const packSlice = (t: tf.Tensor): Packed => {
  const packed = pack(t);
  t.dispose();
  return packed;
};
export const unpack = (p: Packed): tf.Tensor => tf.tensor(p.data, p.shape, p.dtype);

/** One shard's work as a worker receives it. `weights` carries only what changed since its last shard. */
export interface ShardTask {
  /** `predict`: the model's outputs in inference mode instead of a gradient (then `train`, `loss`, `step` are unused). */
  kind: 'gradients' | 'predict';
  weights: { index: number; value: Packed }[];
  /** Indices into model.weights of the variables to differentiate. */
  train: number[];
  inputs: Packed[];
  target: Packed;
  loss: LossName;
  step: number;
  shard: number;
}
export interface ShardResult {
  loss: number;
  grads: Packed[];
  /** `predict`: the outputs. */
  output?: Packed;
  /** The worker's wasm heap (it only grows): what its largest shard needed. */
  heapBytes: number;
}

/**
 * The fit options for a stage's `shards` (result) and `workers` (speed only: threads that compute
 * shards, the main thread included) parameters, capped at the cores there are and the shards there
 * are to compute.
 */
export function shardingOptions(params: { shards: number; workers: number }): { shards: number; workers: number } {
  return { shards: params.shards, workers: Math.max(0, Math.min(params.workers, availableParallelism(), params.shards) - 1) };
}

/**
 * Σ share(i) · grad_i in shard order, in one pass: each product and each sum rounded to float32, exactly
 * what a multiply and an add per shard on a float32 backend give, without their kernel calls.
 */
function weightedSum(parts: (tf.Tensor | Float32Array)[], share: (i: number) => number): Float32Array {
  const f = Math.fround;
  const arrays = parts.map((p) => (p instanceof Float32Array ? p : (p.dataSync() as Float32Array)));
  const out = new Float32Array(arrays[0].length);
  const s0 = f(share(0));
  for (let j = 0; j < out.length; j++) out[j] = f(arrays[0][j] * s0);
  for (let i = 1; i < arrays.length; i++) {
    const [a, s] = [arrays[i], f(share(i))];
    for (let j = 0; j < out.length; j++) out[j] = f(out[j] + f(a[j] * s));
  }
  return out;
}

/** The default worker count: one per spare core, never more than the shards can use. */
export function defaultWorkers(shards: number): number {
  return Math.max(0, Math.min(availableParallelism() - 1, shards - 1));
}

/**
 * The gradient of `loss(target, model(inputs))` over `variables`, with dropout seeded by (step, shard),
 * the loss left as a tensor (webgpu in Node cannot read a tensor synchronously: read it with `await`).
 */
export function shardGradientTensors(
  model: tf.LayersModel,
  loss: LossName,
  inputs: tf.Tensor | tf.Tensor[],
  target: tf.Tensor,
  variables: tf.Variable[] = model.trainableWeights.map((w) => w.read() as tf.Variable),
  at: { step: number; shard: number } = { step: trainingStep.value, shard: trainingStep.shard },
): { loss: tf.Scalar; grads: tf.Tensor[] } {
  trainingStep.value = at.step;
  trainingStep.shard = at.shard;
  const { value, grads } = tf.variableGrads(() => tf.losses[loss](target, model.apply(inputs, { training: true }) as tf.Tensor) as tf.Scalar, variables);
  return { loss: value, grads: variables.map((v) => grads[v.name]) };
}

/**
 * The gradient of `loss(target, model(inputs))` over `variables`, with dropout seeded by (step, shard).
 * The same function runs a shard on the main thread and in a worker.
 */
export function shardGradients(...args: Parameters<typeof shardGradientTensors>): { loss: number; grads: tf.Tensor[] } {
  const { loss, grads } = shardGradientTensors(...args);
  const lossValue = loss.dataSync()[0];
  loss.dispose();
  return { loss: lossValue, grads };
}

/**
 * weightedSum on the backend itself, for backends that keep tensors on a device (webgpu, libtensorflow):
 * the same float32 products and sums in the same order, without copying every gradient to the host.
 */
function weightedSumOnDevice(parts: tf.Tensor[], share: (i: number) => number): tf.Tensor {
  return tf.tidy(() => {
    let out = tf.mul(parts[0], tf.scalar(Math.fround(share(0))));
    for (let i = 1; i < parts.length; i++) out = tf.add(out, tf.mul(parts[i], tf.scalar(Math.fround(share(i)))));
    return out;
  });
}

interface Pending { resolve: (r: ShardResult) => void; reject: (e: unknown) => void }

export class DataParallel {
  /** Per worker: the data id of each model weight it was last sent (by model.weights index). */
  private readonly sent: Map<Worker, unknown[]>;

  private constructor(
    private readonly model: tf.LayersModel,
    private readonly loss: LossName,
    private readonly workers: Worker[],
    private readonly pending: Map<Worker, Pending>,
    /** Shards per batch. */
    readonly shards: number,
  ) {
    this.sent = new Map(workers.map((w) => [w, []]));
  }

  static async create(model: tf.LayersModel, options: DataParallelOptions = {}): Promise<DataParallel> {
    const shards = options.shards ?? (options.workers ?? defaultWorkers(Infinity)) + 1;
    if (!Number.isInteger(shards) || shards < 1) throw new Error(`shards must be a whole number ≥ 1 (got ${shards})`);
    const count = Math.min(options.workers ?? defaultWorkers(shards), shards - 1);
    const backend = options.backend ?? (tf.getBackend() === 'cpu' ? 'cpu' : 'wasm');
    const topology = JSON.stringify(model.toJSON(null, false));
    const workers: Worker[] = [];
    const pending = new Map<Worker, Pending>();
    try {
      for (let i = 0; i < count; i++) {
        const worker = startTypeScriptWorker(new URL('./data-parallel-worker.ts', import.meta.url), {
          workerData: { topology, setupModule: options.setupModule, backend },
        });
        workers.push(worker);
        await new Promise<void>((resolve, reject) => {
          worker.once('message', (m) => (m === 'ready' ? resolve() : reject(new Error(`data-parallel worker could not start: ${String(m)}`))));
          worker.once('error', reject);
        });
        worker.on('message', (m: ShardResult | { error: string }) => {
          const p = pending.get(worker);
          pending.delete(worker);
          if ('error' in m) p?.reject(new Error(`data-parallel worker: ${m.error}`));
          else p?.resolve(m);
        });
        worker.on('error', (e) => {
          pending.get(worker)?.reject(e);
          pending.delete(worker);
        });
      }
    } catch (error) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw error;
    }
    return new DataParallel(model, options.loss ?? 'meanSquaredError', workers, pending, shards);
  }

  /** Threads that compute shards: the main thread and the workers. */
  get replicas(): number {
    return this.workers.length + 1;
  }

  /**
   * Mean loss and mean gradient over the whole batch, keyed by variable name as
   * `optimizer.applyGradients` wants; the caller disposes the gradients. `variables` defaults to the
   * model's trainable weights; `step` seeds dropout (with the shard index).
   */
  async gradients(
    inputs: tf.Tensor | tf.Tensor[],
    target: tf.Tensor,
    variables: tf.Variable[] = this.model.trainableWeights.map((w) => w.read() as tf.Variable),
    step = trainingStep.value,
  ): Promise<{ loss: number; grads: tf.NamedTensorMap }> {
    const inputList = Array.isArray(inputs) ? inputs : [inputs];
    const n = target.shape[0];
    const shards = Math.min(this.shards, n);
    const bounds = Array.from({ length: shards + 1 }, (_, i) => Math.round((i * n) / shards));
    const slice = (t: tf.Tensor, i: number) => t.slice(bounds[i], bounds[i + 1] - bounds[i]);
    const threadOf = (i: number) => i % this.replicas; // 0 = main
    const modelWeights = this.model.weights.map((w) => w.read());
    const train = variables.map((v) => {
      const index = modelWeights.indexOf(v);
      if (index < 0) throw new Error(`variable ${v.name} is not a weight of the model`);
      return index;
    });

    // Workers first, so they run while the main thread computes its own shards.
    const remote = new Map<number, Promise<ShardResult>>();
    for (let i = 0; i < shards; i++) {
      if (threadOf(i) === 0) continue;
      const worker = this.workers[threadOf(i) - 1];
      const task: ShardTask = {
        kind: 'gradients',
        weights: this.changedWeights(worker, modelWeights),
        train,
        inputs: inputList.map((t) => packSlice(slice(t, i))),
        target: packSlice(slice(target, i)),
        loss: this.loss,
        step,
        shard: i,
      };
      const previous = remote.get(i - this.replicas);
      // Posted now, before the main thread starts on its own shard (a .then would wait for that to
      // finish); a worker's later shards are posted when its previous one is answered.
      remote.set(i, previous ? previous.then(() => this.post(worker, task)) : this.post(worker, task));
    }
    const results: { loss: number; grads: (tf.Tensor | Float32Array)[] }[] = new Array(shards);
    let movingStatistics: tf.Tensor[] | undefined;
    for (let i = 0; i < shards; i++) {
      if (threadOf(i) !== 0) continue;
      const r = tf.tidy(() => {
        const r = shardGradientTensors(this.model, this.loss, inputList.map((t) => slice(t, i)), slice(target, i), variables, { step, shard: i });
        return { loss: tf.keep(r.loss), grads: r.grads.map((g) => tf.keep(g)) };
      });
      results[i] = { loss: (await r.loss.data())[0], grads: r.grads };
      r.loss.dispose();
      // Batch norm's moving averages follow shard 0 only, wherever the other shards run.
      if (i === 0 && shards > this.replicas) movingStatistics = this.model.nonTrainableWeights.map((w) => w.read().clone());
    }
    if (movingStatistics) {
      this.model.nonTrainableWeights.forEach((w, k) => w.write(movingStatistics![k]));
      tf.dispose(movingStatistics);
    }
    for (const [i, promise] of remote) {
      const r = await promise;
      this.noteHeap(r);
      results[i] = { loss: r.loss, grads: r.grads.map((g) => g.data as Float32Array) };
    }
    // Each shard's loss is a mean over its rows: weight by shard size, sum in shard order.
    const share = (i: number) => (bounds[i + 1] - bounds[i]) / n;
    const loss = results.reduce((sum, r, i) => sum + r.loss * share(i), 0);
    const grads: tf.NamedTensorMap = {};
    // wasm and cpu hold tensors in host memory (and worker shards arrive as arrays): one pass in JS.
    const onHost = this.workers.length > 0 || ['wasm', 'cpu'].includes(tf.getBackend());
    variables.forEach((v, k) => {
      const parts = results.map((r) => r.grads[k]);
      grads[v.name] =
        shards === 1 ? (parts[0] as tf.Tensor)
        : onHost ? tf.tensor(weightedSum(parts, share), v.shape, 'float32')
        : weightedSumOnDevice(parts as tf.Tensor[], share);
    });
    if (shards > 1) results.forEach((r) => tf.dispose(r.grads.filter((g): g is tf.Tensor => g instanceof tf.Tensor)));
    return { loss, grads };
  }

  /**
   * The model's outputs for a batch in inference mode, the rows split evenly over the threads (the
   * main thread takes the first part). Each row's output does not depend on the split.
   */
  async predict(inputs: tf.Tensor | tf.Tensor[]): Promise<tf.Tensor> {
    const inputList = Array.isArray(inputs) ? inputs : [inputs];
    const n = inputList[0].shape[0];
    const parts = Math.min(this.replicas, n);
    const bounds = Array.from({ length: parts + 1 }, (_, i) => Math.round((i * n) / parts));
    const slice = (t: tf.Tensor, i: number) => t.slice(bounds[i], bounds[i + 1] - bounds[i]);
    const modelWeights = this.model.weights.map((w) => w.read());
    const remote = this.workers.slice(0, parts - 1).map((worker, k) =>
      this.post(worker, {
        kind: 'predict',
        weights: this.changedWeights(worker, modelWeights),
        train: [],
        inputs: inputList.map((t) => packSlice(slice(t, k + 1))),
        target: { data: new Float32Array(0), shape: [0], dtype: 'float32' },
        loss: this.loss,
        step: 0,
        shard: k + 1,
      }),
    );
    const local = tf.tidy(() => {
      const own = inputList.map((t) => slice(t, 0));
      return this.model.predict(own.length === 1 ? own[0] : own) as tf.Tensor;
    });
    const others = await Promise.all(remote);
    others.forEach((r) => this.noteHeap(r));
    const outputs = [local, ...others.map((r) => unpack(r.output!))];
    const whole = tf.concat(outputs, 0);
    tf.dispose(outputs);
    return whole;
  }

  /** The largest wasm heap a worker has reported (0 on cpu or before any shard ran in a worker). */
  get workerHeapBytes(): number {
    return this.largestWorkerHeap;
  }
  private largestWorkerHeap = 0;
  private noteHeap(r: ShardResult): void {
    this.largestWorkerHeap = Math.max(this.largestWorkerHeap, r.heapBytes);
  }

  /** One optimizer step on the whole batch; returns the loss. */
  async train(optimizer: tf.Optimizer, inputs: tf.Tensor | tf.Tensor[], target: tf.Tensor): Promise<number> {
    const { loss, grads } = await this.gradients(inputs, target);
    optimizer.applyGradients(grads);
    tf.dispose(grads);
    return loss;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  /**
   * The weights a worker lacks or holds stale: all of them the first time, then those whose data
   * changed (an optimizer step or a setWeights gives a variable new data; frozen backbones keep theirs
   * and are sent once).
   */
  private changedWeights(worker: Worker, current: tf.Tensor[]): ShardTask['weights'] {
    const held = this.sent.get(worker)!;
    const changed: ShardTask['weights'] = [];
    current.forEach((value, index) => {
      if (held[index] === value.dataId) return;
      held[index] = value.dataId;
      changed.push({ index, value: pack(value) });
    });
    return changed;
  }

  private post(worker: Worker, task: ShardTask): Promise<ShardResult> {
    // On wasm, dataSync copies out of the heap, so the buffers can move to the worker instead of being
    // copied again; on cpu it returns the backend's own arrays, which must stay.
    const transfer = tf.getBackend() === 'wasm' ? [...task.weights.map((w) => w.value.data.buffer), ...task.inputs.map((p) => p.data.buffer), task.target.data.buffer] : [];
    return new Promise<ShardResult>((resolve, reject) => {
      this.pending.set(worker, { resolve, reject });
      worker.postMessage(task, transfer as ArrayBuffer[]);
    });
  }
}
