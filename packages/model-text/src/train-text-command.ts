import path from 'node:path';
import { writeStageManifest } from '@hitcast/core';
import { selectBackend, type BackendName } from '@hitcast/core/tf';
import { readTextParams } from './params.ts';
import { trainText } from './train-text.ts';

export interface TrainTextCommandOptions {
  songs: string;
  text: string;
  out: string;
  params?: string;
  resume?: boolean;
  backend?: BackendName;
}

/** `hitcast train-text`: trains the tokenizer and both runs, writes the stage manifest, prints a summary. */
export async function runTrainTextCommand(options: TrainTextCommandOptions): Promise<void> {
  const params = readTextParams(options.params);
  const backend = await selectBackend(options.backend);
  const summary = await trainText({
    songsFile: options.songs,
    textFile: options.text,
    outDir: options.out,
    params,
    resume: Boolean(options.resume),
    backend: backend.name,
  });
  await writeStageManifest(options.out, {
    stage: 'model-text',
    params: { ...params },
    inputs: [options.songs, options.text],
    outputs: [summary.tokenizerFile, ...summary.runs.flatMap((r) => r.files)],
    summary: { backend: backend.name, ...summary },
  });
  for (const run of summary.runs) {
    console.log(
      `${run.run}: ${run.epochs} epochs (best ${run.bestEpoch}), ${run.samplesPerSecond.toFixed(0)} samples/s on ${backend.name}; ` +
        `merged-set test (${run.testSongs} songs): RMSE ${run.test.rmse.toFixed(2)}, within ±15 ${(100 * run.test.within15).toFixed(1)}% ` +
        `vs train mean RMSE ${run.baseline.rmse.toFixed(2)}, within ±15 ${(100 * run.baseline.within15).toFixed(1)}%`,
    );
  }
  console.log(`tokenizer (${summary.vocabSize} tokens): ${summary.tokenizerFile}; models, metrics and predictions under ${path.join(options.out, '<run>')}; ${summary.seconds.toFixed(1)} s`);
}
