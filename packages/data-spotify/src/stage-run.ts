import type { StageContext, StageResult } from '@hitcast/core/stage';
import type { SpotifyParams } from './params.ts';
import { convertTracksCsv } from './tracks-stage.ts';

/** Runs stage data-spotify and prints its summary. */
export async function run({ params, out }: StageContext<SpotifyParams>): Promise<StageResult> {
  const summary = await convertTracksCsv({ csv: params.csv, outDir: out, batchRows: params.batchRows });
  const rate = Math.round(summary.rowsRead / Math.max(summary.seconds, 1e-3));
  console.log(`${summary.csv}: ${summary.rowsRead} rows read in ${summary.seconds.toFixed(1)} s (${rate} rows/s)`);
  console.log(`  ${summary.rowsWritten} written to ${summary.tracksFile}`);
  const kinds = Object.entries(summary.rejectsByKind).map(([kind, n]) => `${n} ${kind}`);
  console.log(`  ${summary.rowsRejected} rejected${kinds.length ? ` (${kinds.join(', ')})` : ''}, listed in ${summary.rejectsFile}`);
  if (summary.ignoredColumns.length) console.log(`  extra columns ignored: ${summary.ignoredColumns.join(', ')}`);
  return { inputs: [params.csv], outputs: [summary.tracksFile, summary.rejectsFile], summary: { ...summary } };
}
