import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { EpochRecord } from '@hitcast/core/training';
import { TrialPruned } from './run.ts';
import type { Trial } from './study.ts';
import { MODEL_STAGES, type TunedModel } from './tuning-params.ts';

/** Where a trial finds the pipeline's artifacts. */
export interface ObjectiveInputs {
  songsFile: string;
  textFile: string;
  /** model-cnn's and model-text's output folders (fusion trains its head on their pre-trained backbones). */
  cnnDir: string;
  textDir: string;
  /** Each trial trains in `<trialsDir>/<number>`, removed when the trial ends. */
  trialsDir: string;
  backend: string;
  log: (line: string) => void;
}

/**
 * The objective of a study: train the model's tuned run with the committed parameters overridden by the
 * trial's, report the validation loss after every epoch (the median pruner may stop the trial there), and
 * return the best validation loss. The test split is never used.
 */
export function makeObjective(model: TunedModel, run: string, inputs: ObjectiveInputs): (trial: Trial) => Promise<number> {
  return async (trial) => {
    const outDir = path.join(inputs.trialsDir, String(trial.number));
    let pruned = false;
    const onEpochEnd = (record: EpochRecord): boolean => {
      trial.report(record.epoch, record.validationLoss);
      pruned = trial.shouldPrune();
      return pruned;
    };
    const log = (line: string) => {
      if (/: epoch \d+\/\d+: /.test(line)) inputs.log(`  trial ${trial.number}: ${line}`); // one line per epoch, not per batch
    };
    try {
      await trainOnce(model, run, { ...trial.params }, outDir, inputs, onEpochEnd, log);
      if (pruned) throw new TrialPruned(`pruned after epoch ${[...trial.frozen.intermediateValues.keys()].pop()}`);
      const metrics = JSON.parse(await fs.readFile(path.join(outDir, run, 'metrics.json'), 'utf8')) as { fit: { bestValidationLoss: number } };
      return metrics.fit.bestValidationLoss;
    } finally {
      await fs.rm(outDir, { recursive: true, force: true });
    }
  };
}

async function trainOnce(
  model: TunedModel,
  run: string,
  overrides: Record<string, unknown>,
  outDir: string,
  inputs: ObjectiveInputs,
  onEpochEnd: (record: EpochRecord) => boolean,
  log: (line: string) => void,
): Promise<void> {
  const paramsFile = MODEL_STAGES[model].paramsFile;
  if (model === 'cnn') {
    const { readCnnParams, trainCnnStage } = await import('@hitcast/model-cnn');
    const params = { ...readCnnParams(paramsFile), ...overrides };
    await trainCnnStage({ songsFile: inputs.songsFile, outDir, params, backend: inputs.backend, resume: false, runs: [run as 'cnn-only' | 'cnn-pretrained'], log, onEpochEnd });
  } else if (model === 'text') {
    const { readTextParams, trainText } = await import('@hitcast/model-text');
    const params = { ...readTextParams(paramsFile), ...overrides };
    await trainText({ songsFile: inputs.songsFile, textFile: inputs.textFile, outDir, params, backend: inputs.backend, resume: false, runs: [run as 'text-pretrained' | 'text-only'], progress: false, log, onEpochEnd });
  } else {
    const { readFusionParams, trainFusionStage } = await import('@hitcast/model-fusion');
    const { readCnnParams } = await import('@hitcast/model-cnn');
    const { readTextParams } = await import('@hitcast/model-text');
    const params = { ...readFusionParams(paramsFile), ...overrides };
    await trainFusionStage({
      songsFile: inputs.songsFile,
      cnnDir: inputs.cnnDir,
      textDir: inputs.textDir,
      outDir,
      params,
      cnnParams: readCnnParams(path.join(inputs.cnnDir, 'params.json')),
      textParams: readTextParams(path.join(inputs.textDir, 'params.json')),
      backend: inputs.backend,
      resume: false,
      runs: [run as 'fusion-pretrained' | 'combined-naive'],
      log,
      onEpochEnd,
    });
  }
}
