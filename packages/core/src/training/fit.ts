import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { defaultLog } from '../log.ts';
import { DataParallel, defaultWorkers } from '../tf/data-parallel.ts';
import { FusedAdam } from './adam.ts';
import { loadCheckpoint, modelWeights, saveCheckpoint, type NamedTensor } from './checkpoint.ts';

/** One batch: model inputs and the target (popularity / 100). The fit loop disposes both. */
export interface Batch {
  inputs: tf.Tensor | tf.Tensor[];
  target: tf.Tensor;
}

/** A set of variables trained with its own Adam learning rate (e.g. backbone vs head). */
export interface TrainablePart {
  name: string;
  variables: tf.LayerVariable[];
  learningRate: number;
}

export interface EpochRecord {
  epoch: number;
  trainLoss: number;
  validationLoss: number;
  seconds: number;
}

export interface FitOptions {
  /** Label in progress lines. */
  name: string;
  model: tf.LayersModel;
  /** What is trained; variables in no part stay frozen. */
  parts: TrainablePart[];
  /** Batches of one epoch, in an order that depends only on the epoch (for resumable runs). */
  trainBatches: (epoch: number) => AsyncIterable<Batch>;
  validationBatches: () => AsyncIterable<Batch>;
  epochs: number;
  /** Stop after this many epochs without a better validation loss. */
  patience: number;
  /** Folder for the per-epoch checkpoint (`<dir>/checkpoint`). */
  runDir: string;
  /** Continue from the checkpoint in runDir if there is one. */
  resume: boolean;
  log?: (line: string) => void;
  /** Stop (as if killed) after this epoch: for tests of resuming. */
  haltAfterEpoch?: number;
  /**
   * Called after each epoch with its record (e.g. a tuning trial reports the validation loss to its
   * pruner); returning true ends training there, with the best weights so far restored.
   */
  onEpochEnd?: (record: EpochRecord) => boolean | void | Promise<boolean | void>;
  /**
   * Each batch is split into this many equal shards whose gradients are averaged (default 1). A result
   * setting: batch norm sees per-shard statistics, and it bounds the memory one step needs.
   */
  shards?: number;
  /**
   * Worker threads that compute shards beside the main thread (default: one per spare core, at most
   * shards − 1; always 0 on libtensorflow, whose kernels use every core, and on webgpu, whose one
   * device the main thread drives). Speed only: the weights are bit-identical for any worker count.
   */
  workers?: number;
  /** Module the workers import before building the model (custom layers). */
  setupModule?: string;
}

export interface FitResult {
  history: EpochRecord[];
  bestEpoch: number;
  bestValidationLoss: number;
  stoppedEarly: boolean;
  resumedFromEpoch: number;
  halted: boolean;
  /** Training ended because onEpochEnd asked for it. */
  stoppedByCaller: boolean;
}

interface FitState {
  epochsDone: number;
  history: EpochRecord[];
  bestEpoch: number;
  bestValidationLoss: number;
  epochsWithoutImprovement: number;
  step: number;
  stoppedEarly: boolean;
}

const mse = (target: tf.Tensor, predicted: tf.Tensor): tf.Scalar => tf.losses.meanSquaredError(target, predicted) as tf.Scalar;

/**
 * The training loop shared by every hitcast model: Adam per part, MSE, a checkpoint after each epoch
 * (weights, optimizer state, history), resume, early stopping on validation loss, and the best weights
 * restored at the end. Kept as one explicit loop rather than model.fit so that frozen parts, per-part
 * learning rates and exact resumption are plain to see.
 */
export async function fit(options: FitOptions): Promise<FitResult> {
  const { model, parts } = options;
  const log = options.log ?? defaultLog;
  // tfjs's Adam, one kernel per variable on wasm (bit-identical: see adam.ts).
  const optimizers = parts.map((part) => new FusedAdam(part.learningRate));
  // LayerVariable.read() is the underlying tf.Variable (as tfjs-layers' own fit uses it).
  const variables = parts.flatMap((part) => part.variables.map((v) => v.read() as tf.Variable));
  const checkpointDir = path.join(options.runDir, 'checkpoint');
  const tensorNames = ['weights', 'best', ...parts.map((_, i) => `optimizer-${i}`)];

  let state: FitState = {
    epochsDone: 0,
    history: [],
    bestEpoch: 0,
    bestValidationLoss: Infinity,
    epochsWithoutImprovement: 0,
    step: 0,
    stoppedEarly: false,
  };
  let best = modelWeights(model).map((w) => ({ name: w.name, tensor: w.tensor.clone() }));
  if (options.resume) {
    const checkpoint = await loadCheckpoint<FitState>(checkpointDir, tensorNames);
    if (checkpoint) {
      state = checkpoint.state;
      model.setWeights(checkpoint.tensors.weights.map((w) => w.tensor));
      best.forEach((w) => w.tensor.dispose());
      best = checkpoint.tensors.best;
      for (const [i, optimizer] of optimizers.entries()) await restoreAdam(optimizer, checkpoint.tensors[`optimizer-${i}`]);
      log(`${options.name}: resumed after epoch ${state.epochsDone}`);
    }
  }
  const resumedFromEpoch = state.epochsDone;
  const shards = options.shards ?? 1;
  const backend = tf.getBackend();
  // Workers only for the host backends; a device backend (webgpu, libtensorflow) has one device to share.
  const workers = backend === 'wasm' || backend === 'cpu' ? (options.workers ?? defaultWorkers(shards)) : 0;
  const parallel = await DataParallel.create(model, { shards, workers, setupModule: options.setupModule });
  if (shards > 1) log(`${options.name}: each batch in ${shards} shards on ${parallel.replicas} thread${parallel.replicas > 1 ? 's' : ''}`);
  try {
    return await fitEpochs();
  } finally {
    await parallel.close();
  }

  async function fitEpochs(): Promise<FitResult> {

    let halted = false;
    let stoppedByCaller = false;
    for (let epoch = state.epochsDone + 1; epoch <= options.epochs && !state.stoppedEarly; epoch++) {
      const started = Date.now();
      let lossSum = 0;
      let batches = 0;
      for await (const batch of options.trainBatches(epoch)) {
        const { loss, grads } = await parallel.gradients(batch.inputs, batch.target, variables, state.step++);
        parts.forEach((part, i) => {
          const names = new Set(part.variables.map((v) => (v.read() as tf.Variable).name));
          optimizers[i].applyGradients(Object.fromEntries(Object.entries(grads).filter(([name]) => names.has(name))) as tf.NamedTensorMap as Record<string, tf.Variable>);
        });
        tf.dispose(Object.values(grads));
        dispose(batch);
        lossSum += loss;
        batches++;
        if (batches % 10 === 0) log(`${options.name}: epoch ${epoch}/${options.epochs}, batch ${batches}, loss ${(lossSum / batches).toFixed(5)}`);
      }
      const validationLoss = await evaluateLoss(model, options.validationBatches());
      const record = { epoch, trainLoss: lossSum / Math.max(1, batches), validationLoss, seconds: (Date.now() - started) / 1000 };
      state.history.push(record);
      state.epochsDone = epoch;
      if (validationLoss < state.bestValidationLoss) {
        state.bestValidationLoss = validationLoss;
        state.bestEpoch = epoch;
        state.epochsWithoutImprovement = 0;
        best.forEach((w) => w.tensor.dispose());
        best = modelWeights(model).map((w) => ({ name: w.name, tensor: w.tensor.clone() }));
      } else if (++state.epochsWithoutImprovement >= options.patience) {
        state.stoppedEarly = true;
      }
      log(
        `${options.name}: epoch ${epoch}/${options.epochs}: train loss ${record.trainLoss.toFixed(5)}, validation loss ${validationLoss.toFixed(5)}` +
          `${state.bestEpoch === epoch ? ' (best)' : ''}, ${record.seconds.toFixed(1)} s${state.stoppedEarly ? `; no improvement for ${options.patience} epochs, stopping` : ''}`,
      );
      const optimizerWeights = await Promise.all(optimizers.map(adamState));
      await saveCheckpoint(checkpointDir, {
        state,
        tensors: { weights: modelWeights(model), best, ...Object.fromEntries(optimizerWeights.map((w, i) => [`optimizer-${i}`, w])) },
      });
      if (options.haltAfterEpoch === epoch) {
        halted = true;
        break;
      }
      if (options.onEpochEnd && (await options.onEpochEnd(record)) === true) {
        stoppedByCaller = true;
        break;
      }
    }
    if (!halted) model.setWeights(best.map((w) => w.tensor));
    return {
      history: state.history,
      bestEpoch: state.bestEpoch,
      bestValidationLoss: state.bestValidationLoss,
      stoppedEarly: state.stoppedEarly,
      resumedFromEpoch,
      halted,
      stoppedByCaller,
    };
  }
}

/**
 * Adam's state for a checkpoint. tfjs's getWeights leaves out the running powers beta1^t and beta2^t,
 * and setWeights recomputes them with pow(), which differs from the running product in the last bits:
 * keeping them makes a resumed run bit-identical to an uninterrupted one.
 */
type AdamInternals = { accBeta1: tf.Variable; accBeta2: tf.Variable };

async function adamState(optimizer: tf.AdamOptimizer): Promise<NamedTensor[]> {
  const { accBeta1, accBeta2 } = optimizer as unknown as AdamInternals;
  return [...(await optimizer.getWeights()), { name: 'hitcast/accBeta1', tensor: accBeta1 }, { name: 'hitcast/accBeta2', tensor: accBeta2 }];
}

async function restoreAdam(optimizer: tf.AdamOptimizer, state: NamedTensor[]): Promise<void> {
  const powers = state.slice(-2);
  await optimizer.setWeights(state.slice(0, -2));
  const internals = optimizer as unknown as AdamInternals;
  internals.accBeta1.assign(powers[0].tensor);
  internals.accBeta2.assign(powers[1].tensor);
}

/** Mean MSE over batches, inference mode (dropout off, batch norm on its moving statistics). */
export async function evaluateLoss(model: tf.LayersModel, batches: AsyncIterable<Batch>): Promise<number> {
  let sum = 0;
  let count = 0;
  for await (const batch of batches) {
    const n = batch.target.shape[0] ?? 1;
    const loss = tf.tidy(() => mse(batch.target, model.apply(batch.inputs, { training: false }) as tf.Tensor));
    sum += (await loss.data())[0] * n; // read asynchronously: webgpu in Node has no synchronous read
    loss.dispose();
    count += n;
    dispose(batch);
  }
  return count ? sum / count : NaN;
}

function dispose(batch: Batch): void {
  tf.dispose(batch.inputs);
  batch.target.dispose();
}
