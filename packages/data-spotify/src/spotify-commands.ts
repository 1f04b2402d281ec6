import path from 'node:path';
import { HitcastError, writeStageManifest } from '@hitcast/core';
import { readSpotifyParams } from './params.ts';
import { convertTracksCsv } from './tracks-stage.ts';

export interface SpotifyCommandOptions {
  csv?: string;
  out: string;
  params?: string;
  batchRows?: number;
}

/** `hitcast spotify`: stage data-spotify, its manifest and a summary. */
export async function runSpotifyCommand(options: SpotifyCommandOptions): Promise<void> {
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
}

export interface PickleCommandOptions {
  out: string;
}

/** `hitcast pickle`: one pickle to one Arrow file. */
export async function runPickleCommand(file: string, options: PickleCommandOptions): Promise<void> {
  if (path.resolve(file) === path.resolve(options.out)) throw new HitcastError('--out must differ from the input file');
  const { convertPickle } = await import('./pickle/index.ts');
  const summary = await convertPickle({ input: file, output: options.out, log: (line) => console.error(line) });
  console.log(`${file}: ${summary.kind}, ${summary.rows} rows → ${options.out}`);
  for (const column of summary.columns) {
    console.log(`  ${column.name}: ${column.type}${column.shape ? ` shape [${column.shape.join(', ')}]` : ''}`);
  }
}
