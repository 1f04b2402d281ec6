import { describe, expect, it } from 'vitest';
import { describeFailure, failures, runFuzz } from '../fuzz/harness.ts';
import { TARGETS } from '../fuzz/targets.ts';

/**
 * Every reader a user can point at a file, fed seeded random, truncated, bit-flipped and length-inflated
 * versions of real inputs in child processes: each case must end in valid output or a HitcastError naming
 * the file with a fix, within its time bound, without a crash or an allocation sized by a damaged header.
 * A fixed seed and a bounded number of cases keep this under a minute on two cores; `npx nx run core:fuzz`
 * runs many more.
 */
const SEED = '20261129';
const CASES = 300;
const CASES_FOR = { 'tracks-csv': 200, bundle: 120 };

describe('fuzzing the file readers', () => {
  it(`ends every case in valid output or a clear error (seed ${SEED})`, { timeout: 180_000 }, async () => {
    const lines: string[] = [];
    const reports = await runFuzz(
      TARGETS.map((t) => t.name),
      { seed: SEED, cases: CASES, casesFor: CASES_FOR, concurrency: 2, timeScale: 2, log: (line) => lines.push(line) },
    );
    for (const report of reports) {
      expect(report.results, report.target).toHaveLength(CASES_FOR[report.target as keyof typeof CASES_FOR] ?? CASES);
      // Both kinds of outcome occur, so the mutations neither all miss nor all break the format.
      expect(report.results.some((r) => r.outcome === 'clear'), `${report.target}: no case was refused`).toBe(true);
    }
    const failed = failures(reports);
    expect(failed.map(describeFailure).join('\n\n')).toBe('');
  });
});
