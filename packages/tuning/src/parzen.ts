import type { SeededRng } from '@hitcast/core/rng';
import { fromSamplingSpace, samplingBounds, type CategoricalParam, type FloatParam, type IntParam, type Param } from './space.ts';
import { logGaussMass, truncnormPpf } from './truncnorm.ts';

/**
 * The Parzen estimator of TPE: a mixture with one kernel per observed trial plus a prior kernel,
 * each kernel a product over the parameters of a truncated normal (numbers, in log space for log
 * parameters, as a probability mass per grid cell for steps and ints) or a categorical distribution.
 * With one parameter it is univariate TPE's estimator; with several, multivariate TPE's. This is
 * Optuna's `_ParzenEstimator` (samplers/_tpe/parzen_estimator.py, probability_distributions.py).
 */

export interface ParzenParameters {
  /** Weight of the prior kernel relative to an observation's (Optuna: 1.0). */
  priorWeight: number;
  /** Floor each bandwidth at range / min(100, 1 + kernels) (Optuna: on). */
  considerMagicClip: boolean;
  /** Let the outermost observations' bandwidths reach to the range ends (Optuna: off). */
  considerEndpoints: boolean;
  /** Weights of n observations in trial-number order, oldest first. */
  weights: (n: number) => number[];
}

/** Optuna's default_weights: 1 each below 25 observations, then a linear ramp from 1/n up to 1 for all but the newest 25. */
export function defaultWeights(n: number): number[] {
  if (n === 0) return [];
  if (n < 25) return new Array<number>(n).fill(1);
  const rampLength = n - 25;
  const ramp = linspace(1 / n, 1, rampLength);
  return [...ramp, ...new Array<number>(25).fill(1)];
}

function linspace(start: number, stop: number, num: number): number[] {
  if (num <= 0) return [];
  if (num === 1) return [start];
  const step = (stop - start) / (num - 1);
  const out = Array.from({ length: num }, (_, i) => start + i * step);
  out[num - 1] = stop;
  return out;
}

export const DEFAULT_PARZEN_PARAMETERS: ParzenParameters = {
  priorWeight: 1,
  considerMagicClip: true,
  considerEndpoints: false,
  weights: defaultWeights,
};

/**
 * Bandwidths of the observation kernels at `mus` (in sampling space) on [low, high]: each the larger
 * distance to its sorted neighbours, where the range ends count as neighbours; without
 * considerEndpoints the first and last use their inner neighbour only (when there are two or more);
 * then clipped to [range / min(100, 1 + kernels), range], kernels counting the prior.
 */
export function bandwidths(mus: readonly number[], low: number, high: number, parameters: ParzenParameters): number[] {
  const n = mus.length;
  const order = mus.map((_, i) => i).sort((i, j) => mus[i] - mus[j] || i - j);
  const sorted = [low, ...order.map((i) => mus[i]), high];
  const sortedSigmas = new Array<number>(n);
  for (let i = 1; i <= n; i++) sortedSigmas[i - 1] = Math.max(sorted[i] - sorted[i - 1], sorted[i + 1] - sorted[i]);
  if (!parameters.considerEndpoints && n >= 2) {
    sortedSigmas[0] = sorted[2] - sorted[1];
    sortedSigmas[n - 1] = sorted[n] - sorted[n - 1];
  }
  const maxSigma = high - low;
  const minSigma = parameters.considerMagicClip ? (high - low) / Math.min(100, 1 + (n + 1)) : 1e-12;
  const sigmas = new Array<number>(n);
  order.forEach((original, rank) => {
    sigmas[original] = Math.min(maxSigma, Math.max(minSigma, sortedSigmas[rank]));
  });
  return sigmas;
}

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

interface NumericComponent {
  readonly kind: 'numeric';
  readonly param: FloatParam | IntParam;
  /** Sampling-space bounds (log taken, widened by half a step). */
  readonly low: number;
  readonly high: number;
  readonly step: number;
  readonly mus: Float64Array;
  readonly sigmas: Float64Array;
  /** log of each kernel's normal mass inside [low, high]. */
  readonly logMass: Float64Array;
}

interface CategoricalComponent {
  readonly kind: 'categorical';
  readonly param: CategoricalParam;
  readonly nChoices: number;
  /** Kernel k's probability of choice c at k·nChoices + c. */
  readonly probs: Float64Array;
}

type Component = NumericComponent | CategoricalComponent;

export class ParzenEstimator {
  /** Mixture weights, normalised; the prior kernel is last. */
  readonly weights: Float64Array;
  readonly components: readonly Component[];
  private readonly cumulative: Float64Array;

  /**
   * @param params the parameters modelled jointly (one for univariate TPE)
   * @param observations one row per trial in trial-number order, internal values (number, or choice index) per param
   */
  constructor(params: readonly Param[], observations: readonly (readonly number[])[], parameters: ParzenParameters = DEFAULT_PARZEN_PARAMETERS) {
    const n = observations.length;
    let raw: number[];
    if (n === 0) raw = [1];
    else {
      raw = parameters.weights(n).slice(0, n);
      if (raw.length !== n || raw.some((w) => !(w >= 0) || !Number.isFinite(w))) throw new Error(`weights(${n}) must give ${n} finite non-negative numbers`);
      raw.push(parameters.priorWeight);
    }
    const total = raw.reduce((s, w) => s + w, 0);
    this.weights = Float64Array.from(raw, (w) => w / total);
    this.cumulative = new Float64Array(this.weights.length);
    let acc = 0;
    this.weights.forEach((w, k) => {
      acc += w;
      this.cumulative[k] = acc;
    });
    this.components = params.map((p, d) => {
      const column = observations.map((row) => row[d]);
      return p.type === 'categorical' ? categoricalComponent(p, column, parameters) : numericComponent(p, column, parameters);
    });
  }

  /** `size` draws, each a row of internal values: pick a kernel by weight, then draw every parameter from it. */
  sample(rng: SeededRng, size: number): number[][] {
    const out: number[][] = [];
    for (let i = 0; i < size; i++) {
      const k = this.pickKernel(rng.next());
      out.push(this.components.map((c) => (c.kind === 'categorical' ? sampleCategorical(c, k, rng.next()) : sampleNumeric(c, k, rng.next()))));
    }
    return out;
  }

  /** log of the mixture density (mass for grid and categorical parameters) at each row of internal values. */
  logPdf(samples: readonly (readonly number[])[]): Float64Array {
    const nKernels = this.weights.length;
    const logWeights = Float64Array.from(this.weights, Math.log);
    const out = new Float64Array(samples.length);
    const perKernel = new Float64Array(nKernels);
    const caches = this.components.map(() => new Map<number, Float64Array>());
    samples.forEach((row, i) => {
      perKernel.set(logWeights);
      this.components.forEach((c, d) => {
        let lp = caches[d].get(row[d]);
        if (!lp) {
          lp = c.kind === 'categorical' ? categoricalLogPdf(c, row[d]) : numericLogPdf(c, row[d]);
          caches[d].set(row[d], lp);
        }
        for (let k = 0; k < nKernels; k++) perKernel[k] += lp[k];
      });
      out[i] = logSumExp(perKernel);
    });
    return out;
  }

  private pickKernel(u: number): number {
    // The first kernel whose cumulative weight exceeds u (numpy's choice: searchsorted, side right).
    const total = this.cumulative[this.cumulative.length - 1];
    const target = u * total;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulative[mid] > target) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

function numericComponent(p: FloatParam | IntParam, column: number[], parameters: ParzenParameters): NumericComponent {
  const { low, high } = samplingBounds(p);
  const xs = p.log ? column.map(Math.log) : column;
  const sigmas = bandwidths(xs, low, high, parameters);
  const mus = Float64Array.from([...xs, 0.5 * (low + high)]);
  const sigmaArray = Float64Array.from([...sigmas, high - low]);
  const logMass = mus.map((mu, k) => logGaussMass((low - mu) / sigmaArray[k], (high - mu) / sigmaArray[k]));
  return { kind: 'numeric', param: p, low, high, step: p.step ?? 0, mus, sigmas: sigmaArray, logMass };
}

function categoricalComponent(p: CategoricalParam, column: number[], parameters: ParzenParameters): CategoricalComponent {
  const nChoices = p.choices.length;
  if (column.length === 0) return { kind: 'categorical', param: p, nChoices, probs: new Float64Array(nChoices).fill(1 / nChoices) };
  const nKernels = column.length + 1;
  const probs = new Float64Array(nKernels * nChoices).fill(parameters.priorWeight / nKernels);
  column.forEach((choice, k) => {
    probs[k * nChoices + choice] += 1;
  });
  for (let k = 0; k < nKernels; k++) {
    let sum = 0;
    for (let c = 0; c < nChoices; c++) sum += probs[k * nChoices + c];
    if (sum > 0) for (let c = 0; c < nChoices; c++) probs[k * nChoices + c] /= sum;
  }
  return { kind: 'categorical', param: p, nChoices, probs };
}

function sampleCategorical(c: CategoricalComponent, kernel: number, u: number): number {
  let acc = 0;
  for (let choice = 0; choice < c.nChoices - 1; choice++) {
    acc += c.probs[kernel * c.nChoices + choice];
    if (acc >= u) return choice;
  }
  return c.nChoices - 1;
}

function sampleNumeric(c: NumericComponent, kernel: number, q: number): number {
  const mu = c.mus[kernel];
  const sigma = c.sigmas[kernel];
  const z = truncnormPpf(q, (c.low - mu) / sigma, (c.high - mu) / sigma);
  return fromSamplingSpace(c.param, mu + sigma * z);
}

function categoricalLogPdf(c: CategoricalComponent, choice: number): Float64Array {
  const nKernels = c.probs.length / c.nChoices;
  return Float64Array.from({ length: nKernels }, (_, k) => Math.log(c.probs[k * c.nChoices + choice]));
}

function numericLogPdf(c: NumericComponent, value: number): Float64Array {
  const n = c.mus.length;
  const out = new Float64Array(n);
  if (c.step === 0) {
    const x = c.param.log ? Math.log(value) : value;
    if (!(x >= c.low && x <= c.high)) return out.fill(-Infinity);
    for (let k = 0; k < n; k++) {
      const z = (x - c.mus[k]) / c.sigmas[k];
      out[k] = -0.5 * z * z - LOG_SQRT_2PI - Math.log(c.sigmas[k]) - c.logMass[k];
    }
    return out;
  }
  const half = c.step / 2;
  const left = c.param.log ? Math.log(value - half) : value - half;
  const right = c.param.log ? Math.log(value + half) : value + half;
  for (let k = 0; k < n; k++) {
    out[k] = logGaussMass((left - c.mus[k]) / c.sigmas[k], (right - c.mus[k]) / c.sigmas[k]) - c.logMass[k];
  }
  return out;
}

function logSumExp(values: Float64Array): number {
  let max = -Infinity;
  for (const v of values) if (v > max) max = v;
  if (max === -Infinity) return -Infinity;
  let sum = 0;
  for (const v of values) sum += Math.exp(v - max);
  return Math.log(sum) + max;
}
