import { shardingOptions } from '@hitcast/core/tf';
import { TEXT_LAYERS_MODULE } from './layers/index.ts';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Progress } from '@hitcast/core';
import { regressionMetrics, trainRun as trainCoreRun, type FitOptions, type Prediction, type RegressionMetrics } from '@hitcast/core/training';
import type { TextParams } from './params.ts';
import {
  batches, countWords, encodeSource, epochBatches, lengthSortedBatches, meanPopularity, popularityOf, predictPopularity, rowsOf, songsSource, SPLITS, textSource, type EncodedSet,
} from './text-batches.ts';
import { WordPieceTokenizer } from './tokenizer.ts';
import { trainWordPiece, WordCounter } from './tokenizer-train.ts';
import { buildTextModel, transformerShape, type TextModelConfig } from './transformer.ts';

export const RUNS = ['text-pretrained', 'text-only'] as const;
export type RunName = (typeof RUNS)[number];

export interface TrainTextOptions {
  songsFile: string;
  textFile: string;
  outDir: string;
  params: TextParams;
  /** Continue each run from its checkpoint, and reuse tokenizer.json. */
  resume: boolean;
  /** The tfjs backend in use (already selected), for the record. */
  backend: string;
  log?: (line: string) => void;
  progress?: boolean;
  /** Runs to train (default both). */
  runs?: readonly RunName[];
  /** After each epoch of each run (tuning reports the validation loss here); true stops that run. */
  onEpochEnd?: FitOptions['onEpochEnd'];
}

export interface RunSummary {
  run: RunName;
  trainRows: number;
  validationRows: number;
  testSongs: number;
  epochs: number;
  bestEpoch: number;
  samplesPerSecond: number;
  test: RegressionMetrics;
  baseline: RegressionMetrics;
  files: string[];
}

export interface TextStageSummary {
  tokenizerFile: string;
  vocabSize: number;
  textRows: number;
  songs: number;
  runs: RunSummary[];
  seconds: number;
}

/**
 * Stage model-text: trains the tokenizer on text.arrow, then two runs of the text Transformer:
 * "text-pretrained" (trained on the text set, which holds no merged song) and "text-only" (naive
 * config 1: trained from scratch on the merged set's train split). Both are judged on the merged
 * set's test split, beside the train-mean baseline on the same songs.
 */
export async function trainText(options: TrainTextOptions): Promise<TextStageSummary> {
  const started = Date.now();
  const log = options.log ?? ((line: string) => console.error(line));
  const { params } = options;
  const progress = options.progress ?? true;
  const text = textSource(options.textFile);
  const songsSrc = songsSource(options.songsFile);

  const tokenizerFile = path.join(options.outDir, 'tokenizer.json');
  const tokenizer = await tokenizerFor(tokenizerFile, text, options, log);
  log(`tokenizer: ${tokenizer.vocabSize} tokens (asked for at most ${params.vocabSize}), ${tokenizer.maxLength} per song → ${tokenizerFile}`);

  const textSet = await encodeSource(text, tokenizer, { maxRows: params.pretrainMaxRows, progress });
  const songs = await encodeSource(songsSrc, tokenizer, { keepIds: true, progress });
  log(`text set: ${textSet.size} rows (${textSet.truncated} truncated); merged set: ${songs.size} songs (${songs.truncated} truncated)`);

  const runs: RunSummary[] = [];
  const wanted = new Set(options.runs ?? RUNS);
  if (wanted.has('text-pretrained')) runs.push(
    await trainRun('text-pretrained', { train: textSet, trainLabel: 'text set', songs, tokenizer, options, log }, {
      epochs: params.pretrainEpochs, batchSize: params.pretrainBatchSize, learningRate: params.pretrainLearningRate, patience: params.pretrainPatience,
    }),
  );
  if (wanted.has('text-only')) runs.push(
    await trainRun('text-only', { train: songs, trainLabel: 'merged set', songs, tokenizer, options, log }, {
      epochs: params.naiveEpochs, batchSize: params.naiveBatchSize, learningRate: params.naiveLearningRate, patience: params.naivePatience,
    }),
  );
  return { tokenizerFile, vocabSize: tokenizer.vocabSize, textRows: textSet.size, songs: songs.size, runs, seconds: (Date.now() - started) / 1000 };
}

async function tokenizerFor(file: string, text: ReturnType<typeof textSource>, options: TrainTextOptions, log: (line: string) => void): Promise<WordPieceTokenizer> {
  const { params } = options;
  if (options.resume && existsSync(file)) {
    const saved = await WordPieceTokenizer.load(file);
    const training = saved.json.training ?? {};
    const same = saved.maxLength === params.maxLength && training.requestedVocabSize === params.vocabSize && training.maxRows === params.pretrainMaxRows;
    if (same) {
      log(`tokenizer: reusing ${file}`);
      return saved;
    }
    log(`tokenizer: ${file} was trained with other parameters; training a new one`);
  }
  const counter = new WordCounter();
  await countWords(text, counter, { maxRows: params.pretrainMaxRows, progress: options.progress ?? true });
  const tokenizer = trainWordPiece(counter, { vocabSize: params.vocabSize, maxLength: params.maxLength, record: { maxRows: params.pretrainMaxRows } });
  await tokenizer.save(file);
  return tokenizer;
}

interface RunData {
  /** Where the model learns (train and validation splits). */
  train: EncodedSet;
  trainLabel: string;
  /** The merged set: its test split judges every run. */
  songs: EncodedSet;
  tokenizer: WordPieceTokenizer;
  options: TrainTextOptions;
  log: (line: string) => void;
}

interface RunSettings {
  epochs: number;
  batchSize: number;
  learningRate: number;
  patience: number;
}

async function trainRun(run: RunName, data: RunData, settings: RunSettings): Promise<RunSummary> {
  const { train, songs, tokenizer, options, log } = data;
  const { params } = options;
  const runDir = path.join(options.outDir, run);
  const trainRows = rowsOf(train, 'train');
  const validationRows = rowsOf(train, 'validation');
  const testRows = rowsOf(songs, 'test');
  const trainMean = meanPopularity(train, trainRows);
  const config: TextModelConfig = {
    ...transformerShape(params),
    vocabSize: tokenizer.vocabSize,
    maxLength: tokenizer.maxLength,
    outputBias: trainMean / 100, // start from the baseline, so early epochs learn the signal, not the offset
  };
  log(`${run}: ${trainRows.length} train / ${validationRows.length} validation rows of the ${data.trainLabel}; ${testRows.length} test songs; backend ${options.backend}`);
  if (trainRows.length === 0 || validationRows.length === 0) throw new Error(`${run}: the ${data.trainLabel} has no train or no validation rows`);

  const { model } = buildTextModel(config);
  const timing = { samples: 0, ms: 0 };
  let progress: Progress | undefined; // one line for the whole run (every few seconds), made at its first epoch
  let samplesPerSecond = NaN;
  const report = await trainCoreRun({
    run,
    runDir,
    backend: options.backend,
    params: { ...params },
    config: { config, settings },
    resume: options.resume,
    fit: {
      model,
      parts: [{ name: 'all', variables: model.trainableWeights, learningRate: settings.learningRate }],
      trainBatches: (epoch) => {
        progress ??= new Progress({ label: `${run} training`, total: (settings.epochs - epoch + 1) * trainRows.length, unit: 'samples', enabled: options.progress ?? true });
        return timedEpoch(epoch, train, epochBatches(train, trainRows, settings.batchSize, params.seed, epoch), timing, progress);
      },
      validationBatches: () => batches(train, lengthSortedBatches(train.lengths, validationRows, 512)),
      epochs: settings.epochs,
      patience: settings.patience,
      onEpochEnd: options.onEpochEnd,
      ...shardingOptions(params),
      setupModule: TEXT_LAYERS_MODULE,
    },
    finish: async () => {
      progress?.finish();
      // Every merged-set song's prediction; the shared report judges the test split beside predicting the
      // merged set's train mean (the same baseline every model is shown with).
      const all = Int32Array.from({ length: songs.size }, (_, i) => i);
      const predictedAll = await predictPopularity(model, songs, all);
      const predictions: Prediction[] = Array.from(all, (i) => ({ id: songs.songIds![i], split: SPLITS[songs.splits[i]], predicted: predictedAll[i], actual: songs.popularity[i] }));
      samplesPerSecond = timing.ms > 0 ? (1000 * timing.samples) / timing.ms : NaN;
      const extra: Record<string, unknown> = {
        model: config,
        tokenizer: { vocabSize: tokenizer.vocabSize, maxLength: tokenizer.maxLength },
        data: { trainedOn: data.trainLabel, trainRows: trainRows.length, validationRows: validationRows.length, truncated: train.truncated, testSongs: testRows.length },
        trainingSpeed: { samplesPerSecond, samples: timing.samples, seconds: timing.ms / 1000, note: 'training steps of the epochs run in this process, without validation' },
      };
      if (train !== songs) {
        // The pre-training set's own held-out rows, with the mean of the rows it learned from.
        const textTest = rowsOf(train, 'test');
        const textActual = popularityOf(train, textTest);
        extra.textSetTest = regressionMetrics(await predictPopularity(model, train, textTest), textActual);
        extra.textSetTestBaseline = regressionMetrics(new Float32Array(textTest.length).fill(trainMean), textActual);
      }
      return { predictions, extra, metadata: { hitcast: { stage: 'model-text', run, config, tokenizer: '../../tokenizer.json' } } };
    },
    log: (line) => {
      if (!/, batch \d+, loss /.test(line)) log(line); // per-batch lines: the epoch's progress line has the rate instead
    },
  });
  log(`${run}: ${samplesPerSecond.toFixed(0)} samples/s`);
  model.dispose();
  const modelDir = path.join(runDir, 'model');
  return {
    run,
    trainRows: trainRows.length,
    validationRows: validationRows.length,
    testSongs: testRows.length,
    epochs: report.fit.history.length,
    bestEpoch: report.fit.bestEpoch,
    samplesPerSecond,
    test: report.metrics.test,
    baseline: report.meanBaseline,
    files: [path.join(modelDir, 'model.json'), path.join(modelDir, 'weights.bin'), path.join(runDir, 'metrics.json'), path.join(runDir, 'predictions.arrow')],
  };
}

/** One epoch's batches, counting progress and the time spent in training steps (validation excluded). */
async function* timedEpoch(epoch: number, set: EncodedSet, batchRows: Int32Array[], timing: { samples: number; ms: number }, progress: Progress) {
  const started = Date.now();
  yield* batches(set, batchRows, (n) => progress.tick(n, `epoch ${epoch}`));
  timing.samples += batchRows.reduce((n, b) => n + b.length, 0);
  timing.ms += Date.now() - started;
}

