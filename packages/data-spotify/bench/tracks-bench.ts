/**
 * Benchmark of stage data-spotify at full scale: generates (once, cached in the temp folder) a synthetic
 * tracks.csv with the real layout and 586,672 rows, converts it, and prints rows/s and peak RSS,
 * beside pandas.read_csv on the same file when Debian's python3-pandas is installed.
 *
 * Run: npx nx run data-spotify:bench   (or: node --import tsx packages/data-spotify/bench/tracks-bench.ts [rows])
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { convertTracksCsv } from '../src/tracks-stage.ts';

const rows = Number(process.argv[2] ?? 586_672);
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

const outDir = path.join(workDir, 'out');
rmSync(outDir, { recursive: true, force: true });
const started = process.hrtime.bigint();
const summary = await convertTracksCsv({ csv, outDir, showProgress: false });
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const peakMiB = process.resourceUsage().maxRSS / 1024;

console.log(`\ndata-spotify on ${rows} rows (${megabytes.toFixed(0)} MiB of CSV):`);
console.log(`  hitcast spotify : ${seconds.toFixed(2)} s, ${Math.round(summary.rowsRead / seconds)} rows/s, peak RSS ${peakMiB.toFixed(0)} MiB (${summary.rowsWritten} written, ${summary.rowsRejected} rejected)`);
console.log(`  targets         : under 10 s, peak RSS under 1024 MiB → ${seconds < 10 && peakMiB < 1024 ? 'met' : 'NOT met'}`);

// pandas side by side: same file, same machine, same moment.
const python = '/usr/bin/python3';
const script = `
import resource, sys, time
import pandas as pd
t = time.perf_counter()
df = pd.read_csv(sys.argv[1])
s = time.perf_counter() - t
print(f"{s} {len(df)} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}")
`;
const pandas = existsSync(python) ? spawnSync(python, ['-c', script, csv], { encoding: 'utf8' }) : null;
if (pandas?.status === 0) {
  const [pandasSeconds, pandasRows, pandasPeak] = pandas.stdout.trim().split(' ').map(Number);
  console.log(`  pandas.read_csv : ${pandasSeconds.toFixed(2)} s, ${Math.round(pandasRows / pandasSeconds)} rows/s, peak RSS ${pandasPeak.toFixed(0)} MiB (plain parse, no list literals or validation)`);
  console.log(`  ratio hitcast/pandas time: ${(seconds / pandasSeconds).toFixed(2)}`);
} else {
  console.log('  pandas.read_csv : skipped (install python3-pandas to compare)');
}
