/**
 * Data parallelism for the single-threaded backends (wasm, cpu): each step the batch is split into
 * equal shards; the main thread computes the gradient of its shard while worker threads (each
 * with its own wasm instance and a replica of the model) compute theirs; the main thread averages
 * them and the caller applies them with its optimizer. Like PyTorch's DDP without SyncBatchNorm,
 * batch norm sees per-shard statistics, and moving averages come from the main thread's shard.
 *
 * Measured (2 cores, CNN of bench-cnn.ts, batch 8, 128×512): see packages/core/bench/README.md.
 * It pays only while the second core is otherwise idle; with libtensorflow (tfjs-node) there is
 * nothing to gain, since its kernels already use every core.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { startTypeScriptWorker } from '../worker-pool.ts';

export type LossName = 'meanSquaredError' | 'absoluteDifference' | 'huberLoss' | 'logLoss' | 'sigmoidCrossEntropy' | 'softmaxCrossEntropy';

export interface DataParallelOptions {
  /** Worker threads besides the main thread (default: cores − 1). 0 computes everything on main. */
  workers?: number;
  /** Loss from tf.losses applied to (labels, predictions), averaged over the batch. */
  loss?: LossName;
  /** Module each worker imports before building the model (to register custom layers). */
  setupModule?: string;
  /** Backend for the workers (default: the main thread's). */
  backend?: 'wasm' | 'cpu';
}

/** What crosses the thread boundary: raw float32 buffers plus shapes. */
export interface Packed { data: Float32Array; shape: number[] }
const pack = (t: tf.Tensor): Packed => ({ data: t.dataSync() as Float32Array, shape: t.shape });

/** The gradient of `loss(y, model(x))` over the trainable weights (shared by main and workers). */
export function shardGradients(model: tf.LayersModel, loss: LossName, x: tf.Tensor, y: tf.Tensor): { loss: number; grads: tf.Tensor[] } {
  const variables = model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
  const { value, grads } = tf.variableGrads(
    () => tf.losses[loss](y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar,
    variables,
  );
  const lossValue = value.dataSync()[0];
  value.dispose();
  return { loss: lossValue, grads: variables.map((v) => grads[v.name]) };
}

interface Pending { resolve: (r: { loss: number; grads: Packed[] }) => void; reject: (e: unknown) => void }

export class DataParallel {
  private constructor(
    private readonly model: tf.LayersModel,
    private readonly loss: LossName,
    private readonly workers: Worker[],
    private readonly pending: Map<Worker, Pending>,
  ) {}

  static async create(model: tf.LayersModel, options: DataParallelOptions = {}): Promise<DataParallel> {
    const count = options.workers ?? Math.max(0, availableParallelism() - 1);
    const backend = options.backend ?? (tf.getBackend() === 'cpu' ? 'cpu' : 'wasm');
    const topology = JSON.stringify(model.toJSON(null, false));
    const workers: Worker[] = [];
    const pending = new Map<Worker, Pending>();
    for (let i = 0; i < count; i++) {
      const worker = startTypeScriptWorker(new URL('./data-parallel-worker.ts', import.meta.url), {
        workerData: { topology, setupModule: options.setupModule, backend },
      });
      await new Promise<void>((resolve, reject) => {
        worker.once('message', (m) => (m === 'ready' ? resolve() : reject(new Error(String(m)))));
        worker.once('error', reject);
      });
      worker.on('message', (m: { loss: number; grads: Packed[] } | { error: string }) => {
        const p = pending.get(worker);
        pending.delete(worker);
        if ('error' in m) p?.reject(new Error(`data-parallel worker: ${m.error}`));
        else p?.resolve(m);
      });
      worker.on('error', (e) => {
        pending.get(worker)?.reject(e);
        pending.delete(worker);
      });
      workers.push(worker);
    }
    return new DataParallel(model, options.loss ?? 'meanSquaredError', workers, pending);
  }

  get replicas(): number {
    return this.workers.length + 1;
  }

  /**
   * Mean loss and mean gradient over the whole batch, keyed by variable name as
   * `optimizer.applyGradients` wants. The caller disposes the gradients.
   */
  async gradients(x: tf.Tensor, y: tf.Tensor): Promise<{ loss: number; grads: tf.NamedTensorMap }> {
    const n = x.shape[0];
    const shards = Math.min(this.replicas, n);
    const bounds = Array.from({ length: shards + 1 }, (_, i) => Math.round((i * n) / shards));
    const weights = this.model.trainableWeights.map((w) => pack(w.read()));
    // Workers first, so they run while the main thread computes its own shard.
    const remote = this.workers.slice(0, shards - 1).map((worker, i) => {
      const [a, b] = [bounds[i + 1], bounds[i + 2]];
      const [xt, yt] = [x.slice(a, b - a), y.slice(a, b - a)];
      const [xs, ys] = [pack(xt), pack(yt)];
      tf.dispose([xt, yt]);
      return new Promise<{ loss: number; grads: Packed[] }>((resolve, reject) => {
        this.pending.set(worker, { resolve, reject });
        worker.postMessage({ weights, x: xs, y: ys, loss: this.loss });
      });
    });
    const local = tf.tidy(() => {
      const r = shardGradients(this.model, this.loss, x.slice(0, bounds[1]), y.slice(0, bounds[1]));
      return { loss: r.loss, grads: r.grads.map((g) => tf.keep(g)) };
    });
    const results = await Promise.all(remote);
    // Each shard's loss is a mean over its rows: weight by shard size.
    const share = (i: number) => (bounds[i + 1] - bounds[i]) / n;
    let loss = local.loss * share(0);
    results.forEach((r, i) => (loss += r.loss * share(i + 1)));
    const grads: tf.NamedTensorMap = {};
    this.model.trainableWeights.forEach((w, k) => {
      const name = (w as unknown as { val: tf.Variable }).val.name;
      grads[name] = tf.tidy(() =>
        results.reduce(
          (acc, r, i) => acc.add(tf.tensor(r.grads[k].data, r.grads[k].shape).mul(share(i + 1))),
          local.grads[k].mul(share(0)),
        ),
      );
    });
    tf.dispose(local.grads);
    return { loss, grads };
  }

  /** One optimizer step on the whole batch; returns the loss. */
  async train(optimizer: tf.Optimizer, x: tf.Tensor, y: tf.Tensor): Promise<number> {
    const { loss, grads } = await this.gradients(x, y);
    optimizer.applyGradients(grads);
    tf.dispose(grads);
    return loss;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
