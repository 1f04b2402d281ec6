import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { HitcastError } from '@hitcast/core';
import { loadModel, shardingOptions } from '@hitcast/core/tf';
import { defaultLog, predictInBatches, trainRun, type FitOptions, type Prediction, type RunReport } from '@hitcast/core/training';
import { buildCnn, cnnBlocks, cnnFeaturesModel, inputsFileName, type CnnParams } from '@hitcast/model-cnn';
import { buildTextModel, featuresModel as textFeaturesModel, TEXT_LAYERS_MODULE, transformerShape, WordPieceTokenizer, type TextParams } from '@hitcast/model-text';
import { featureBatches, fusionBatches, loadFusionExamples, toInputs, type FusionExample } from './fusion-data.ts';
import { buildCombinedModel, buildFusionHead } from './fusion-model.ts';
import type { FusionParams } from './params.ts';
import { FUSION_RUNS, type FusionRun } from './runs.ts';

export { FUSION_RUNS, type FusionRun };

export interface TrainFusionOptions {
  songsFile: string;
  /** model-cnn's output folder (inputs file and cnn-pretrained/model). */
  cnnDir: string;
  /** model-text's output folder (tokenizer.json and text-pretrained/model). */
  textDir: string;
  outDir: string;
  params: FusionParams;
  cnnParams: CnnParams;
  textParams: TextParams;
  backend: string;
  resume: boolean;
  runs?: FusionRun[];
  log?: (line: string) => void;
  /** After each epoch of each run (tuning reports the validation loss here); true stops that run. */
  onEpochEnd?: FitOptions['onEpochEnd'];
}

/**
 * Stage model-fusion.
 * - combined-naive: a fresh CNN, a fresh Transformer and the head, trained end to end on the merged set.
 * - fusion-pretrained: the pre-trained backbones frozen — their features computed once, in inference mode,
 *   so batch-norm statistics cannot drift — and only the head trained on them.
 */
export async function trainFusionStage(options: TrainFusionOptions): Promise<RunReport[]> {
  const { params, cnnParams } = options;
  const log = options.log ?? defaultLog;
  const [height, width] = [cnnParams.inputHeight, cnnParams.inputWidth];
  const tokenizer = await WordPieceTokenizer.load(path.join(options.textDir, 'tokenizer.json')).catch((error: Error) => {
    throw new HitcastError(`cannot read the tokenizer of stage model-text in ${options.textDir}: ${error.message}`, { fix: 'run `npx nx run model-text:train` first' });
  });
  const examples = await loadFusionExamples(options.songsFile, inputsFileName(options.cnnDir, height, width), height, width, (song) => tokenizer.encode(song));
  const train = examples.filter((e) => e.split === 'train');
  const outputBias = train.reduce((s, e) => s + e.popularity / 100, 0) / Math.max(1, train.length);

  const reports: RunReport[] = [];
  for (const run of options.runs ?? FUSION_RUNS) {
    const head = buildFusionHead(params.seed);
    // Start at the baseline, as the backbones do.
    const outputLayer = head.getLayer('fusion_output');
    outputLayer.setWeights([outputLayer.getWeights()[0], tf.tensor1d([outputBias])]);
    const common = { run, runDir: path.join(options.outDir, run), backend: options.backend, params: { ...params }, resume: options.resume, log };
    const schedule = { epochs: params.epochs, patience: params.patience, onEpochEnd: options.onEpochEnd };
    const metadata = { hitcast: { stage: 'model-fusion', run, tokenizer: '../../../model-text/tokenizer.json' } };

    if (run === 'fusion-pretrained') {
      const cnn = await loadBackbone(path.join(options.cnnDir, 'cnn-pretrained', 'model'), 'model-cnn');
      const text = await loadBackbone(path.join(options.textDir, 'text-pretrained', 'model'), 'model-text');
      const raw = await frozenFeatures(cnnFeaturesModel(cnn), textFeaturesModel(text), examples, height, width);
      const scaling = featureScaling(raw, examples);
      const features = standardize(raw, scaling);
      reports.push(
        await trainRun({
          ...common,
          config: { params, cnnParams, textParams: options.textParams },
          fit: {
            model: head,
            parts: [{ name: 'head', variables: head.trainableWeights, learningRate: params.headLearningRate }],
            trainBatches: (epoch) => featureBatches(features, examples, { split: 'train', batchSize: params.batchSize, seed: params.seed, epoch }),
            validationBatches: () => featureBatches(features, examples, { split: 'validation', batchSize: params.batchSize, seed: params.seed }),
            ...schedule,
          },
          finish: async () => {
            const predictions = await predictFeatures(head, features, examples);
            foldScalingIntoHead(head, scaling); // the saved model takes raw features, like the backbones give them
            // Saved as one model for users: spectrogram + tokens → popularity.
            return { predictions, model: buildCombinedModel(cnnFeaturesModel(cnn), textFeaturesModel(text), head), metadata };
          },
        }),
      );
    } else {
      const cnn = buildCnn({ height, width, blocks: cnnBlocks(cnnParams.groupedConvolutions), dropout: cnnParams.dropout, seed: cnnParams.seed });
      const textConfig = { ...transformerShape(options.textParams), vocabSize: tokenizer.vocabSize, maxLength: tokenizer.maxLength };
      const text = buildTextModel(textConfig);
      const model = buildCombinedModel(cnn.features, text.features, head);
      reports.push(
        await trainRun({
          ...common,
          config: { params, cnnParams, textConfig },
          fit: {
            model,
            parts: [
              { name: 'cnn', variables: cnn.features.trainableWeights, learningRate: params.cnnLearningRate },
              { name: 'text', variables: text.features.trainableWeights, learningRate: params.textLearningRate },
              { name: 'head', variables: head.trainableWeights, learningRate: params.headLearningRate },
            ],
            trainBatches: (epoch) => fusionBatches(examples, { split: 'train', batchSize: params.batchSize, height, width, seed: params.seed, epoch }),
            validationBatches: () => fusionBatches(examples, { split: 'validation', batchSize: params.batchSize, height, width, seed: params.seed }),
            ...schedule,
            // The whole CNN and Transformer train here: worth the second core (the head alone above is not).
            ...shardingOptions(params),
            setupModule: TEXT_LAYERS_MODULE,
          },
          finish: async () => ({ predictions: await predictInBatches(model, examples, params.batchSize, (rows) => toInputs(rows, height, width)), metadata }),
        }),
      );
    }
  }
  return reports;
}

async function loadBackbone(dir: string, stage: string): Promise<tf.LayersModel> {
  try {
    return await loadModel(dir);
  } catch (error) {
    throw new HitcastError(`cannot load the pre-trained model in ${dir}: ${(error as Error).message}`, { fix: `run \`npx nx run ${stage}:train\` first` });
  }
}


/** Both backbones' 64 features for every song, side by side ([songs, 128]), in inference mode. */
export async function frozenFeatures(cnn: tf.LayersModel, text: tf.LayersModel, examples: FusionExample[], height: number, width: number, batchSize = 32): Promise<Float32Array> {
  const out = new Float32Array(examples.length * 128);
  for (let start = 0; start < examples.length; start += batchSize) {
    const rows = examples.slice(start, start + batchSize);
    const joined = tf.tidy(() => {
      const [pixels, tokens] = toInputs(rows, height, width);
      return tf.concat([cnn.predict(pixels) as tf.Tensor, text.predict(tokens) as tf.Tensor], 1);
    });
    out.set(await joined.data(), start * 128); // asynchronously: webgpu in Node has no synchronous read
    joined.dispose();
  }
  return out;
}

/** Mean and standard deviation per feature (128), over the training songs. */
export interface FeatureScaling {
  mean: Float32Array;
  std: Float32Array;
}

/**
 * The two backbones' features live on unrelated scales (batch-normed ReLU outputs vs pooled attention
 * outputs), so the head trains on each backbone's block centred per feature and divided by the block's
 * overall spread — one scale per backbone, not per feature: many units barely vary on the few training
 * songs, and dividing by their tiny spread would blow up on other songs.
 */
export function featureScaling(features: Float32Array, examples: FusionExample[]): FeatureScaling {
  const mean = new Float32Array(128);
  const std = new Float32Array(128);
  const rows = [...examples.keys()].filter((i) => examples[i].split === 'train');
  for (let j = 0; j < 128; j++) for (const i of rows) mean[j] += features[i * 128 + j] / rows.length;
  for (const [from, to] of [[0, 64], [64, 128]]) {
    let variance = 0;
    for (let j = from; j < to; j++) for (const i of rows) variance += (features[i * 128 + j] - mean[j]) ** 2 / (rows.length * (to - from));
    std.fill(Math.sqrt(variance) || 1, from, to);
  }
  return { mean, std };
}

export function standardize(features: Float32Array, { mean, std }: FeatureScaling): Float32Array {
  return features.map((value, k) => (value - mean[k % 128]) / std[k % 128]);
}

/** Rewrites the head's first layer so that, on raw features, it computes what it learned on standardised ones. */
export function foldScalingIntoHead(head: tf.LayersModel, { mean, std }: FeatureScaling): void {
  const layer = head.getLayer('fusion_hidden');
  const [kernel, bias] = layer.getWeights(); // kernel [128, 64]
  const folded = tf.tidy(() => {
    const k = kernel.div(tf.tensor2d(std, [128, 1]));
    const b = bias.sub(tf.tensor1d(mean).reshape([1, 128]).matMul(k).reshape([-1]));
    return [k, b];
  });
  layer.setWeights(folded);
}

async function predictFeatures(head: tf.LayersModel, features: Float32Array, examples: FusionExample[]): Promise<Prediction[]> {
  const output = tf.tidy(() => head.predict(tf.tensor2d(features, [examples.length, 128])) as tf.Tensor);
  const values = await output.data();
  output.dispose();
  return examples.map((e, i) => ({ id: e.id, split: e.split, predicted: values[i] * 100, actual: e.popularity }));
}
