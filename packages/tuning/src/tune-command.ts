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
