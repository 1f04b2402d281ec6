import { readFileSync } from 'node:fs';
import { HitcastError } from '@hitcast/core/errors';
import type { SeededRng } from '@hitcast/core/rng';

/**
 * A search space declared as data, so that it can live in a params JSON file:
 *
 *   {
 *     "learningRate": { "type": "float", "low": 1e-5, "high": 1e-1, "log": true },
 *     "dropout":      { "type": "float", "low": 0, "high": 0.5, "step": 0.05 },
 *     "batchSize":    { "type": "int", "low": 8, "high": 64, "step": 8 },
 *     "layers":       { "type": "int", "low": 1, "high": 16, "log": true },
 *     "optimizer":    { "type": "categorical", "choices": ["adam", "sgd"] }
 *   }
 *
 * The three kinds are Optuna's FloatDistribution, IntDistribution and CategoricalDistribution, with
 * Optuna's rules: log needs low > 0 (int: low ≥ 1); a float step and log exclude each other; an int
 * on a log scale has step 1. Unlike Optuna, a high that is not low + k·step is refused rather than
 * moved down silently.
 */

export type ParamValue = string | number | boolean | null;
export type Params = Record<string, ParamValue>;

export interface FloatSpec {
  type: 'float';
  low: number;
  high: number;
  log?: boolean;
  step?: number;
}
export interface IntSpec {
  type: 'int';
  low: number;
  high: number;
  log?: boolean;
  step?: number;
}
export interface CategoricalSpec {
  type: 'categorical';
  choices: ParamValue[];
}
export type ParamSpec = FloatSpec | IntSpec | CategoricalSpec;
/** The JSON form of a search space: parameter name → declaration, in sampling order. */
export type SearchSpaceSpec = Record<string, ParamSpec>;

export interface FloatParam {
  readonly name: string;
  readonly type: 'float';
  readonly low: number;
  readonly high: number;
  readonly log: boolean;
  /** null for a continuous parameter. */
  readonly step: number | null;
}
export interface IntParam {
  readonly name: string;
  readonly type: 'int';
  readonly low: number;
  readonly high: number;
  readonly log: boolean;
  readonly step: number;
}
export interface CategoricalParam {
  readonly name: string;
  readonly type: 'categorical';
  readonly choices: readonly ParamValue[];
}
export type Param = FloatParam | IntParam | CategoricalParam;

export interface SearchSpace {
  /** The declarations in order; the samplers draw them in this order. */
  readonly params: readonly Param[];
}

const KEYS: Record<ParamSpec['type'], readonly string[]> = {
  float: ['type', 'low', 'high', 'log', 'step'],
  int: ['type', 'low', 'high', 'log', 'step'],
  categorical: ['type', 'choices'],
};

const EXAMPLE = '{"learningRate": {"type": "float", "low": 1e-5, "high": 0.1, "log": true}, "optimizer": {"type": "categorical", "choices": ["adam", "sgd"]}}';

/**
 * Checks a search space read from JSON. `source` names where it came from (a file, or a file and a
 * key) and starts every error message, each of which names the parameter and says how to fix it.
 */
export function parseSearchSpace(value: unknown, source: string): SearchSpace {
  if (!isPlainObject(value)) {
    throw new HitcastError(`${source}: the search space must be a JSON object of parameters, got ${describe(value)}`, {
      fix: `declare each parameter by name, e.g. ${EXAMPLE}`,
    });
  }
  const params = Object.entries(value)
    .filter(([name]) => !name.startsWith('$'))
    .map(([name, spec]) => parseParam(name, spec, source));
  if (params.length === 0) {
    throw new HitcastError(`${source}: the search space declares no parameters`, { fix: `declare at least one, e.g. ${EXAMPLE}` });
  }
  return { params };
}

/** Reads a search space from a JSON file, optionally from one key of it (e.g. "space" in a params file). */
export function readSearchSpace(file: string, key?: string): SearchSpace {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new HitcastError(`cannot read the search space file ${file} (${(error as NodeJS.ErrnoException).code})`, {
      fix: 'check the path of the search space file',
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new HitcastError(`${file} is not valid JSON: ${(error as Error).message}`, { fix: 'correct the JSON syntax' });
  }
  if (key === undefined) return parseSearchSpace(parsed, file);
  if (!isPlainObject(parsed) || !(key in parsed)) {
    throw new HitcastError(`${file} has no "${key}" key holding the search space`, { fix: `add "${key}": ${EXAMPLE}` });
  }
  return parseSearchSpace(parsed[key], `${file} (key "${key}")`);
}

/** The canonical JSON form: defaults written out, so two spaces compare equal as JSON exactly when they are the same. */
export function searchSpaceToJson(space: SearchSpace): SearchSpaceSpec {
  const out: SearchSpaceSpec = {};
  for (const p of space.params) {
    if (p.type === 'categorical') out[p.name] = { type: 'categorical', choices: [...p.choices] };
    else if (p.type === 'float') out[p.name] = p.step === null ? { type: 'float', low: p.low, high: p.high, log: p.log } : { type: 'float', low: p.low, high: p.high, log: p.log, step: p.step };
    else out[p.name] = { type: 'int', low: p.low, high: p.high, log: p.log, step: p.step };
  }
  return out;
}

function parseParam(name: string, spec: unknown, source: string): Param {
  const where = `${source}: parameter "${name}"`;
  if (!isPlainObject(spec)) {
    throw new HitcastError(`${where} must be an object with a "type", got ${describe(spec)}`, {
      fix: 'write e.g. {"type": "float", "low": 0, "high": 1}, {"type": "int", "low": 1, "high": 8} or {"type": "categorical", "choices": ["a", "b"]}',
    });
  }
  const type = spec.type;
  if (type !== 'float' && type !== 'int' && type !== 'categorical') {
    throw new HitcastError(`${where}: unknown type ${describe(type)}`, { fix: 'use "type": "float", "int" or "categorical"' });
  }
  for (const key of Object.keys(spec)) {
    if (!KEYS[type].includes(key) && !key.startsWith('$')) {
      throw new HitcastError(`${where}: unknown key "${key}" for a ${type} parameter`, { fix: `a ${type} parameter takes ${KEYS[type].join(', ')}` });
    }
  }
  if (type === 'categorical') return parseCategorical(name, spec, where);

  const low = spec.low;
  const high = spec.high;
  for (const [key, v] of [['low', low], ['high', high]] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new HitcastError(`${where}: "${key}" must be a finite number, got ${describe(v)}`, { fix: `set "${key}" to a number` });
    }
  }
  const lo = low as number;
  const hi = high as number;
  if (lo > hi) throw new HitcastError(`${where}: low (${lo}) is above high (${hi})`, { fix: 'swap low and high' });
  if (spec.log !== undefined && typeof spec.log !== 'boolean') {
    throw new HitcastError(`${where}: "log" must be true or false, got ${describe(spec.log)}`, { fix: 'write "log": true or leave it out' });
  }
  const log = spec.log === true;
  if (spec.step !== undefined && spec.step !== null && (typeof spec.step !== 'number' || !(spec.step > 0) || !Number.isFinite(spec.step))) {
    throw new HitcastError(`${where}: "step" must be a positive number, got ${describe(spec.step)}`, { fix: 'set "step" to a positive number or leave it out' });
  }
  const step = typeof spec.step === 'number' ? spec.step : null;

  if (type === 'float') {
    if (log && step !== null) {
      throw new HitcastError(`${where}: a float cannot have both "log": true and a "step"`, {
        fix: 'drop "step" to search on a log scale, or drop "log" to search a grid',
      });
    }
    if (log && lo <= 0) throw new HitcastError(`${where}: "log": true needs low > 0, got ${lo}`, { fix: 'raise low above 0 (e.g. 1e-6) or drop "log"' });
    if (step !== null) checkGrid(where, lo, hi, step);
    return { name, type, low: lo, high: hi, log, step };
  }

  if (!Number.isInteger(lo) || !Number.isInteger(hi)) {
    throw new HitcastError(`${where}: an int parameter needs integer bounds, got low ${lo}, high ${hi}`, { fix: 'use whole numbers, or "type": "float"' });
  }
  if (step !== null && !Number.isInteger(step)) {
    throw new HitcastError(`${where}: an int parameter needs an integer step, got ${step}`, { fix: 'use a whole step, or "type": "float"' });
  }
  if (log && step !== null && step !== 1) {
    throw new HitcastError(`${where}: an int on a log scale must have step 1, got ${step}`, { fix: 'drop "step" or drop "log"' });
  }
  if (log && lo < 1) throw new HitcastError(`${where}: "log": true needs low ≥ 1, got ${lo}`, { fix: 'raise low to 1 or drop "log"' });
  const intStep = step ?? 1;
  checkGrid(where, lo, hi, intStep);
  return { name, type, low: lo, high: hi, log, step: intStep };
}

function checkGrid(where: string, low: number, high: number, step: number): void {
  const k = (high - low) / step;
  if (Math.abs(k - Math.round(k)) > 1e-8) {
    const below = low + Math.floor(k + 1e-8) * step;
    throw new HitcastError(`${where}: high (${high}) is not low (${low}) plus a whole number of steps (${step})`, {
      fix: `set high to ${roundToGrid(below, step, low)} or choose a step that divides ${high} − ${low}`,
    });
  }
}

function parseCategorical(name: string, spec: Record<string, unknown>, where: string): CategoricalParam {
  const choices = spec.choices;
  if (!Array.isArray(choices) || choices.length === 0) {
    throw new HitcastError(`${where}: "choices" must be a non-empty array, got ${describe(choices)}`, { fix: 'write e.g. "choices": ["adam", "sgd"]' });
  }
  for (const c of choices) {
    if (!(c === null || typeof c === 'string' || typeof c === 'boolean' || (typeof c === 'number' && Number.isFinite(c)))) {
      throw new HitcastError(`${where}: choice ${describe(c)} is not a string, number, boolean or null`, { fix: 'list plain values as choices' });
    }
  }
  const seen = new Set<ParamValue>();
  for (const c of choices as ParamValue[]) {
    if (seen.has(c)) throw new HitcastError(`${where}: choice ${JSON.stringify(c)} is listed twice`, { fix: 'list each choice once' });
    seen.add(c);
  }
  return { name, type: 'categorical', choices: [...(choices as ParamValue[])] };
}

// ---- values: internal representation, checks, uniform sampling ----

/** A parameter with one possible value (low = high, or one choice): never sampled. */
export function isSingle(p: Param): boolean {
  if (p.type === 'categorical') return p.choices.length === 1;
  return p.low === p.high;
}

/** Optuna's internal representation: the number itself, or the index of a categorical choice. */
export function toInternal(p: Param, value: ParamValue): number {
  if (p.type === 'categorical') return p.choices.indexOf(value);
  return value as number;
}

export function toExternal(p: Param, internal: number): ParamValue {
  if (p.type === 'categorical') return p.choices[internal];
  if (p.type === 'int') return Math.round(internal);
  return internal;
}

export function contains(p: Param, value: ParamValue): boolean {
  if (p.type === 'categorical') return p.choices.includes(value);
  if (typeof value !== 'number' || !(value >= p.low && value <= p.high)) return false;
  if (p.type === 'int') return Number.isInteger(value) && (value - p.low) % p.step === 0;
  if (p.step === null) return true;
  const k = (value - p.low) / p.step;
  return Math.abs(k - Math.round(k)) < 1e-8;
}

/** low + k·step without the binary noise of the multiplication (0.30000000000000004 → 0.3). */
export function roundToGrid(value: number, step: number, low: number): number {
  const decimals = Math.max(decimalPlaces(step), decimalPlaces(low));
  return decimals > 15 ? value : Number(value.toFixed(decimals));
}

function decimalPlaces(x: number): number {
  const text = String(x);
  const exp = text.match(/e-(\d+)$/);
  if (exp) return Number(exp[1]) + (text.split('e')[0].split('.')[1]?.length ?? 0);
  return text.split('.')[1]?.length ?? 0;
}

/** The bounds a sampler works in: log scale taken, and a step widened by half a step on each side. */
export function samplingBounds(p: FloatParam | IntParam): { low: number; high: number } {
  const half = p.step === null ? 0 : p.step / 2;
  const low = p.low - half;
  const high = p.high + half;
  return p.log ? { low: Math.log(low), high: Math.log(high) } : { low, high };
}

/** A value from the sampling-space coordinate x: exp for log scale, then onto the grid, within bounds. */
export function fromSamplingSpace(p: FloatParam | IntParam, x: number): number {
  const v = p.log ? Math.exp(x) : x;
  if (p.step === null) return Math.min(p.high, Math.max(p.low, v));
  const k = Math.round((v - p.low) / p.step);
  const onGrid = Math.min(p.high, Math.max(p.low, p.low + k * p.step));
  return p.type === 'int' ? Math.round(onGrid) : roundToGrid(onGrid, p.step, p.low);
}

/** Uniform over the parameter's range, as Optuna's RandomSampler draws it (uniform in log space for log). */
export function sampleUniform(p: Param, rng: SeededRng): ParamValue {
  if (p.type === 'categorical') return p.choices[rng.int(p.choices.length)];
  if (p.low === p.high) return p.low;
  const { low, high } = samplingBounds(p);
  const v = fromSamplingSpace(p, rng.uniform(low, high));
  // A continuous float stays below high, as in Optuna (exp of a log-scale draw can round up to it).
  return p.type === 'float' && p.step === null && v >= p.high ? nextDown(p.high) : v;
}

/** The largest double below x (x finite). */
function nextDown(x: number): number {
  if (x === 0) return -Number.MIN_VALUE;
  const bits = new BigInt64Array(new Float64Array([x]).buffer);
  bits[0] += x > 0 ? -1n : 1n;
  return new Float64Array(bits.buffer)[0];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return `an array (${JSON.stringify(value).slice(0, 60)})`;
  return JSON.stringify(value)?.slice(0, 80) ?? String(value);
}
