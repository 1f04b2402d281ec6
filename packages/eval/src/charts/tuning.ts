/**
 * Chart 5: one tuning study's trials by trial number: each trial's objective, the best value found so far
 * as a step line, pruned trials at the last value they reported and failed trials marked along the top.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { TuningStudySummary, TuningTrial } from '../types.ts';
import { finite, fixed } from './common.ts';

const STATES = {
  domain: ['complete', 'pruned (last reported value)', 'failed (no value)', 'running'],
  colours: ['#2563eb', '#9ca3af', '#dc2626', '#059669'],
  shapes: ['circle', 'triangle-down', 'cross', 'square'],
};

const stateLabel = (state: TuningTrial['state']) => STATES.domain[['complete', 'pruned', 'failed', 'running'].indexOf(state)];

/** The value a trial is drawn at: its objective, else (pruned or running) the last intermediate value it reported. */
export function trialValue(trial: TuningTrial): number | undefined {
  if (finite(trial.value)) return trial.value;
  if (trial.state === 'failed') return undefined;
  const reported = (trial.intermediate ?? []).filter((i) => finite(i.value));
  return reported.length > 0 ? reported[reported.length - 1].value : undefined;
}

/** The best complete trial: the one named by the study, else the lowest complete value. */
export function bestTrial(study: TuningStudySummary): TuningTrial | undefined {
  const named = study.trials.find((t) => t.number === study.bestTrial);
  if (named) return named;
  return study.trials.filter((t) => t.state === 'complete' && finite(t.value)).sort((a, b) => a.value! - b.value!)[0];
}

export function tuningSpec(study: TuningStudySummary): TopLevelSpec {
  const trials = [...study.trials].filter((t) => finite(t.number)).sort((a, b) => a.number - b.number);
  const drawn = trials.flatMap((t) => {
    const value = trialValue(t);
    return finite(value) ? [{ number: t.number, value, state: stateLabel(t.state), description: `trial ${t.number} (${t.state}): ${fixed(value, 4)}` }] : [];
  });
  const values = drawn.map((d) => d.value);
  const low = values.length > 0 ? Math.min(...values) : 0;
  const high = values.length > 0 ? Math.max(...values) : 1;
  const pad = (high - low || Math.abs(high) || 1) * 0.08;
  const top = high + 2 * pad;
  const yScale = { domain: [low - pad, top + pad], nice: false, zero: false };
  const failed = trials
    .filter((t) => !finite(trialValue(t)))
    .map((t) => ({ number: t.number, value: top, state: stateLabel(t.state), description: `trial ${t.number} (${t.state}): no value` }));

  const present = STATES.domain.filter((state) => drawn.some((d) => d.state === state) || failed.some((d) => d.state === state));

  let best = Infinity;
  const bestSoFar = trials.flatMap((t) => {
    if (t.state !== 'complete' || !finite(t.value)) return [];
    best = Math.min(best, t.value);
    return [{ number: t.number, value: best }];
  });
  const lastNumber = trials.length > 0 ? trials[trials.length - 1].number : 0;
  if (bestSoFar.length > 0 && bestSoFar[bestSoFar.length - 1].number < lastNumber) bestSoFar.push({ number: lastNumber, value: best });
  const chosen = bestTrial(study);
  const chosenValue = chosen ? trialValue(chosen) : undefined;

  const x = { field: 'number', type: 'quantitative' as const, title: 'trial number', scale: { domain: [Math.min(0, trials[0]?.number ?? 0) - 0.5, lastNumber + 0.5], nice: false }, axis: { format: 'd', tickMinStep: 1 } };
  const y = { field: 'value', type: 'quantitative' as const, title: 'objective (validation loss)', scale: yScale, axis: { format: '.3f', tickCount: 6 } };
  return {
    description: `Trials of tuning study ${study.study}`,
    width: 900,
    height: 260,
    layer: [
      {
        data: { values: failed },
        mark: { type: 'rule', color: '#fca5a5', strokeDash: [3, 3] },
        encoding: { x },
      },
      {
        data: { values: bestSoFar },
        mark: { type: 'line', interpolate: 'step-after', color: '#111827', strokeWidth: 1.6 },
        encoding: { x, y },
      },
      {
        data: { values: bestSoFar.slice(-1).map((d) => ({ ...d, text: 'best so far' })) },
        mark: { type: 'text', align: 'right', dy: 12, fontSize: 11, color: '#111827' },
        encoding: { x, y, text: { field: 'text' } },
      },
      {
        data: { values: [...drawn, ...failed] },
        mark: { type: 'point', filled: true, size: 60, opacity: 0.9, aria: true },
        encoding: {
          x,
          y,
          color: { field: 'state', type: 'nominal', scale: { domain: present, range: present.map((s) => STATES.colours[STATES.domain.indexOf(s)]) }, legend: { title: null } },
          shape: { field: 'state', type: 'nominal', scale: { domain: present, range: present.map((s) => STATES.shapes[STATES.domain.indexOf(s)]) }, legend: { title: null } },
          description: { field: 'description', type: 'nominal' },
        },
      },
      {
        data: { values: chosen && finite(chosenValue) ? [{ number: chosen.number, value: chosenValue, text: `best: trial ${chosen.number}` }] : [] },
        layer: [
          { mark: { type: 'point', size: 260, color: '#111827', strokeWidth: 1.5 }, encoding: { x, y } },
          { mark: { type: 'text', align: 'left', dx: 10, dy: -12, fontSize: 11, fontWeight: 600, color: '#111827' }, encoding: { x, y, text: { field: 'text' } } },
        ],
      },
    ],
  } as TopLevelSpec;
}

/**
 * Each tuned parameter against the objective: one small panel per parameter (log axis for parameters that
 * span more than a factor of 20), complete trials at their value and pruned ones at their last reported
 * value, so a reader sees which settings did well.
 */
export function parameterSpec(study: TuningStudySummary): TopLevelSpec | undefined {
  const names = [...new Set(study.trials.flatMap((t) => Object.keys(t.params)))];
  const points = study.trials.flatMap((t) => {
    const value = trialValue(t);
    if (!finite(value) || t.state === 'failed') return [];
    return names.map((name) => ({ name, setting: t.params[name], value, state: stateLabel(t.state), description: `trial ${t.number}: ${name} = ${t.params[name]}, ${fixed(value, 4)}` }));
  });
  if (names.length === 0 || points.length === 0) return undefined;
  const present = STATES.domain.filter((state) => points.some((p) => p.state === state));
  const panels = names.map((name) => {
    const settings = points.filter((p) => p.name === name).map((p) => p.setting);
    const numeric = settings.every((v) => typeof v === 'number');
    const positive = numeric && settings.every((v) => (v as number) > 0);
    const spread = positive ? Math.max(...(settings as number[])) / Math.min(...(settings as number[])) : 1;
    return {
      title: { text: name, fontSize: 12 },
      width: 260,
      height: 180,
      transform: [{ filter: { field: 'name', equal: name } }],
      mark: { type: 'point', filled: true, size: 55, opacity: 0.85, aria: true },
      encoding: {
        x: numeric
          ? { field: 'setting', type: 'quantitative', title: null, scale: { type: spread > 20 ? 'log' : 'linear', zero: false, nice: true } }
          : { field: 'setting', type: 'nominal', title: null, axis: { labelAngle: 0 } },
        y: { field: 'value', type: 'quantitative', title: 'objective', scale: { zero: false }, axis: { format: '.3f', tickCount: 5 } },
        color: { field: 'state', type: 'nominal', scale: { domain: present, range: present.map((s) => STATES.colours[STATES.domain.indexOf(s)]) }, legend: { title: null } },
        shape: { field: 'state', type: 'nominal', scale: { domain: present, range: present.map((s) => STATES.shapes[STATES.domain.indexOf(s)]) }, legend: { title: null } },
        description: { field: 'description', type: 'nominal' },
      },
    };
  });
  return { description: `Parameters against the objective in tuning study ${study.study}`, data: { values: points }, hconcat: panels } as unknown as TopLevelSpec;
}
