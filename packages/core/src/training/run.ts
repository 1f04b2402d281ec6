import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { writeFileAtomic } from '../atomic.ts';
import { HitcastError } from '../errors.ts';
import { defaultLog } from '../log.ts';
import { saveModel } from '../tf/model-io.ts';
import { fit, type FitOptions, type FitResult } from './fit.ts';
import { describeReport, writeRunReport, type Prediction, type RunReport } from './report.ts';
import type { Split } from './split.ts';

export { defaultLog };

/** What a training run does after its best weights are restored. */
export interface RunOutcome {
  /** Every merged-set song's prediction (0–100), for predictions.arrow and the test metrics. */
  predictions: Prediction[];
  /** The model to save, when it is not the trained one (e.g. a frozen head folded into the full model). */
  model?: tf.LayersModel;
  /** userDefinedMetadata of the saved model.json. */
  metadata?: Record<string, unknown>;
  /** More fields for metrics.json (model configuration, speed, other test sets). */
  extra?: Record<string, unknown>;
}

export interface RunSpec {
  run: string;
  runDir: string;
  backend: string;
  /** Parameters recorded in metrics.json. */
  params: Record<string, unknown>;
  /** What a checkpoint must have been made with to be resumed: model shape and training settings. */
  config: Record<string, unknown>;
  resume: boolean;
  /** The fit loop's options, less what trainRun supplies. */
  fit: Omit<FitOptions, 'name' | 'runDir' | 'resume' | 'log'>;
  finish: (result: FitResult) => Promise<RunOutcome> | RunOutcome;
  log?: (line: string) => void;
}

/**
 * One training run, the same for every model stage: refuse to resume a checkpoint made with another
 * configuration, train with the shared fit loop (checkpoint per epoch, early stopping, best weights
 * restored), predict every song, save the model, write metrics.json and predictions.arrow, log one line.
 */
export async function trainRun(spec: RunSpec): Promise<RunReport> {
  const log = spec.log ?? defaultLog;
  await checkRunConfig(spec.runDir, spec.config, spec.resume);
  const result = await fit({ ...spec.fit, name: spec.run, runDir: spec.runDir, resume: spec.resume, log });
  const outcome = await spec.finish(result);
  await saveModel(outcome.model ?? spec.fit.model, path.join(spec.runDir, 'model'), outcome.metadata);
  const report = await writeRunReport(spec.runDir, { run: spec.run, backend: spec.backend, params: spec.params, fit: result, predictions: outcome.predictions, extra: outcome.extra });
  log(describeReport(report));
  return report;
}

/**
 * A checkpoint only fits the model and batches it was made with: `run.json` records them, and resuming
 * with other ones is refused instead of failing on a weight shape (or silently training on other data).
 */
export async function checkRunConfig(runDir: string, config: Record<string, unknown>, resume: boolean): Promise<void> {
  const file = path.join(runDir, 'run.json');
  const text = `${JSON.stringify(config, null, 2)}\n`;
  if (resume && existsSync(path.join(runDir, 'checkpoint'))) {
    const saved = existsSync(file) ? await fs.readFile(file, 'utf8') : '';
    if (saved !== text) {
      throw new HitcastError(`the checkpoint in ${runDir} was made with other model or training parameters`, {
        fix: `run without --resume to start over, or restore the parameters it was made with (${file})`,
      });
    }
  }
  await writeFileAtomic(file, text);
}

/** A song as batched prediction sees it. */
export interface PredictableSong {
  id: string;
  split: Split;
  /** Popularity, 0–100. */
  popularity: number;
}

/**
 * The model's prediction for every song, in inference mode, `batchSize` songs per call: the songs may
 * stream (an async iterable), so a large set is never held as model inputs at once. Outputs are
 * popularity / 100, reported on the 0–100 scale.
 */
export async function predictInBatches<S extends PredictableSong>(
  model: tf.LayersModel,
  songs: Iterable<S> | AsyncIterable<S>,
  batchSize: number,
  toInputs: (batch: S[]) => tf.Tensor | tf.Tensor[],
): Promise<Prediction[]> {
  const predictions: Prediction[] = [];
  let pending: S[] = [];
  const flush = async () => {
    if (pending.length === 0) return;
    const output = tf.tidy(() => model.predict(toInputs(pending)) as tf.Tensor);
    const values = await output.data(); // asynchronously (webgpu in Node has no synchronous read), outside tidy
    output.dispose();
    pending.forEach((song, k) => predictions.push({ id: song.id, split: song.split, predicted: values[k] * 100, actual: song.popularity }));
    pending = [];
  };
  for await (const song of songs) {
    pending.push(song);
    if (pending.length === batchSize) await flush();
  }
  await flush();
  return predictions;
}
