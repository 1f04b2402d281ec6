import { defaultLog } from '@hitcast/core';
import type { BackendName } from '@hitcast/core/tf/backends';
import { backendFromEnvironment } from '@hitcast/core/tf/backends';
import { readTuningParams, type TunedModel } from './tuning-params.ts';
import { tuneModel } from './tune.ts';

/** `hitcast tune`: selects the backend, reads the search spaces, runs the study. Trial lines go to stdout. */
export async function runTuneCommand(o: { model: TunedModel; trials?: number; study?: string; timeout?: number; params?: string; artifacts?: string; backend?: BackendName }): Promise<void> {
  const { CNN_DEFAULTS } = await import('@hitcast/model-cnn');
  const { TEXT_DEFAULTS } = await import('@hitcast/model-text');
  const { FUSION_DEFAULTS } = await import('@hitcast/model-fusion');
  const params = readTuningParams(o.params, { cnn: { ...CNN_DEFAULTS }, text: { ...TEXT_DEFAULTS }, fusion: { ...FUSION_DEFAULTS } });
  const { selectBackend } = await import('@hitcast/core/tf');
  const backend = await selectBackend(o.backend ?? backendFromEnvironment(), { log: defaultLog });
  await tuneModel({ model: o.model, params, trials: o.trials, timeoutSeconds: o.timeout, studyFile: o.study, artifacts: o.artifacts, backend: backend.name, log: (line) => console.log(line) });
}

/** bin/tune.mjs: parses the few options the Nx targets pass, runs the study, and returns the exit code. */
export async function tuneMain(argv: string[]): Promise<number> {
  const { parseArgs } = await import('node:util');
  const { describeError, HitcastError } = await import('@hitcast/core/errors');
  const { TUNED_MODELS } = await import('./models.ts');
  try {
    const { values } = parseArgs({ args: argv, options: { model: { type: 'string' }, trials: { type: 'string' }, timeout: { type: 'string' } } });
    const model = values.model as TunedModel | undefined;
    if (!model || !(TUNED_MODELS as readonly string[]).includes(model)) throw new HitcastError(`--model must be one of ${TUNED_MODELS.join(', ')}`);
    const count = (text: string | undefined) => (text === undefined ? undefined : Number(text));
    await runTuneCommand({ model, trials: count(values.trials as string | undefined), timeout: count(values.timeout as string | undefined) });
    return 0;
  } catch (error) {
    console.error(describeError(error));
    return 1;
  }
}
