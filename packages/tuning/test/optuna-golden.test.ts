import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaultWeights, ParzenEstimator } from '../src/parzen.ts';
import { PercentilePruner } from '../src/pruners.ts';
import { acquisition, defaultGamma, observations, splitTrials } from '../src/samplers.ts';
import { parseSearchSpace, toInternal, type Param } from '../src/space.ts';
import { logGaussMass, truncnormLogPdf, truncnormPpf } from '../src/truncnorm.ts';
import type { Direction } from '../src/types.ts';
import { frozenTrial, num, type TrialSketch } from './helpers.ts';

/**
 * Vectors computed by Optuna itself (tools/optuna-golden.py); see the fixture's "optuna" field for the
 * version. Ties among observations are ordered by trial number on both sides (see the tool's docstring).
 */
const golden = JSON.parse(readFileSync(new URL('./fixtures/optuna-golden.json', import.meta.url), 'utf8'));

function close(actual: number, expected: number | string, rtol = 1e-9, atol = 1e-12): void {
  const e = num(expected);
  if (!Number.isFinite(e)) {
    expect(actual).toBe(e);
    return;
  }
  expect(Math.abs(actual - e)).toBeLessThanOrEqual(atol + rtol * Math.abs(e));
}

describe(`against Optuna ${golden.optuna}`, () => {
  it('truncated normal: log mass, quantiles and log-density', () => {
    for (const [a, b, m] of golden.truncnorm.logGaussMass) close(logGaussMass(a, b), m, 1e-12);
    for (const [q, a, b, x] of golden.truncnorm.ppf) close(truncnormPpf(q, a, b), x, 1e-7, 1e-9); // Optuna's Newton stops at 1e-8
    for (const [x, a, b, loc, scale, lp] of golden.truncnorm.logpdf) close(truncnormLogPdf(x, a, b, loc, scale), lp, 1e-12);
  });

  it('weights and gamma', () => {
    for (const [n, w] of Object.entries(golden.weights as Record<string, number[]>)) {
      const mine = defaultWeights(Number(n));
      expect(mine).toHaveLength(w.length);
      mine.forEach((v, i) => close(v, w[i], 1e-14));
    }
    for (const [n, g] of Object.entries(golden.gamma as Record<string, number>)) expect(defaultGamma(Number(n))).toBe(g);
  });

  for (const c of golden.estimators) {
    it(`Parzen estimator: ${c.name}`, () => {
      const space = parseSearchSpace(c.space, 'fixture');
      const pe = new ParzenEstimator(space.params, c.observations);
      expect(pe.weights).toHaveLength(c.weights.length);
      pe.weights.forEach((w, i) => close(w, c.weights[i], 1e-14));
      pe.components.forEach((component, d) => {
        const expected = c.components[d];
        if (component.kind === 'numeric') {
          component.mus.forEach((mu, k) => close(mu, expected.mus[k], 1e-14));
          component.sigmas.forEach((s, k) => close(s, expected.sigmas[k], 1e-14));
        } else {
          expected.probs.forEach((row: number[], k: number) => row.forEach((p, choice) => close(component.probs[k * component.nChoices + choice], p, 1e-14)));
        }
      });
      pe.logPdf(c.points).forEach((lp, i) => close(lp, c.logPdf[i], 1e-10, 1e-10));
    });
  }

  it('split into good and bad trials', () => {
    for (const c of golden.split) {
      const trials = c.trials.map((t: TrialSketch) => frozenTrial(t));
      const { below, above } = splitTrials(trials, c.direction as Direction, c.nBelow);
      expect(below.map((t) => t.number)).toEqual(c.below);
      expect(above.map((t) => t.number)).toEqual(c.above);
    }
  });

  for (const c of golden.acquisition) {
    it(`TPE acquisition log l − log g (${c.multivariate ? 'multivariate' : 'univariate'}${c.constantLiar ? ', constant liar' : ''}, ${c.trials.length} trials)`, () => {
      const space = parseSearchSpace(c.space, 'fixture');
      const trials = c.trials.map((t: TrialSketch) => frozenTrial(t));
      const considered = trials.filter((t: ReturnType<typeof frozenTrial>) => t.state === 'complete' || t.state === 'pruned' || (c.constantLiar && t.state === 'running'));
      const nFinished = considered.filter((t: ReturnType<typeof frozenTrial>) => t.state !== 'running').length;
      const { below, above } = splitTrials(considered, c.direction as Direction, defaultGamma(nFinished));
      expect(below.map((t) => t.number)).toEqual(c.below);
      for (const g of c.groups) {
        const group = g.params.map((name: string) => space.params.find((p) => p.name === name));
        const l = new ParzenEstimator(group, observations(group, below));
        const gEst = new ParzenEstimator(group, observations(group, above));
        const values = acquisition(l, gEst, g.candidates);
        values.forEach((v, i) => close(v, g.acquisition[i], 1e-9, 1e-9));
        // Without ties to order (continuous or categorical parameters), numpy's own order gives the same.
        if (group.every((p: Param) => p.type === 'categorical' || (p.type === 'float' && p.step === null))) {
          values.forEach((v, i) => close(v, g.numpyOrder[i], 1e-9, 1e-9));
        }
        let best = 0;
        values.forEach((v, i) => {
          if (v > values[best]) best = i;
        });
        expect(best).toBe(g.best);
      }
      // Internal representation of categorical choices is the index, as in Optuna.
      expect(toInternal(space.params[4], 'rmsprop')).toBe(2);
    });
  }

  it(`percentile and median pruner decisions (${golden.pruners.length} histories)`, () => {
    let pruned = 0;
    for (const c of golden.pruners) {
      const { percentile, ...options } = c.options;
      const pruner = new PercentilePruner(percentile, options);
      const trials = c.completed.map((values: [number, number | string][], i: number) => frozenTrial({ number: i, state: 'complete', value: 0, intermediate: values }));
      const trial = frozenTrial({ number: trials.length, state: 'running', intermediate: c.trial });
      expect(pruner.prune({ direction: c.direction, trial, trials: [...trials, trial] }), JSON.stringify(c)).toBe(c.prune);
      if (c.prune) pruned++;
    }
    expect(pruned).toBeGreaterThan(5);
  });
});
