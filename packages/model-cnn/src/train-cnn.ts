import { existsSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { saveModel } from '@hitcast/core/tf';
import { describeReport, fit, writeRunReport, type Prediction, type RunReport } from '@hitcast/core/training';
import { buildCnn, cnnBlocks } from './cnn.ts';
import { toModelInput } from './augment.ts';
import { cnnBatches, inputsFileName, prepareCnnInputs, readExamples, type CnnExample } from './cnn-inputs.ts';
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
}

/** Stage model-cnn: prepares the inputs once, then trains, evaluates and saves each run. */
export async function trainCnnStage(options: TrainCnnOptions): Promise<RunReport[]> {
  const { params, outDir } = options;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
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
    const runDir = path.join(outDir, run);
    const { model } = buildCnn({ height, width, blocks: cnnBlocks(params.groupedConvolutions), dropout: params.dropout, seed: params.seed, outputBias });
    const augment = CNN_RUNS[run].augment ? params : undefined;
    const result = await fit({
      name: run,
      model,
      parts: [{ name: 'cnn', variables: model.trainableWeights, learningRate: params.learningRate }],
      trainBatches: (epoch) => cnnBatches(inputsFile, { height, width, split: 'train', batchSize: params.batchSize, seed: params.seed, epoch, augment }),
      validationBatches: () => cnnBatches(inputsFile, { height, width, split: 'validation', batchSize: params.batchSize, seed: params.seed }),
      epochs: params.epochs,
      patience: params.patience,
      runDir,
      resume: options.resume,
      log,
    });
    const predictions = await predictAll(model, inputsFile, height, width, params.batchSize);
    await saveModel(model, path.join(runDir, 'model'));
    const report = await writeRunReport(runDir, { run, backend: options.backend, params: { ...params, augment: Boolean(augment) }, fit: result, predictions });
    log(describeReport(report));
    reports.push(report);
    model.dispose();
  }
  return reports;
}

/** The model's prediction for every song (inference mode, no augmentation), on the 0–100 scale. */
export async function predictAll(model: tf.LayersModel, inputsFile: string, height: number, width: number, batchSize: number): Promise<Prediction[]> {
  const predictions: Prediction[] = [];
  let pending: CnnExample[] = [];
  const flush = () => {
    if (!pending.length) return;
    const data = new Float32Array(pending.length * height * width);
    pending.forEach((e, k) => data.set(toModelInput(e.pixels), k * height * width));
    const output = tf.tidy(() => model.predict(tf.tensor4d(data, [pending.length, height, width, 1])) as tf.Tensor);
    const values = output.dataSync();
    output.dispose();
    pending.forEach((e, k) => predictions.push({ id: e.id, split: e.split, predicted: values[k] * 100, actual: e.popularity }));
    pending = [];
  };
  for await (const example of readExamples(inputsFile, height, width, 'all')) {
    pending.push(example);
    if (pending.length === batchSize) flush();
  }
  flush();
  return predictions;
}
