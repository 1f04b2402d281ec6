import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { HitcastError } from '@hitcast/core';
import type { TuningStudySummary } from './types.ts';

/**
 * Tuning studies for the report: every `<dir>/<model>/summary.json` (a TuningStudySummary, written by
 * the tuning stage). No folder means no study has been run yet — an empty list, not an error.
 */
export async function readTuningSummaries(dir: string | undefined): Promise<TuningStudySummary[]> {
  if (!dir || !existsSync(dir)) return [];
  const studies: TuningStudySummary[] = [];
  for (const entry of (await fs.readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    const file = path.join(dir, entry.name, 'summary.json');
    if (!existsSync(file)) continue;
    try {
      const summary = JSON.parse(await fs.readFile(file, 'utf8')) as TuningStudySummary;
      if (!Array.isArray(summary.trials)) throw new Error('it has no "trials" list');
      studies.push(summary);
    } catch (error) {
      throw new HitcastError(`cannot read the tuning summary ${file}: ${(error as Error).message}`, { fix: 're-run the tuning stage, or delete the file' });
    }
  }
  return studies;
}
