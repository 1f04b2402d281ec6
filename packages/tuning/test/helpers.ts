import { expect } from 'vitest';
import { HitcastError } from '@hitcast/core/errors';
import type { Params } from '../src/space.ts';
import type { FrozenTrial, TrialState } from '../src/types.ts';

/** JSON numbers as the fixtures and the journal write them ("NaN", "Infinity"). */
export function num(value: number | string): number {
  return typeof value === 'number' ? value : Number(value);
}

export interface TrialSketch {
  number: number;
  state: TrialState;
  params?: Params;
  value?: number;
  intermediate?: [number, number | string][];
}

/** A FrozenTrial from a few fields, for samplers and pruners tested without a journal. */
export function frozenTrial(sketch: TrialSketch): FrozenTrial {
  return {
    number: sketch.number,
    id: `t${sketch.number}`,
    state: sketch.state,
    params: sketch.params ?? {},
    value: sketch.value,
    intermediateValues: new Map((sketch.intermediate ?? []).map(([s, v]) => [s, num(v)])),
    startedAt: 0,
    finishedAt: sketch.state === 'running' ? undefined : 0,
    lastSeenAt: 0,
    worker: { host: 'test', pid: 0 },
    failReason: undefined,
  };
}

/** The HitcastError `run` throws (fails the test when it throws nothing, or something else). */
export function errorOf(run: () => unknown): HitcastError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(HitcastError);
    return error as HitcastError;
  }
  throw new Error('expected a HitcastError');
}
