import { SeededRng } from '@hitcast/core/rng';
import { DEFAULT_PARZEN_PARAMETERS, ParzenEstimator, type ParzenParameters } from './parzen.ts';
import { contains, isSingle, sampleUniform, toExternal, toInternal, type Param, type Params } from './space.ts';
import { lastStep, type Direction, type FrozenTrial, type SampleRequest, type Sampler } from './types.ts';

/**
 * The samplers. Both are seeded by (seed, trial number) alone: the same seed and the same history
 * give the same parameters, whatever else the process did before, and two processes sharing a
 * study never draw from the same stream.
 */

export function trialRng(sampler: string, seed: number, trialNumber: number): SeededRng {
  return new SeededRng(`${sampler}:${seed}:${trialNumber}`);
}

/** Independent uniform draws (uniform in log space for log parameters), as Optuna's RandomSampler. */
export class RandomSampler implements Sampler {
  readonly name = 'random';
  readonly seed: number;

  constructor(options: { seed?: number } = {}) {
    this.seed = options.seed ?? 0;
  }

  sample(request: SampleRequest): Params {
    const rng = trialRng(this.name, this.seed, request.number);
    return Object.fromEntries(request.space.params.map((p) => [p.name, sampleUniform(p, rng)]));
  }
}

/** Optuna's default_gamma: the number of "good" trials among n. */
export function defaultGamma(n: number): number {
  return Math.min(Math.ceil(0.1 * n), 25);
}

export interface TpeOptions {
  seed?: number;
  /** Random trials before TPE starts, counting complete and pruned trials (Optuna: 10). */
  nStartupTrials?: number;
  /** Candidates drawn from l(x) per suggestion (Optuna: 24). */
  nEiCandidates?: number;
  /** Model all parameters jointly (Optuna 5's default for one objective) instead of one by one (Optuna 4's). */
  multivariate?: boolean;
  /** Count running trials as bad ones, so that parallel workers spread out (Optuna 5's default; off in 4). */
  constantLiar?: boolean;
  gamma?: (n: number) => number;
  parzen?: Partial<ParzenParameters>;
}

/**
 * Tree-structured Parzen Estimator, after Optuna's TPESampler (samplers/_tpe/sampler.py) for one
 * objective without constraints. Defaults are Optuna 4's: univariate, no constant liar.
 */
export class TpeSampler implements Sampler {
  readonly name = 'tpe';
  readonly seed: number;
  readonly nStartupTrials: number;
  readonly nEiCandidates: number;
  readonly multivariate: boolean;
  readonly constantLiar: boolean;
  readonly gamma: (n: number) => number;
  readonly parzen: ParzenParameters;

  constructor(options: TpeOptions = {}) {
    this.seed = options.seed ?? 0;
    this.nStartupTrials = options.nStartupTrials ?? 10;
    this.nEiCandidates = options.nEiCandidates ?? 24;
    this.multivariate = options.multivariate ?? false;
    this.constantLiar = options.constantLiar ?? false;
    this.gamma = options.gamma ?? defaultGamma;
    this.parzen = { ...DEFAULT_PARZEN_PARAMETERS, ...options.parzen };
  }

  sample(request: SampleRequest): Params {
    const { space, trials, direction } = request;
    const rng = trialRng(this.name, this.seed, request.number);
    const finished = trials.filter((t) => t.state === 'complete' || t.state === 'pruned');
    if (finished.length < this.nStartupTrials) {
      return Object.fromEntries(space.params.map((p) => [p.name, sampleUniform(p, rng)]));
    }
    const considered = this.constantLiar ? trials.filter((t) => t.state !== 'failed' && t.number !== request.number) : finished;
    const { below, above } = splitTrials(considered, direction, this.gamma(finished.length));

    const params: Params = {};
    const sampled = space.params.filter((p) => !isSingle(p));
    for (const p of space.params) if (isSingle(p)) params[p.name] = p.type === 'categorical' ? p.choices[0] : p.low;
    const groups = this.multivariate ? [sampled] : sampled.map((p) => [p]);
    for (const group of groups) {
      if (group.length === 0) continue;
      const l = new ParzenEstimator(group, observations(group, below), this.parzen);
      const g = new ParzenEstimator(group, observations(group, above), this.parzen);
      const candidates = l.sample(rng, this.nEiCandidates);
      const best = argmax(acquisition(l, g, candidates));
      group.forEach((p, d) => {
        params[p.name] = toExternal(p, candidates[best][d]);
      });
    }
    return params;
  }
}

/** log l(x) − log g(x) at each candidate: the quantity TPE maximises (expected improvement up to a monotone map). */
export function acquisition(l: ParzenEstimator, g: ParzenEstimator, candidates: readonly (readonly number[])[]): Float64Array {
  const below = l.logPdf(candidates);
  const above = g.logPdf(candidates);
  return below.map((v, i) => v - above[i]);
}

/** Internal values of the trials that hold every parameter of the group, in number order. */
export function observations(group: readonly Param[], trials: readonly FrozenTrial[]): number[][] {
  return trials
    .filter((t) => group.every((p) => p.name in t.params && contains(p, t.params[p.name])))
    .map((t) => group.map((p) => toInternal(p, t.params[p.name])));
}

/**
 * Splits trials into the good (below) and the rest (above), as Optuna's _split_trials: the best
 * `nBelow` complete trials by value; if fewer complete trials exist, the best pruned ones fill up,
 * ranked by the furthest step reached, then by the value there (NaN last); running trials (constant
 * liar) are always above. Both lists come back in trial-number order, which the weights rely on.
 */
export function splitTrials(trials: readonly FrozenTrial[], direction: Direction, nBelow: number): { below: FrozenTrial[]; above: FrozenTrial[] } {
  const sign = direction === 'minimize' ? 1 : -1;
  const complete = trials.filter((t) => t.state === 'complete');
  const pruned = trials.filter((t) => t.state === 'pruned');
  const running = trials.filter((t) => t.state === 'running');

  const byValue = [...complete].sort((a, b) => sign * compareNumbers(a.value as number, b.value as number) || a.number - b.number);
  const nComplete = Math.min(nBelow, byValue.length);
  const below = byValue.slice(0, nComplete);
  const above = byValue.slice(nComplete);

  const byScore = pruned
    .map((t) => ({ t, score: prunedScore(t, sign) }))
    .sort((a, b) => a.score[0] - b.score[0] || compareNumbers(a.score[1], b.score[1]) || a.t.number - b.t.number)
    .map(({ t }) => t);
  const nPruned = Math.min(Math.max(0, nBelow - nComplete), byScore.length);
  below.push(...byScore.slice(0, nPruned));
  above.push(...byScore.slice(nPruned), ...running);

  below.sort((a, b) => a.number - b.number);
  above.sort((a, b) => a.number - b.number);
  return { below, above };
}

/** (−last step, value at it) — smaller is better; a trial without reports scores (1, 0). */
function prunedScore(t: FrozenTrial, sign: number): [number, number] {
  const step = lastStep(t);
  if (step === undefined) return [1, 0];
  const v = t.intermediateValues.get(step) as number;
  return [-step, Number.isNaN(v) ? Infinity : sign * v];
}

function compareNumbers(a: number, b: number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Index of the first largest value (numpy's argmax). */
function argmax(values: Float64Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}
