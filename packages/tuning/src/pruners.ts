import { lastStep, type Direction, type FrozenTrial, type PruneRequest, type Pruner } from './types.ts';

export interface PercentilePrunerOptions {
  /** No pruning until this many trials are complete (Optuna: 5). */
  nStartupTrials?: number;
  /** No pruning before this step (Optuna: 0). */
  nWarmupSteps?: number;
  /** Check every this many steps after the warm-up (Optuna: 1). */
  intervalSteps?: number;
  /** No pruning at a step fewer than this many complete trials reported (Optuna: 1). */
  nMinTrials?: number;
}

/**
 * Optuna's PercentilePruner (pruners/_percentile.py): at step s, prune when the trial's best
 * intermediate value so far is worse than the given percentile of the complete trials' values at
 * step s. A trial whose values are all NaN is pruned.
 */
export class PercentilePruner implements Pruner {
  readonly name: string = 'percentile';
  readonly percentile: number;
  readonly nStartupTrials: number;
  readonly nWarmupSteps: number;
  readonly intervalSteps: number;
  readonly nMinTrials: number;

  constructor(percentile: number, options: PercentilePrunerOptions = {}) {
    this.percentile = percentile;
    this.nStartupTrials = options.nStartupTrials ?? 5;
    this.nWarmupSteps = options.nWarmupSteps ?? 0;
    this.intervalSteps = options.intervalSteps ?? 1;
    this.nMinTrials = options.nMinTrials ?? 1;
    if (!(percentile >= 0 && percentile <= 100)) throw new RangeError(`percentile must lie in [0, 100], got ${percentile}`);
    if (!(this.nStartupTrials >= 0 && this.nWarmupSteps >= 0 && this.intervalSteps >= 1 && this.nMinTrials >= 1)) {
      throw new RangeError('nStartupTrials and nWarmupSteps must be ≥ 0, intervalSteps and nMinTrials ≥ 1');
    }
  }

  prune({ trial, trials, direction }: PruneRequest): boolean {
    const complete = trials.filter((t) => t.state === 'complete');
    if (complete.length === 0 || complete.length < this.nStartupTrials) return false;
    const step = lastStep(trial);
    if (step === undefined || step < this.nWarmupSteps) return false;
    if (!this.isCheckStep(step, trial)) return false;

    const best = bestIntermediate(trial, direction);
    if (Number.isNaN(best)) return true;
    const reference = percentileAtStep(complete, step, direction === 'maximize' ? 100 - this.percentile : this.percentile, this.nMinTrials);
    if (Number.isNaN(reference)) return false;
    return direction === 'maximize' ? best < reference : best > reference;
  }

  /** True when no earlier report of this trial already fell in the same interval (Optuna's _is_first_in_interval_step). */
  private isCheckStep(step: number, trial: FrozenTrial): boolean {
    const nearestCheck = Math.floor((step - this.nWarmupSteps) / this.intervalSteps) * this.intervalSteps + this.nWarmupSteps;
    let secondLast = -1;
    for (const s of trial.intermediateValues.keys()) if (s > secondLast && s !== step) secondLast = s;
    return secondLast < nearestCheck;
  }
}

/** Optuna's MedianPruner: the 50th percentile, defaults 5 start-up trials, 0 warm-up steps, interval 1, n_min_trials 1. */
export class MedianPruner extends PercentilePruner {
  override readonly name = 'median';

  constructor(options: PercentilePrunerOptions = {}) {
    super(50, options);
  }
}

/** Never prunes. */
export class NopPruner implements Pruner {
  readonly name = 'none';

  prune(): boolean {
    return false;
  }
}

/** The best of a trial's intermediate values, NaN ignored (NaN when all are NaN). */
function bestIntermediate(trial: FrozenTrial, direction: Direction): number {
  let best = NaN;
  for (const v of trial.intermediateValues.values()) {
    if (Number.isNaN(v)) continue;
    if (Number.isNaN(best) || (direction === 'minimize' ? v < best : v > best)) best = v;
  }
  return best;
}

/**
 * numpy's nanpercentile (linear interpolation) of the complete trials' values at `step`; NaN when
 * fewer than nMinTrials of them reported at that step (NaN reports count) or when all are NaN.
 */
export function percentileAtStep(complete: readonly FrozenTrial[], step: number, percentile: number, nMinTrials: number): number {
  const values: number[] = [];
  for (const t of complete) if (t.intermediateValues.has(step)) values.push(t.intermediateValues.get(step) as number);
  if (values.length < nMinTrials) return NaN;
  return nanPercentile(values, percentile);
}

export function nanPercentile(values: readonly number[], percentile: number): number {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const position = (percentile / 100) * (sorted.length - 1);
  const lower = Math.floor(position);
  const upper = Math.min(lower + 1, sorted.length - 1);
  const fraction = position - lower;
  return fraction === 0 ? sorted[lower] : sorted[lower] + fraction * (sorted[upper] - sorted[lower]);
}
