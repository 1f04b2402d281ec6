import type { Params, SearchSpace } from './space.ts';

export type Direction = 'minimize' | 'maximize';

/** Optuna's states, less WAITING: a trial is running until it is told complete, pruned or failed. */
export type TrialState = 'running' | 'complete' | 'pruned' | 'failed';

/** A trial as the journal knows it; what samplers, pruners and reports read. */
export interface FrozenTrial {
  /** 0, 1, 2, … in the order the trials were created, gap-free across every process of the study. */
  readonly number: number;
  /** Unique id that the journal's records about this trial carry. */
  readonly id: string;
  readonly state: TrialState;
  readonly params: Readonly<Params>;
  /**
   * The objective value of a complete trial; for a pruned trial, its last intermediate value when that
   * is a number (as Optuna does); otherwise undefined.
   */
  readonly value: number | undefined;
  /** Intermediate values by step, in the order they were reported. */
  readonly intermediateValues: ReadonlyMap<number, number>;
  /** Milliseconds since the epoch. */
  readonly startedAt: number;
  readonly finishedAt: number | undefined;
  /** The time of the latest record about this trial (creation, report, heartbeat): its heartbeat. */
  readonly lastSeenAt: number;
  /** The process that ran it. */
  readonly worker: { readonly host: string; readonly pid: number };
  /** Why a failed trial failed. */
  readonly failReason: string | undefined;
}

/** The largest reported step, or undefined before the first report. */
export function lastStep(trial: { readonly intermediateValues: ReadonlyMap<number, number> }): number | undefined {
  let last: number | undefined;
  for (const step of trial.intermediateValues.keys()) if (last === undefined || step > last) last = step;
  return last;
}

export interface SampleRequest {
  readonly space: SearchSpace;
  readonly direction: Direction;
  /** Every trial of the study so far, any state, in number order; the new trial is not among them. */
  readonly trials: readonly FrozenTrial[];
  /** The number the new trial will get. */
  readonly number: number;
}

/** Chooses the parameters of a new trial. Must be a function of the request only (seeded by trial number). */
export interface Sampler {
  readonly name: string;
  sample(request: SampleRequest): Params;
}

export interface PruneRequest {
  readonly direction: Direction;
  /** The running trial, with the intermediate value just reported. */
  readonly trial: FrozenTrial;
  /** Every trial of the study, any state. */
  readonly trials: readonly FrozenTrial[];
}

export interface Pruner {
  readonly name: string;
  prune(request: PruneRequest): boolean;
}
