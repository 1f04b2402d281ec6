import path from 'node:path';
import { Command } from 'commander';
import { writeStageManifest } from '@hitcast/core';
import { parseBackendOption, selectBackend, type BackendName } from '@hitcast/core/tf';
import { readTextParams } from './params.ts';
import { trainText } from './train-text.ts';

/** Registers `hitcast train-text`. */
export function registerTextCommands(program: Command): void {
  program
    .command('train-text')
    .description('stage model-text: train the WordPiece tokenizer and the text Transformer (pre-trained on the text set; naive run on the merged set) and write DIR/tokenizer.json, DIR/<run>/{model,metrics.json,predictions.arrow}')
    .requiredOption('--songs <file>', 'songs.arrow (merged set) from `hitcast spectrograms`')
    .requiredOption('--text <file>', 'text.arrow (tracks outside the merged set) from `hitcast spectrograms`')
    .requiredOption('--out <dir>', 'output folder')
    .option('--params <file>', 'stage parameters (JSON), e.g. packages/model-text/params.json')
    .option('--resume', 'continue each run from its last checkpoint and reuse tokenizer.json')
    .option('--backend <name>', 'tfjs backend: tensorflow-gpu, tensorflow, wasm or cpu (default: the best that works here)', parseBackendOption)
    .action(async (options: { songs: string; text: string; out: string; params?: string; resume?: boolean; backend?: BackendName }) => {
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
    });
}
