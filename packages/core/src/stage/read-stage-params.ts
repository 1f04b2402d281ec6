import { HitcastError } from '../errors.ts';
import { readParams } from '../params.ts';
import { applyDataRoot } from './data-root.ts';
import type { StageDefinition } from './definition.ts';

/**
 * A stage's parameters: the file's values over the defaults (unknown keys and wrong types refused by
 * readParams), then the stage's own checks, so a user mistake (e.g. heads not dividing dModel) is a
 * HitcastError naming the file and the fix before any work starts, not an error from deep inside tfjs.
 */
export function readStageParams<P extends object>(definition: StageDefinition<P>, file: string | undefined, overrides: Partial<P> = {}): P {
  const fromFile = applyDataRoot(file ? readParams(file, definition.params.defaults) : { ...definition.params.defaults }, definition.params.defaults, definition.params.dataPaths);
  const params = { ...fromFile, ...overrides };
  const problems = definition.params.check?.(params) ?? [];
  if (problems.length > 0) {
    throw new HitcastError(`${file ?? `the default parameters of stage ${definition.name}`}: ${problems.join('; ')}`, {
      fix: `correct ${problems.length === 1 ? 'this value' : 'these values'} in ${file ?? definition.params.file}`,
    });
  }
  return params;
}

/** Shared checks for the usual kinds of parameter. Each returns a sentence when the value is wrong. */
export const checks = {
  positiveInteger: (name: string, value: number) => (Number.isInteger(value) && value > 0 ? [] : [`${name} must be a whole number ≥ 1 (got ${value})`]),
  nonNegativeInteger: (name: string, value: number) => (Number.isInteger(value) && value >= 0 ? [] : [`${name} must be a whole number ≥ 0 (got ${value})`]),
  positive: (name: string, value: number) => (Number.isFinite(value) && value > 0 ? [] : [`${name} must be > 0 (got ${value})`]),
  /** A model stage's `shards` (result) and `workers` (speed only) pair, see shardingOptions. */
  sharding: (p: { shards: number; workers: number }) => [
    ...(Number.isInteger(p.shards) && p.shards > 0 ? [] : [`shards must be a whole number ≥ 1 (got ${p.shards})`]),
    ...(Number.isInteger(p.workers) && p.workers > 0 ? [] : [`workers must be a whole number ≥ 1, the threads that train (got ${p.workers})`]),
  ],
  fraction: (name: string, value: number, { open = false } = {}) =>
    Number.isFinite(value) && value >= 0 && (open ? value < 1 : value <= 1) ? [] : [`${name} must lie in [0, 1${open ? ')' : ']'} (got ${value})`],
};
