/**
 * Streams generated rows to a tracks.csv file. Rows are formatted in batches and written with
 * back-pressure (wait for 'drain'), so memory stays flat at 586,672 rows; the file appears
 * atomically (temporary file + rename) so a crash never leaves a half-written CSV behind.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { Progress, withAtomicFile } from '@hitcast/core';
import { TracksReport } from './tracks-report.ts';
import { TRACKS_HEADER, TracksGenerator, trackCsvLine } from './tracks.ts';

/** Rows per write() call: big enough to amortise stream overhead, small enough to stay flat. */
const BATCH_ROWS = 2_000;

export interface WriteTracksOptions {
  rows: number;
  seed: string;
  /** Print progress on stderr (default true). */
  progress?: boolean;
}

export async function writeTracksCsv(outPath: string, options: WriteTracksOptions): Promise<TracksReport> {
  const { rows, seed } = options;
  const generator = new TracksGenerator(seed);
  const report = new TracksReport(rows);
  const progress = new Progress({ label: `tracks.csv seed=${seed}`, total: rows, unit: 'rows', enabled: options.progress !== false });

  await withAtomicFile(outPath, async (tmp) => {
    const stream = createWriteStream(tmp, { encoding: 'utf8' });
    try {
      let batch = `${TRACKS_HEADER}\n`;
      let inBatch = 0;
      for (let i = 0; i < rows; i++) {
        const record = generator.track(i);
        report.add(record);
        batch += `${trackCsvLine(record)}\n`; // LF, like the raw Kaggle file
        if (++inBatch === BATCH_ROWS || i === rows - 1) {
          // Back-pressure: once the stream's buffer is full, wait until the OS has taken it.
          // once() rejects if the stream emits 'error' meanwhile.
          if (!stream.write(batch)) await once(stream, 'drain');
          progress.tick(inBatch);
          batch = '';
          inBatch = 0;
        }
      }
      if (rows === 0) stream.write(batch);
      stream.end();
      await finished(stream);
    } catch (error) {
      stream.destroy();
      throw error;
    }
  });
  progress.finish();
  return report;
}

/** The whole file as one string (small files only: tests and the committed sample check). */
export function tracksCsvText(rows: number, seed: string): string {
  const generator = new TracksGenerator(seed);
  const lines = [TRACKS_HEADER];
  for (let i = 0; i < rows; i++) lines.push(trackCsvLine(generator.track(i)));
  return `${lines.join('\n')}\n`;
}
