import { artifactSchema, type ArtifactSpec, recordBatchFromColumns, writeArtifact } from '@hitcast/core';
import type { Data, RecordBatch } from 'apache-arrow';
import type { ColumnPlan } from './arrow-columns.ts';

/** The artifact `hitcast pickle` writes: whatever columns the pickle had, so only name and version are fixed. */
export const PICKLE_TABLE_ARTIFACT = { name: 'pickle-table', version: 1 } as const;

/** Keeps each record batch around this size, whatever the row width (a spectrogram row is 256 KiB). */
const BATCH_BYTES = 32 * 1024 * 1024;
const MAX_BATCH_ROWS = 65_536;

export async function writePickleTable(
  output: string,
  plans: ColumnPlan[],
  rows: number,
  metadata: Record<string, string>,
): Promise<number> {
  const spec: ArtifactSpec = { ...PICKLE_TABLE_ARTIFACT, fields: plans.map((p) => p.field) };
  const schema = artifactSchema(spec, metadata);
  const rowBytes = plans.reduce((sum, p) => sum + p.rowBytes, 0);
  const batchRows = Math.max(1, Math.min(MAX_BATCH_ROWS, Math.floor(BATCH_BYTES / Math.max(1, rowBytes))));
  function* batches(): Generator<RecordBatch> {
    for (let start = 0; start < rows; start += batchRows) {
      const end = Math.min(rows, start + batchRows);
      const columns: Record<string, Data> = {};
      for (const plan of plans) columns[plan.field.name] = plan.build(start, end);
      yield recordBatchFromColumns(schema, columns);
    }
  }
  return writeArtifact(output, schema, batches());
}
