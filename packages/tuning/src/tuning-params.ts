import { readFileSync } from 'node:fs';
import { HitcastError } from '@hitcast/core/errors';
import { MODEL_STAGES, TUNED_MODELS, type TunedModel } from './models.ts';
import { parseSearchSpace, type SearchSpace } from './space.ts';

export { MODEL_STAGES, TUNED_MODELS, type TunedModel } from './models.ts';

export interface ModelStudyParams {
  run: string;
  trials: number;
  timeoutSeconds: number;
  space: SearchSpace;
}

export interface TuningParams {
  seed: number;
  sampler: 'tpe' | 'tpe-multivariate' | 'random';
  models: Record<TunedModel, ModelStudyParams>;
}

export const TUNING_PARAMS_FILE = 'packages/tuning/params.json';

/**
 * packages/tuning/params.json: the search space and budget per model. Every mistake is a HitcastError
 * naming the file and the entry: an unknown model, a space key that is not a parameter of the model, a
 * budget that is not a positive whole number, a malformed parameter declaration (checked by parseSearchSpace).
 */
export function readTuningParams(file = TUNING_PARAMS_FILE, modelDefaults: Record<TunedModel, Record<string, unknown>>): TuningParams {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new HitcastError(`cannot read the tuning parameters ${file}: ${(error as Error).message}`, { fix: 'restore the file from git or correct its JSON' });
  }
  const fail = (what: string, fix: string) => new HitcastError(`${file}: ${what}`, { fix });
  const seed = json.seed ?? 0;
  if (typeof seed !== 'number' || !Number.isInteger(seed)) throw fail(`"seed" must be a whole number, got ${JSON.stringify(seed)}`, 'e.g. "seed": 0');
  const sampler = json.sampler ?? 'tpe';
  if (sampler !== 'tpe' && sampler !== 'tpe-multivariate' && sampler !== 'random') throw fail(`"sampler" must be tpe, tpe-multivariate or random, got ${JSON.stringify(sampler)}`, 'e.g. "sampler": "tpe"');
  const models = (json.models ?? {}) as Record<string, Record<string, unknown>>;
  for (const name of Object.keys(models)) {
    if (!(TUNED_MODELS as readonly string[]).includes(name)) throw fail(`unknown model "${name}" under "models"`, `the models are ${TUNED_MODELS.join(', ')}`);
  }
  const parsed = {} as Record<TunedModel, ModelStudyParams>;
  for (const model of TUNED_MODELS) {
    const entry = models[model];
    if (!entry) throw fail(`no study declared for model "${model}" under "models"`, `add "models": { "${model}": { "run", "trials", "timeoutSeconds", "space" } }`);
    const at = `models.${model}`;
    const { runs } = MODEL_STAGES[model];
    if (typeof entry.run !== 'string' || !runs.includes(entry.run)) throw fail(`${at}.run must be one of ${runs.join(', ')}, got ${JSON.stringify(entry.run)}`, `e.g. "run": "${runs[0]}"`);
    for (const key of ['trials', 'timeoutSeconds'] as const) {
      const value = entry[key];
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw fail(`${at}.${key} must be a whole number ≥ 1, got ${JSON.stringify(value)}`, `e.g. "${key}": ${key === 'trials' ? 10 : 600}`);
    }
    const space = parseSearchSpace(entry.space, `${file}: ${at}.space`);
    for (const p of space.params) {
      if (!(p.name in modelDefaults[model])) {
        throw fail(`${at}.space.${p.name} is not a parameter of ${MODEL_STAGES[model].paramsFile}`, `use one of: ${Object.keys(modelDefaults[model]).join(', ')}`);
      }
    }
    parsed[model] = { run: entry.run, trials: entry.trials as number, timeoutSeconds: entry.timeoutSeconds as number, space };
  }
  return { seed, sampler, models: parsed };
}
