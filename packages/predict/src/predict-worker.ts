/**
 * A prediction worker thread for batch prediction: it loads the bundle once (on the backend the main
 * thread chose), then for each task reads, decodes and down-samples the rows' spectrograms and runs
 * the model on them. A bad file is that row's error, not the task's.
 */
import { isMainThread } from 'node:worker_threads';
import { isHitcastError } from '@hitcast/core/errors';
import type { BackendName } from '@hitcast/core/tf/backends';
import { serveTasks } from '@hitcast/core/worker-pool';
import { loadTfjs } from './load-tfjs.ts';
import type { Predictor } from './predictor.ts';
import { predictRows, type RowInput, type RowOutcome } from './rows.ts';

export interface PredictTask {
  bundleDir: string;
  /** As --backend: undefined selects the best that loads, as training does. */
  backend?: BackendName;
  rows: RowInput[];
}

/**
 * The rows' outcomes, in order, and the backend line (what runs, what was skipped and why); or why the
 * worker could not predict at all (e.g. the asked-for backend cannot run).
 */
export type PredictTaskResult = { ok: true; outcomes: RowOutcome[]; backend: { name: BackendName; note: string } } | { ok: false; message: string; fix?: string };

let loading: Promise<{ predictor: Predictor; backend: { name: BackendName; note: string } }> | undefined;

export async function predictTask(task: PredictTask): Promise<PredictTaskResult> {
  try {
    loading ??= (async () => {
      await loadTfjs();
      const { selectBackend, SYNCHRONOUS_READS } = await import('@hitcast/core/tf');
      const { Predictor } = await import('./predictor.ts');
      const choice = await selectBackend(task.backend, { log: () => {}, exclude: SYNCHRONOUS_READS });
      return { predictor: await Predictor.load(task.bundleDir), backend: { name: choice.name, note: choice.note } };
    })();
    const { predictor, backend } = await loading;
    return { ok: true, outcomes: await predictRows(predictor, task.rows), backend };
  } catch (error) {
    if (isHitcastError(error)) return { ok: false, message: error.message, fix: error.fix };
    return { ok: false, message: `unexpected error in a prediction worker (a bug in hitcast, please report it): ${(error as Error).stack ?? error}` };
  }
}

if (!isMainThread) void serveTasks(predictTask);
