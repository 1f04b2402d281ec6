import path from 'node:path';
import type { StageContext, StageResult } from '@hitcast/core/stage';
import type { TextParams } from './params.ts';
import { trainText } from './train-text.ts';

/** Runs stage model-text and prints a summary per run. */
export async function run({ params, inputs, out, backend, resume }: StageContext<TextParams>): Promise<StageResult> {
  const summary = await trainText({ songsFile: inputs.songs, textFile: inputs.text, outDir: out, params, resume, backend: backend! });
  for (const run of summary.runs) {
    console.log(
      `${run.run}: ${run.epochs} epochs (best ${run.bestEpoch}), ${run.samplesPerSecond.toFixed(0)} samples/s on ${backend}; ` +
        `merged-set test (${run.testSongs} songs): RMSE ${run.test.rmse.toFixed(2)}, within ±15 ${(100 * run.test.within15).toFixed(1)}% ` +
        `vs train mean RMSE ${run.baseline.rmse.toFixed(2)}, within ±15 ${(100 * run.baseline.within15).toFixed(1)}%`,
    );
  }
  console.log(`tokenizer (${summary.vocabSize} tokens): ${summary.tokenizerFile}; models, metrics and predictions under ${path.join(out, '<run>')}; ${summary.seconds.toFixed(1)} s`);
  return { inputs: [inputs.songs, inputs.text], outputs: [summary.tokenizerFile, ...summary.runs.flatMap((r) => r.files)], summary: { ...summary } };
}
