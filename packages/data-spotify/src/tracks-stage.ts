import { createWriteStream, promises as fs } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import type { RecordBatch } from 'apache-arrow';
import { artifactSchema, HitcastError, Progress, withAtomicFile, writeArtifact } from '@hitcast/core';
import { readCsvByteRecords } from './csv-byte-records.ts';
import { TracksBatchBuilder } from './tracks-batch.ts';
import { TRACKS_CSV_COLUMNS, TRACKS_SPEC } from './tracks-schema.ts';

export interface TracksSummary {
  csv: string;
  tracksFile: string;
  rejectsFile: string;
  /** Data records read (header and blank lines not counted). */
  rowsRead: number;
  rowsWritten: number;
  rowsRejected: number;
  rejectsByKind: Record<string, number>;
  /** Columns after the 20 known ones, which are ignored. */
  ignoredColumns: string[];
  seconds: number;
}

export interface ConvertTracksOptions {
  csv: string;
  outDir: string;
  /** Rows per Arrow record batch: bounds memory and sets the read granularity downstream. */
  batchRows?: number;
  /** Bytes read from the file at a time (tests use tiny chunks to split records and characters). */
  chunkBytes?: number;
  showProgress?: boolean;
}

/**
 * Stage data-spotify: streams the Kaggle tracks.csv into `outDir/tracks.arrow`, one record batch at a
 * time, and lists every row it cannot use in `outDir/rejects.csv` (line, id, reason). One bad row never
 * aborts the file; a file that is not the tracks.csv layout fails at once. Both outputs appear
 * atomically and only when the whole file has been read.
 */
export async function convertTracksCsv(options: ConvertTracksOptions): Promise<TracksSummary> {
  const started = Date.now();
  const { csv, outDir } = options;
  const batchRows = options.batchRows ?? 32_768;
  const tracksFile = path.join(outDir, 'tracks.arrow');
  const rejectsFile = path.join(outDir, 'rejects.csv');
  const totalBytes = await csvSize(csv);

  const summary: TracksSummary = {
    csv,
    tracksFile,
    rejectsFile,
    rowsRead: 0,
    rowsWritten: 0,
    rowsRejected: 0,
    rejectsByKind: {},
    ignoredColumns: [],
    seconds: 0,
  };
  const progress = new Progress({ label: `reading ${path.basename(csv)}`, unit: 'rows', enabled: options.showProgress ?? true });
  let bytesRead = 0;

  await withAtomicFile(rejectsFile, async (rejectsTmp) => {
    const rejects = createWriteStream(rejectsTmp, { encoding: 'utf8' });
    const writeReject = async (line: string) => {
      if (!rejects.write(line)) await once(rejects, 'drain');
    };
    await writeReject('line,id,reason\n');

    const schema = artifactSchema(TRACKS_SPEC, { 'hitcast.source': path.basename(csv) });
    async function* batches(): AsyncGenerator<RecordBatch> {
      const builder = new TracksBatchBuilder(schema, batchRows);
      let headerFields = -1;
      for await (const records of readCsvByteRecords(csv, { chunkBytes: options.chunkBytes, onBytes: (n) => (bytesRead += n) })) {
        const record = records.record;
        while (records.next()) {
          if (headerFields < 0) {
            const header = record.fieldStrings();
            headerFields = header.length;
            summary.ignoredColumns = checkHeader(header, csv);
            continue;
          }
          if (record.fieldCount === 1 && record.fieldLength(0) === 0) continue; // blank line
          summary.rowsRead++;
          const rejection =
            record.fieldCount === headerFields
              ? builder.addRecord(record)
              : { kind: 'wrong field count', reason: `expected ${headerFields} fields, found ${record.fieldCount}` };
          if (rejection) {
            summary.rowsRejected++;
            summary.rejectsByKind[rejection.kind] = (summary.rejectsByKind[rejection.kind] ?? 0) + 1;
            await writeReject(`${record.line},${csvField(record.fieldStrings()[0] ?? '')},${csvField(rejection.reason)}\n`);
          } else if (builder.full) {
            summary.rowsWritten += builder.size;
            yield builder.flush();
          }
        }
        progress.tick(summary.rowsRead - progress.count, `${((100 * bytesRead) / Math.max(1, totalBytes)).toFixed(0)}% of the file`);
      }
      if (headerFields < 0) {
        throw new HitcastError(`${csv} is empty`, { fix: 'point --csv at the Kaggle tracks.csv (hitcast fetch spotify)' });
      }
      if (builder.size > 0) {
        summary.rowsWritten += builder.size;
        yield builder.flush();
      }
    }

    try {
      await writeArtifact(tracksFile, schema, batches());
    } finally {
      rejects.end();
      await once(rejects, 'close');
    }
  });
  summary.seconds = (Date.now() - started) / 1000;
  progress.finish(`${summary.rowsWritten} written, ${summary.rowsRejected} rejected`);
  return summary;
}

async function csvSize(csv: string): Promise<number> {
  try {
    const stat = await fs.stat(csv);
    if (!stat.isFile()) throw new HitcastError(`${csv} is not a file`, { fix: 'point --csv at the Kaggle tracks.csv' });
    return stat.size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new HitcastError(`${csv} does not exist`, {
        fix: 'download it with `npx hitcast fetch spotify` (into $HITCAST_DATA/spotify, where this stage reads it when HITCAST_DATA is set), or unset HITCAST_DATA to use the sample datasets/spotify/tracks.csv',
      });
    }
    throw error;
  }
}

/** Requires the 20 tracks.csv columns in order; returns any extra trailing columns (ignored). */
function checkHeader(fields: string[], csv: string): string[] {
  const expected = TRACKS_CSV_COLUMNS as readonly string[];
  const prefix = fields.slice(0, expected.length);
  if (prefix.length !== expected.length || prefix.some((name, i) => name.trim() !== expected[i])) {
    const firstDifference = expected.findIndex((name, i) => prefix[i]?.trim() !== name);
    throw new HitcastError(
      `${csv}: line 1 is not the header of the Kaggle tracks.csv: column ${firstDifference + 1} is ` +
        `${prefix[firstDifference] === undefined ? 'missing' : JSON.stringify(prefix[firstDifference])}, expected "${expected[firstDifference]}"`,
      {
        fix: `use tracks.csv from the Kaggle dataset yamaerenay/spotify-dataset-19212020-600k-tracks, whose header is: ${expected.join(',')}`,
      },
    );
  }
  return fields.slice(expected.length);
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
