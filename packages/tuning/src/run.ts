import type { Study, Trial } from './study.ts';
import type { FrozenTrial } from './types.ts';

/** Thrown by an objective to stop a trial the pruner has judged hopeless (Optuna's TrialPruned). */
export class TrialPruned extends Error {
  constructor(message = 'trial pruned') {
    super(message);
    this.name = 'TrialPruned';
  }
}

export interface RunTrialsOptions {
  study: Study;
  /** Trains with trial.params and returns the value to minimise (or maximise); may report and prune. */
  objective: (trial: Trial) => number | Promise<number>;
  /** Run until the study holds this many complete and pruned trials, counting every process's. */
  nTrials: number;
  /** Start no new trial after this long (a trial under way is finished, as in Optuna). */
  timeoutSeconds?: number;
  /**
   * When the objective throws (other than TrialPruned), the trial is marked failed and the error
   * rethrown (Optuna's default); with catchErrors the loop carries on with the next trial.
   */
  catchErrors?: boolean;
  /** While other processes run the last trials, how often to look whether one failed (default 1 s). */
  pollSeconds?: number;
  /** Called after each trial this call ran. */
  onTrialFinished?: (trial: FrozenTrial) => void;
}

export interface RunTrialsResult {
  /** The trials this call ran, in order. */
  trials: FrozenTrial[];
  stoppedBy: 'nTrials' | 'timeout';
}

/**
 * Adds trials to the study until it holds `nTrials` complete or pruned trials. Several processes can
 * run this on one journal at once: a trial is only started while complete + pruned + running trials
 * are fewer than nTrials, so together they stop at exactly nTrials; a process with nothing left to
 * start waits for the others' running trials, and takes over when one fails or goes stale.
 */
export async function runTrials(options: RunTrialsOptions): Promise<RunTrialsResult> {
  const { study, objective, nTrials } = options;
  const deadline = options.timeoutSeconds === undefined ? Infinity : Date.now() + options.timeoutSeconds * 1000;
  const pollMs = (options.pollSeconds ?? 1) * 1000;
  const ran: FrozenTrial[] = [];
  for (;;) {
    if (Date.now() >= deadline) return { trials: ran, stoppedBy: 'timeout' };
    const trial = study.tryAsk(nTrials);
    if (!trial) {
      const done = study.trials.filter((t) => t.state === 'complete' || t.state === 'pruned').length;
      if (done >= nTrials) return { trials: ran, stoppedBy: 'nTrials' };
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, Math.min(pollMs, deadline - Date.now()))));
      continue;
    }
    let finished: FrozenTrial;
    try {
      const value = await objective(trial);
      finished = study.tell(trial, value);
    } catch (error) {
      if (error instanceof TrialPruned) {
        finished = study.tell(trial, 'pruned');
      } else {
        finished = study.tell(trial, 'failed', { reason: error instanceof Error ? error.message : String(error) });
        if (!options.catchErrors) throw error;
      }
    }
    ran.push(finished);
    options.onTrialFinished?.(finished);
  }
}
