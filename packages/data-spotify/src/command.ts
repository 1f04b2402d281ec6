import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { HitcastError, writeStageManifest } from '@hitcast/core';
import { readSpotifyParams } from './params.ts';
import { convertTracksCsv } from './tracks-stage.ts';

/** Registers `hitcast spotify` and `hitcast pickle`. */
export function registerSpotifyCommands(program: Command): void {
  program
    .command('spotify')
    .description('stage data-spotify: convert the Kaggle tracks.csv to DIR/tracks.arrow (+ rejects.csv, manifest.json)')
    .option('--csv <file>', 'the Kaggle tracks.csv (default: from --params, else the committed sample)')
    .requiredOption('--out <dir>', 'output folder')
    .option('--params <file>', 'stage parameters (JSON), e.g. packages/data-spotify/params.json')
    .option('--batch-rows <n>', 'rows per Arrow record batch', positiveInteger)
    .action(async (options: { csv?: string; out: string; params?: string; batchRows?: number }) => {
      const params = readSpotifyParams(options.params);
      if (options.csv) params.csv = options.csv;
      if (options.batchRows) params.batchRows = options.batchRows;
      const summary = await convertTracksCsv({ csv: params.csv, outDir: options.out, batchRows: params.batchRows });
      await writeStageManifest(options.out, {
        stage: 'data-spotify',
        params: { ...params },
        inputs: [params.csv],
        outputs: [summary.tracksFile, summary.rejectsFile],
        summary: { ...summary },
      });
      const rate = Math.round(summary.rowsRead / Math.max(summary.seconds, 1e-3));
      console.log(`${summary.csv}: ${summary.rowsRead} rows read in ${summary.seconds.toFixed(1)} s (${rate} rows/s)`);
      console.log(`  ${summary.rowsWritten} written to ${summary.tracksFile}`);
      const kinds = Object.entries(summary.rejectsByKind).map(([kind, n]) => `${n} ${kind}`);
      console.log(`  ${summary.rowsRejected} rejected${kinds.length ? ` (${kinds.join(', ')})` : ''}, listed in ${summary.rejectsFile}`);
      if (summary.ignoredColumns.length) console.log(`  extra columns ignored: ${summary.ignoredColumns.join(', ')}`);
    });

  program
    .command('pickle')
    .description("convert one of the original project's Python pickles (.pkl) to an Arrow file, without running Python")
    .argument('<file>', 'the .pkl file')
    .requiredOption('--out <file>', 'the Arrow file to write')
    .action(async (file: string, options: { out: string }) => {
      if (path.resolve(file) === path.resolve(options.out)) throw new HitcastError('--out must differ from the input file');
      const { convertPickle } = await import('./pickle/index.ts');
      const summary = await convertPickle({ input: file, output: options.out, log: (line) => console.error(line) });
      console.log(`${file}: ${summary.kind}, ${summary.rows} rows → ${options.out}`);
      for (const column of summary.columns) {
        console.log(`  ${column.name}: ${column.type}${column.shape ? ` shape [${column.shape.join(', ')}]` : ''}`);
      }
    });
}

function positiveInteger(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new InvalidArgumentError('must be a positive whole number');
  return value;
}
