import { defineStage } from '@hitcast/core/stage';
import { checkEvalParams, EVAL_DEFAULTS, type EvalParams } from './params.ts';

/** Stage eval: every run and baseline on the shared test split → metrics.arrow/json, report.md, report.html. */
export const stage = defineStage<EvalParams>({
  name: 'eval',
  params: { file: 'packages/eval/params.json', defaults: EVAL_DEFAULTS, speedOnly: [], check: checkEvalParams },
  inputs: {
    songs: 'artifacts/data-spectrogram/songs.arrow',
    text: 'artifacts/data-spectrogram/text.arrow',
    runs: 'artifacts',
    tuning: 'artifacts/tuning',
  },
  // Tuning is run on demand (hitcast tune / nx run tuning:tune-*), not by the pipeline: its summaries are fingerprinted.
  untrackedInputs: ['tuning'],
  out: 'artifacts/eval',
  usesBackend: false,
  load: () => import('./stage-run.ts'),
});
