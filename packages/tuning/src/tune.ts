import { createHash } from 'node:crypto';
import { existsSync, promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import { HitcastError } from '@hitcast/core/errors';
import { writeFileAtomic } from '@hitcast/core/atomic';
import { makeObjective } from './objectives.ts';
import { MedianPruner } from './pruners.ts';
import { runTrials } from './run.ts';
import { RandomSampler, TpeSampler } from './samplers.ts';
import { searchSpaceToJson } from './space.ts';
import { Study } from './study.ts';
import type { FrozenTrial, Sampler } from './types.ts';
import { MODEL_STAGES, type TunedModel, type TuningParams } from './tuning-params.ts';

export interface TuneOptions {
  model: TunedModel;
  params: TuningParams;
  /** Complete + pruned trials the study should hold (default: the params file's budget). */
  trials?: number;
  timeoutSeconds?: number;
  /** The journal (default: <artifacts>/tuning/<model>/study-<hash of the search space and run>.jsonl). */
  studyFile?: string;
  /** The pipeline's artifacts folder (default 'artifacts'). */
  artifacts?: string;
  backend: string;
  log: (line: string) => void;
  /** Write <artifacts>/tuning/<model>/summary.json for the report and `apply` (default true; benches say false). */
  writeSummary?: boolean;
}

/** One trial as the evaluation report shows it (eval's TuningTrial). */
export interface TrialSummary {
  number: number;
  state: FrozenTrial['state'];
  value?: number;
  params: Record<string, number | string>;
  intermediate: { step: number; value: number }[];
}

/** `<artifacts>/tuning/<model>/summary.json`: what the evaluation report charts, and where `apply` finds the study. */
export interface StudySummary {
  model: TunedModel;
  study: string;
  run: string;
  direction: 'minimize';
  trials: TrialSummary[];
  bestTrial?: number;
  bestValue?: number;
  bestParams?: Record<string, number | string>;
}

export const tuningDir = (artifacts: string, model: TunedModel) => path.join(artifacts, 'tuning', model);
export const summaryFile = (artifacts: string, model: TunedModel) => path.join(tuningDir(artifacts, model), 'summary.json');

/** A new search space or run starts a new study (a journal refuses another space); the old journal stays as history. */
export function defaultStudyFile(artifacts: string, model: TunedModel, params: TuningParams): string {
  const study = params.models[model];
  const key = createHash('sha256').update(JSON.stringify({ run: study.run, space: searchSpaceToJson(study.space) })).digest('hex').slice(0, 8);
  return path.join(tuningDir(artifacts, model), `study-${key}.jsonl`);
}

function makeSampler(params: TuningParams): Sampler {
  if (params.sampler === 'random') return new RandomSampler({ seed: params.seed });
  return new TpeSampler({ seed: params.seed, multivariate: params.sampler === 'tpe-multivariate' });
}

/**
 * `hitcast tune`: adds trials to the model's study until it holds the budget's complete + pruned trials
 * (or the timeout passes), printing each trial and the best so far, then writes summary.json.
 */
export async function tuneModel(options: TuneOptions): Promise<StudySummary> {
  const { model, params, log } = options;
  const study = params.models[model];
  const artifacts = options.artifacts ?? 'artifacts';
  const studyFile = options.studyFile ?? defaultStudyFile(artifacts, model, params);
  const inputs = {
    songsFile: path.join(artifacts, 'data-spectrogram', 'songs.arrow'),
    textFile: path.join(artifacts, 'data-spectrogram', 'text.arrow'),
    cnnDir: path.join(artifacts, 'model-cnn'),
    textDir: path.join(artifacts, 'model-text'),
  };
  const needed = model === 'fusion' ? [inputs.songsFile, path.join(inputs.cnnDir, 'params.json'), path.join(inputs.textDir, 'params.json')] : [inputs.songsFile, inputs.textFile];
  for (const file of needed) {
    if (!existsSync(file)) {
      throw new HitcastError(`tuning ${model} needs ${file}, which does not exist`, {
        fix: model === 'fusion' ? 'train the backbones first: npx nx run-many -t train -p model-cnn model-text' : 'build the data first: npx nx run-many -t build',
      });
    }
  }
  await fs.mkdir(path.dirname(studyFile), { recursive: true });
  const handle = Study.open(studyFile, { space: study.space, direction: 'minimize', sampler: makeSampler(params), pruner: new MedianPruner(), warn: log });
  const trials = options.trials ?? study.trials;
  log(`tuning ${model} (${study.run}): ${trials} trials in ${studyFile}, ${handle.trials.length} there already; objective: best validation loss; backend ${options.backend}`);
  try {
    // Each trial trains beside the journal, in a folder removed when it ends.
    const trialsDir = path.join(path.dirname(studyFile), 'trials');
    const objective = makeObjective(model, study.run, { ...inputs, trialsDir, backend: options.backend, log });
    const result = await runTrials({
      study: handle,
      objective,
      nTrials: trials,
      timeoutSeconds: options.timeoutSeconds ?? study.timeoutSeconds,
      onTrialFinished: (trial) => log(describeTrial(trial, handle.bestTrial)),
    });
    if (result.stoppedBy === 'timeout') log(`stopped by the timeout after ${result.trials.length} trials in this run`);
    const summary = summarize(model, study.run, studyFile, handle.trials, handle.bestTrial);
    await fs.rm(trialsDir, { recursive: true, force: true });
    if (options.writeSummary !== false) await writeFileAtomic(summaryFile(artifacts, model), `${JSON.stringify(summary, null, 2)}\n`);
    log(summary.bestTrial === undefined ? 'no complete trial yet' : `best: trial ${summary.bestTrial}, validation loss ${summary.bestValue!.toFixed(5)}, ${formatParams(summary.bestParams!)}; apply it with: npx hitcast tune apply --model ${model}`);
    return summary;
  } finally {
    handle.close();
  }
}

export function describeTrial(trial: FrozenTrial, best: FrozenTrial | undefined): string {
  const value = trial.value === undefined ? '—' : trial.value.toFixed(5);
  const bestText = best ? `best so far: trial ${best.number} (${best.value!.toFixed(5)})` : 'no complete trial yet';
  return `trial ${trial.number} ${trial.state.padEnd(8)} value ${value}  ${formatParams(trial.params as Record<string, number | string>)}  ${bestText}`;
}

const formatParams = (params: Record<string, unknown>) =>
  Object.entries(params)
    .map(([k, v]) => `${k}=${typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(4)) : v}`)
    .join(' ');

function summarize(model: TunedModel, run: string, studyFile: string, trials: FrozenTrial[], best: FrozenTrial | undefined): StudySummary {
  return {
    model,
    study: studyFile,
    run,
    direction: 'minimize',
    trials: trials.map((t) => ({
      number: t.number,
      state: t.state,
      ...(t.value === undefined ? {} : { value: t.value }),
      params: { ...(t.params as Record<string, number | string>) },
      intermediate: [...t.intermediateValues].map(([step, value]) => ({ step, value })),
    })),
    ...(best ? { bestTrial: best.number, bestValue: best.value, bestParams: { ...(best.params as Record<string, number | string>) } } : {}),
  };
}

/**
 * `hitcast tune apply`: writes the best trial's parameters into the model's params.json (other keys and
 * their order kept), so `git diff` shows what tuning changed and Nx re-trains exactly the stages it affects.
 * Returns the changed keys.
 */
export async function applyBestParams(model: TunedModel, options: { artifacts?: string; studyFile?: string; paramsFile?: string; log: (line: string) => void }): Promise<Record<string, { from: unknown; to: unknown }>> {
  const artifacts = options.artifacts ?? 'artifacts';
  let studyFile = options.studyFile;
  if (!studyFile) {
    const file = summaryFile(artifacts, model);
    if (!existsSync(file)) throw new HitcastError(`no tuning study of ${model} has run yet (${file} is missing)`, { fix: `run one first: npx hitcast tune --model ${model}` });
    studyFile = (JSON.parse(readFileSync(file, 'utf8')) as StudySummary).study;
  }
  if (!existsSync(studyFile)) throw new HitcastError(`the study ${studyFile} does not exist`, { fix: `run: npx hitcast tune --model ${model} --study ${studyFile}` });
  const study = Study.open(studyFile);
  const best = study.bestTrial;
  study.close();
  if (!best) throw new HitcastError(`the study ${studyFile} has no complete trial yet`, { fix: `add trials: npx hitcast tune --model ${model}` });
  const paramsFile = options.paramsFile ?? MODEL_STAGES[model].paramsFile;
  const current = JSON.parse(readFileSync(paramsFile, 'utf8')) as Record<string, unknown>;
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const [key, value] of Object.entries(best.params)) {
    if (current[key] !== value) changes[key] = { from: current[key], to: value };
    current[key] = value;
  }
  await writeFileAtomic(paramsFile, `${JSON.stringify(current, null, 2)}\n`);
  const list = Object.entries(changes).map(([k, c]) => `${k}: ${JSON.stringify(c.from)} → ${JSON.stringify(c.to)}`);
  options.log(`${paramsFile}: trial ${best.number} (validation loss ${best.value!.toFixed(5)}) ${list.length ? `— ${list.join(', ')}` : '— already these values'}`);
  return changes;
}
