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

/** Problems a user can fix in packages/eval/params.json. */
export function checkEvalParams(params: EvalParams): string[] {
  const problems: string[] = [];
  if (!Number.isInteger(params.bootstrapResamples) || params.bootstrapResamples < 100) problems.push('bootstrapResamples must be a whole number ≥ 100');
  if (!(params.confidence > 0 && params.confidence < 1)) problems.push('confidence must lie strictly between 0 and 1 (e.g. 0.95)');
  if (!(params.yearBandwidth > 0)) problems.push('yearBandwidth must be > 0 (years)');
  if (!(params.yearPriorStrength >= 0) || !(params.artistPriorStrength >= 0)) problems.push('yearPriorStrength and artistPriorStrength must be ≥ 0');
  return problems;
}
