import { describe, expect, it } from 'vitest';
import { SeededRng } from '@hitcast/core';
import { bandwidths, DEFAULT_PARZEN_PARAMETERS, defaultWeights, ParzenEstimator } from '../src/parzen.ts';
import { RandomSampler, splitTrials, TpeSampler } from '../src/samplers.ts';
import { contains, parseSearchSpace, type Params } from '../src/space.ts';
import type { FrozenTrial, Sampler } from '../src/types.ts';
import { frozenTrial } from './helpers.ts';

const space = parseSearchSpace(
  {
    learningRate: { type: 'float', low: 1e-6, high: 1, log: true },
    layers: { type: 'int', low: 1, high: 16 },
    optimizer: { type: 'categorical', choices: ['adam', 'sgd', 'rmsprop', 'adagrad'] },
    dropout: { type: 'float', low: 0, high: 0.9, step: 0.05 },
  },
  'test space',
);

/** A bowl in log10(learning rate) around 1e-3, with an integer and a categorical part, minimum 0. */
function bowl(p: Params): number {
  const optimizer = { adam: 0, sgd: 0.6, rmsprop: 1, adagrad: 1.5 }[p.optimizer as string] as number;
  return (Math.log10(p.learningRate as number) + 3) ** 2 + (((p.layers as number) - 5) / 3) ** 2 + optimizer + 2 * ((p.dropout as number) - 0.3) ** 2;
}

/** Sequential optimisation without a journal: the sampler sees every earlier trial. */
function optimise(sampler: Sampler, n: number): { best: number; trials: FrozenTrial[] } {
  const trials: FrozenTrial[] = [];
  for (let number = 0; number < n; number++) {
    const params = sampler.sample({ space, direction: 'minimize', trials, number });
    trials.push(frozenTrial({ number, state: 'complete', params, value: bowl(params) }));
  }
  return { best: Math.min(...trials.map((t) => t.value as number)), trials };
}

const PHI_1 = 0.6826894921370859; // Φ(1) − Φ(−1)
const PHI_HALF = 0.3829249225480262; // Φ(0.5) − Φ(−0.5)
const phi = (z: number) => Math.exp(-z * z / 2) / Math.sqrt(2 * Math.PI);

describe('Parzen estimator, by hand', () => {
  it('bandwidth rule: neighbours, endpoints and the magic clip', () => {
    // One observation at 0.5 on [−2, 3]: the larger distance to a range end, 2.5 (clip floor 5/3).
    expect(bandwidths([0.5], -2, 3, DEFAULT_PARZEN_PARAMETERS)).toEqual([2.5]);
    // Two: each outermost one takes its inner neighbour's distance (1.5), above the floor 5/4.
    expect(bandwidths([2, 0.5], -2, 3, DEFAULT_PARZEN_PARAMETERS)).toEqual([1.5, 1.5]);
    // With considerEndpoints the range ends count: 0.5 → max(2.5, 1.5), 2 → max(1.5, 1).
    expect(bandwidths([0.5, 2], -2, 3, { ...DEFAULT_PARZEN_PARAMETERS, considerEndpoints: true })).toEqual([2.5, 1.5]);
    // Five on [0, 10]: sorted 1, 2, 2.2, 6, 9 → 1 (inner neighbour), max(1, 0.2), max(0.2, 3.8), max(3.8, 3), 3;
    // the floor 10 / min(100, 1 + 6) = 1.4286 lifts the small ones.
    const floor = 10 / 7;
    const got = bandwidths([6, 1, 9, 2, 2.2], 0, 10, DEFAULT_PARZEN_PARAMETERS);
    [3.8, floor, 3, floor, 3.8].forEach((v, i) => expect(got[i]).toBeCloseTo(v, 12));
    // A hundred and more kernels: the floor is range / 100.
    const many = Array.from({ length: 150 }, (_, i) => 5 + i * 1e-6);
    expect(Math.min(...bandwidths(many, 0, 10, DEFAULT_PARZEN_PARAMETERS))).toBeCloseTo(0.1, 12);
  });

  it('mixture density of a float: the observation kernel and the prior, equal weights', () => {
    const [x] = parseSearchSpace({ x: { type: 'float', low: -2, high: 3 } }, 't').params;
    const pe = new ParzenEstimator([x], [[0.5]]);
    expect([...pe.weights]).toEqual([0.5, 0.5]);
    // kernel N(0.5, 2.5) on [−2, 3] has mass Φ(1) − Φ(−1); the prior N(0.5, 5) has Φ(0.5) − Φ(−0.5)
    const expected = 0.5 * (phi(-0.2) / 2.5 / PHI_1) + 0.5 * (phi(-0.1) / 5 / PHI_HALF);
    expect(pe.logPdf([[0]])[0]).toBeCloseTo(Math.log(expected), 12);
    expect(pe.logPdf([[3.5]])[0]).toBe(-Infinity);
  });

  it('an int is a mass per cell of the range widened by half a step', () => {
    const [n] = parseSearchSpace({ n: { type: 'int', low: 0, high: 4 } }, 't').params;
    const pe = new ParzenEstimator([n], [[2]]);
    // range [−0.5, 4.5]; the kernel at 2 has sigma 2.5, the prior at 2 sigma 5: both centred, so the cell
    // [1.5, 2.5] holds (Φ(0.2) − Φ(−0.2)) / (Φ(1) − Φ(−1)) and (Φ(0.1) − Φ(−0.1)) / (Φ(0.5) − Φ(−0.5)).
    const cell = (z: number) => erfApprox(z / Math.SQRT2); // Φ(z) − Φ(−z)
    const expected = 0.5 * (cell(0.2) / PHI_1) + 0.5 * (cell(0.1) / PHI_HALF);
    expect(Math.exp(pe.logPdf([[2]])[0])).toBeCloseTo(expected, 6);
    const total = [0, 1, 2, 3, 4].reduce((s, v) => s + Math.exp(pe.logPdf([[v]])[0]), 0);
    expect(total).toBeCloseTo(1, 12);
  });

  it('categorical kernels: prior weight spread over all choices, plus one on the observed choice', () => {
    const [opt] = parseSearchSpace({ opt: { type: 'categorical', choices: ['a', 'b', 'c'] } }, 't').params;
    const pe = new ParzenEstimator([opt], [[0], [2], [0], [1]]);
    // 5 kernels; an observed row is (1/5 + [own]) / 1.6 → 0.75 own, 0.125 others; the prior row is uniform
    const pA = (0.75 + 0.125 + 0.75 + 0.125 + 1 / 3) / 5;
    expect(Math.exp(pe.logPdf([[0]])[0])).toBeCloseTo(pA, 14);
    const sum = [0, 1, 2].reduce((s, c) => s + Math.exp(pe.logPdf([[c]])[0]), 0);
    expect(sum).toBeCloseTo(1, 14);
  });

  it('weights: 1 each below 25 observations, then a ramp from 1/n for the older ones', () => {
    expect(defaultWeights(24)).toEqual(new Array(24).fill(1));
    const w = defaultWeights(30);
    [1 / 30, 1 / 30 + (1 - 1 / 30) / 4, 1 / 30 + (2 * (1 - 1 / 30)) / 4, 1 / 30 + (3 * (1 - 1 / 30)) / 4, 1].forEach((v, i) => expect(w[i]).toBeCloseTo(v, 14));
    expect(w.slice(5)).toEqual(new Array(25).fill(1));
  });

  it('draws stay in range and on the grid; log parameters are drawn in log space', () => {
    const pe = new ParzenEstimator(space.params, [
      [1e-3, 4, 0, 0.3],
      [1e-4, 6, 1, 0.5],
    ]);
    const draws = pe.sample(new SeededRng('draws'), 500);
    for (const row of draws) {
      space.params.forEach((p, d) => {
        const value = p.type === 'categorical' ? p.choices[row[d]] : row[d];
        expect(contains(p, value), `${p.name} = ${value}`).toBe(true);
      });
    }
    // log-scale: most draws sit within a decade or two of the observations, not near 1 as a linear draw would
    const lr = draws.map((r) => r[0]);
    expect(lr.filter((v) => v < 0.1).length / lr.length).toBeGreaterThan(0.75);
  });
});

function erfApprox(x: number): number {
  // Abramowitz–Stegun 7.1.26 (|error| < 1.5e-7): an independent check of the series in truncnorm.ts
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return x >= 0 ? y : -y;
}

describe('TPE sampler', () => {
  it('is seeded by seed and trial number: same history, same suggestion, whatever ran before', () => {
    const { trials } = optimise(new TpeSampler({ seed: 7 }), 30);
    const request = { space, direction: 'minimize' as const, trials, number: 30 };
    const first = new TpeSampler({ seed: 7 }).sample(request);
    const sampler = new TpeSampler({ seed: 7 });
    for (let i = 0; i < 5; i++) sampler.sample({ ...request, number: 100 + i }); // unrelated work first
    expect(sampler.sample(request)).toEqual(first);
    expect(new TpeSampler({ seed: 8 }).sample(request)).not.toEqual(first);
    expect(new TpeSampler({ seed: 7 }).sample({ ...request, number: 31 })).not.toEqual(first);
    expect(new TpeSampler({ seed: 7, multivariate: true }).sample(request)).toEqual(new TpeSampler({ seed: 7, multivariate: true }).sample(request));
  });

  it('samples at random until 10 trials are complete or pruned (failed and running ones do not count)', () => {
    const history = (n: number, state: FrozenTrial['state']) =>
      Array.from({ length: n }, (_, number) => frozenTrial({ number, state, params: { learningRate: 0.5, layers: 1, optimizer: 'sgd', dropout: 0.9 }, value: state === 'complete' ? number : undefined }));
    const sampler = new TpeSampler({ seed: 1 });
    const random = sampler.sample({ space, direction: 'minimize', trials: history(9, 'complete'), number: 20 });
    expect(sampler.sample({ space, direction: 'minimize', trials: history(25, 'failed'), number: 20 })).toEqual(random);
    expect(sampler.sample({ space, direction: 'minimize', trials: history(25, 'running'), number: 20 })).toEqual(random);
    expect(sampler.sample({ space, direction: 'minimize', trials: history(10, 'complete'), number: 20 })).not.toEqual(random);
  });

  it('ranks pruned trials after complete ones: furthest step first, then the value there, NaN last', () => {
    const trials = [
      frozenTrial({ number: 0, state: 'complete', value: 5 }),
      frozenTrial({ number: 1, state: 'pruned', intermediate: [[0, 0.1]] }),
      frozenTrial({ number: 2, state: 'pruned', intermediate: [[0, 0.9], [1, 0.8], [2, 0.7]] }),
      frozenTrial({ number: 3, state: 'pruned', intermediate: [[0, 0.5], [1, 'NaN']] }),
      frozenTrial({ number: 4, state: 'pruned', intermediate: [[0, 0.3], [1, 0.6]] }),
      frozenTrial({ number: 5, state: 'pruned' }),
      frozenTrial({ number: 6, state: 'running' }),
    ];
    const ranks = [1, 2, 3, 4, 5, 6].map((n) => splitTrials(trials, 'minimize', n).below.map((t) => t.number));
    expect(ranks).toEqual([[0], [0, 2], [0, 2, 4], [0, 2, 3, 4], [0, 1, 2, 3, 4], [0, 1, 2, 3, 4, 5]]);
    expect(splitTrials(trials, 'minimize', 6).above.map((t) => t.number)).toEqual([6]); // running: always bad
  });

  it('with constant liar, running trials count as bad ones', () => {
    const { trials } = optimise(new TpeSampler({ seed: 3 }), 20);
    // Pretend workers are running the best trial's parameters right now.
    const best = [...trials].sort((a, b) => (a.value as number) - (b.value as number))[0];
    const running = [20, 21, 22].map((number) => frozenTrial({ number, state: 'running', params: best.params }));
    const request = { space, direction: 'minimize' as const, trials: [...trials, ...running], number: 23 };
    const plain = new TpeSampler({ seed: 3 }).sample(request);
    const liar = new TpeSampler({ seed: 3, constantLiar: true }).sample(request);
    expect(new TpeSampler({ seed: 3 }).sample({ ...request, trials })).toEqual(plain); // running trials ignored without it
    expect(liar).not.toEqual(plain);
  });

  it('finds better values than random search on the same budget (30 seeds, 60 trials each)', () => {
    const seeds = Array.from({ length: 30 }, (_, i) => i + 1);
    const budget = 60;
    const rows = seeds.map((seed) => ({
      seed,
      random: optimise(new RandomSampler({ seed }), budget).best,
      tpe: optimise(new TpeSampler({ seed }), budget).best,
      multivariate: optimise(new TpeSampler({ seed, multivariate: true }), budget).best,
    }));
    const mean = (key: 'random' | 'tpe' | 'multivariate') => rows.reduce((s, r) => s + r[key], 0) / rows.length;
    const wins = (key: 'tpe' | 'multivariate') => rows.filter((r) => r[key] < r.random).length;
    const diffs = rows.map((r) => r.random - r.tpe);
    const meanDiff = diffs.reduce((s, d) => s + d, 0) / diffs.length;
    const sd = Math.sqrt(diffs.reduce((s, d) => s + (d - meanDiff) ** 2, 0) / (diffs.length - 1));
    const t = meanDiff / (sd / Math.sqrt(diffs.length));
    console.log(
      `best value after ${budget} trials, mean over ${seeds.length} seeds (minimum 0): random ${mean('random').toFixed(3)}, ` +
        `TPE ${mean('tpe').toFixed(3)} (better on ${wins('tpe')}/${seeds.length} seeds, paired t = ${t.toFixed(1)}), ` +
        `multivariate TPE ${mean('multivariate').toFixed(3)} (better on ${wins('multivariate')}/${seeds.length})`,
    );
    expect(mean('tpe')).toBeLessThan(0.5 * mean('random'));
    expect(wins('tpe')).toBeGreaterThanOrEqual(20);
    expect(t).toBeGreaterThan(3);
    expect(mean('multivariate')).toBeLessThan(mean('random'));
  });
});
