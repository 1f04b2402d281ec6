import { existsSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { shardingOptions } from '@hitcast/core/tf';
import { defaultLog, predictInBatches, trainRun, type FitOptions, type Prediction, type RunReport } from '@hitcast/core/training';
import { buildCnn, cnnBlocks } from './cnn.ts';
import { toModelInput } from './augment.ts';
import { cnnBatches, inputsFileName, prepareCnnInputs, readExamples } from './cnn-inputs.ts';
import type { CnnParams } from './params.ts';
import { CNN_RUNS, type CnnRun } from './runs.ts';

export { CNN_RUNS, type CnnRun };

export interface TrainCnnOptions {
  songsFile: string;
  outDir: string;
  params: CnnParams;
  backend: string;
  resume: boolean;
  runs?: CnnRun[];
  log?: (line: string) => void;
  /** After each epoch of each run (tuning reports the validation loss here); true stops that run. */
  onEpochEnd?: FitOptions['onEpochEnd'];
}

/** Stage model-cnn: prepares the inputs once, then trains, evaluates and saves each run. */
export async function trainCnnStage(options: TrainCnnOptions): Promise<RunReport[]> {
  const { params, outDir } = options;
  const log = options.log ?? defaultLog;
  const [height, width] = [params.inputHeight, params.inputWidth];
  const inputsFile = inputsFileName(outDir, height, width);
  if (!options.resume || !existsSync(inputsFile)) await prepareCnnInputs(options.songsFile, inputsFile, height, width);

  // Start every run at the predict-the-mean baseline: output bias = mean training target.
  let sum = 0;
  let count = 0;
  for await (const example of readExamples(inputsFile, height, width, 'train')) {
    sum += example.popularity / 100;
    count++;
  }
  const outputBias = count ? sum / count : 0;

  const reports: RunReport[] = [];
  for (const run of options.runs ?? (Object.keys(CNN_RUNS) as CnnRun[])) {
    const { model } = buildCnn({ height, width, blocks: cnnBlocks(params.groupedConvolutions), dropout: params.dropout, seed: params.seed, outputBias });
    const augment = CNN_RUNS[run].augment ? params : undefined;
    reports.push(
      await trainRun({
        run,
        runDir: path.join(outDir, run),
        backend: options.backend,
        params: { ...params, augment: Boolean(augment) },
        config: { params, augment: Boolean(augment) },
        resume: options.resume,
        fit: {
          model,
          parts: [{ name: 'cnn', variables: model.trainableWeights, learningRate: params.learningRate }],
          trainBatches: (epoch) => cnnBatches(inputsFile, { height, width, split: 'train', batchSize: params.batchSize, seed: params.seed, epoch, augment }),
          validationBatches: () => cnnBatches(inputsFile, { height, width, split: 'validation', batchSize: params.batchSize, seed: params.seed }),
          epochs: params.epochs,
          patience: params.patience,
          onEpochEnd: options.onEpochEnd,
          ...shardingOptions(params),
        },
        finish: async () => ({ predictions: await predictAll(model, inputsFile, height, width, params.batchSize) }),
        log,
      }),
    );
    model.dispose();
  }
  return reports;
}

/** The model's prediction for every song (inference mode, no augmentation), on the 0–100 scale. */
export function predictAll(model: tf.LayersModel, inputsFile: string, height: number, width: number, batchSize: number): Promise<Prediction[]> {
  return predictInBatches(model, readExamples(inputsFile, height, width, 'all'), batchSize, (batch) => {
    const data = new Float32Array(batch.length * height * width);
    batch.forEach((e, k) => data.set(toModelInput(e.pixels), k * height * width));
    return tf.tensor4d(data, [batch.length, height, width, 1]);
  });
}
