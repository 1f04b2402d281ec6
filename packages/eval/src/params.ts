import { HitcastError, readParams } from '@hitcast/core';
import { BASELINE_DEFAULTS, type BaselineParams } from './baselines.ts';

export interface EvalParams extends BaselineParams {
  /** Bootstrap resamples of the test songs per interval. */
  bootstrapResamples: number;
  bootstrapSeed: number;
  /** Coverage of every interval, e.g. 0.95. */
  confidence: number;
  /** Below this many test songs the report warns that differences are mostly noise. */
  smallTestSet: number;
}

export const EVAL_DEFAULTS: EvalParams = { ...BASELINE_DEFAULTS, bootstrapResamples: 2000, bootstrapSeed: 1, confidence: 0.95, smallTestSet: 100 };

export function readEvalParams(file?: string): EvalParams {
  const params = file ? readParams(file, EVAL_DEFAULTS) : { ...EVAL_DEFAULTS };
  const problems: string[] = [];
  if (!Number.isInteger(params.bootstrapResamples) || params.bootstrapResamples < 100) problems.push('bootstrapResamples must be an integer ≥ 100');
  if (!(params.confidence > 0 && params.confidence < 1)) problems.push('confidence must lie strictly between 0 and 1 (e.g. 0.95)');
  if (!(params.yearBandwidth > 0)) problems.push('yearBandwidth must be > 0 (years)');
  if (!(params.yearPriorStrength >= 0) || !(params.artistPriorStrength >= 0)) problems.push('yearPriorStrength and artistPriorStrength must be ≥ 0');
  if (problems.length) throw new HitcastError(`${file ?? 'eval parameters'}: ${problems.join('; ')}`, { fix: 'correct the values in the parameters file' });
  return params;
}
