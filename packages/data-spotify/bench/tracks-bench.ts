/**
 * Benchmark of stage data-spotify at full scale: generates (once, cached in the temp folder) a synthetic
 * tracks.csv with the real layout and 586,672 rows, converts it, and prints seconds, rows/s and peak RSS
 * beside pandas.read_csv on the same file (Debian's python3-pandas), then the TARGET line.
 * The machine is shared, so each side runs several times, alternating, and medians are compared.
 *
 * Run: npx nx run data-spotify:bench   (or: node --import tsx packages/data-spotify/bench/tracks-bench.ts [rows] [runs])
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { printTargets } from '@hitcast/core/bench/targets';
import { convertTracksCsv, type TracksSummary } from '../src/tracks-stage.ts';

const rows = Number(process.argv[2] ?? 586_672);
const runs = Number(process.argv[3] ?? 5);
const seed = 'bench';
const repo = path.resolve(import.meta.dirname, '../../..');
const workDir = path.join(tmpdir(), 'hitcast-bench');
const csv = path.join(workDir, `tracks-${rows}-${seed}.csv`);
mkdirSync(workDir, { recursive: true });

if (!existsSync(csv)) {
  console.log(`generating ${rows} rows into ${csv} …`);
  execFileSync(process.execPath, ['--import', 'tsx', path.join(repo, 'tools/synth/make-tracks.ts'), '--rows', String(rows), '--seed', seed, '--out', csv], {
    stdio: 'inherit',
    cwd: repo,
  });
}
const megabytes = statSync(csv).size / 2 ** 20;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const range = (values: number[]) => `${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)}`;

async function hitcastRun(): Promise<{ seconds: number; summary: TracksSummary }> {
  const outDir = path.join(workDir, 'out');
  rmSync(outDir, { recursive: true, force: true });
  const started = process.hrtime.bigint();
  const summary = await convertTracksCsv({ csv, outDir, showProgress: false });
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, summary };
}

// pandas side by side: same file, same machine, same moments (runs alternate with hitcast's).
const python = '/usr/bin/python3';
const script = `
import resource, sys, time
import pandas as pd
t = time.perf_counter()
df = pd.read_csv(sys.argv[1])
s = time.perf_counter() - t
print(f"{s} {len(df)} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}")
`;
function pandasRun(): { seconds: number; rows: number; peakMiB: number } | string {
  if (!existsSync(python)) return `${python} not found`;
  const run = spawnSync(python, ['-c', script, csv], { encoding: 'utf8' });
  if (run.status !== 0) return `python3-pandas not usable: ${(run.stderr || run.error?.message || '').trim().split('\n').pop()}`;
  const [seconds, pandasRows, peakMiB] = run.stdout.trim().split(' ').map(Number);
  return { seconds, rows: pandasRows, peakMiB };
}

const hitcastSeconds: number[] = [];
const pandasSeconds: number[] = [];
const pandasPeaks: number[] = [];
let summary: TracksSummary | undefined;
let pandasRows = 0;
let pandasSkipped: string | undefined;
for (let run = 0; run < runs; run++) {
  const hitcast = await hitcastRun();
  hitcastSeconds.push(hitcast.seconds);
  summary = hitcast.summary;
  if (pandasSkipped) continue;
  const pandas = pandasRun();
  if (typeof pandas === 'string') {
    pandasSkipped = pandas;
    continue;
  }
  pandasSeconds.push(pandas.seconds);
  pandasPeaks.push(pandas.peakMiB);
  pandasRows = pandas.rows;
}
const peakMiB = process.resourceUsage().maxRSS / 1024;
const seconds = median(hitcastSeconds);

console.log(`\ndata-spotify on ${rows} rows (${megabytes.toFixed(0)} MiB of CSV), median of ${runs} runs (range):`);
console.log(
  `  hitcast spotify : ${seconds.toFixed(2)} s (${range(hitcastSeconds)}), ${Math.round(summary!.rowsRead / seconds)} rows/s, peak RSS ${peakMiB.toFixed(0)} MiB ` +
    `(${summary!.rowsWritten} written, ${summary!.rowsRejected} rejected)`,
);
console.log(`  targets         : under 10 s, peak RSS under 1024 MiB → ${seconds < 10 && peakMiB < 1024 ? 'met' : 'NOT met'}`);
if (pandasSeconds.length) {
  const pandas = median(pandasSeconds);
  console.log(
    `  pandas.read_csv : ${pandas.toFixed(2)} s (${range(pandasSeconds)}), ${Math.round(pandasRows / pandas)} rows/s, peak RSS ${median(pandasPeaks).toFixed(0)} MiB ` +
      '(plain parse, no list literals or validation)',
  );
} else {
  console.log(`  pandas.read_csv : skipped (${pandasSkipped}; install python3-pandas to compare)`);
}

printTargets([
  {
    work: `tracks.csv → Arrow, ${rows.toLocaleString('en-US')} rows, s`,
    hitcast: seconds,
    referenceName: 'pandas.read_csv',
    reference: pandasSeconds.length ? median(pandasSeconds) : undefined,
    goal: { max: 1.0 },
    note: pandasSeconds.length ? `medians of ${runs} alternating runs; hitcast also parses the artist lists and checks every row` : pandasSkipped,
  },
]);
