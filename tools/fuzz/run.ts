/**
 * Fuzzes hitcast's file readers: `node --import tsx tools/fuzz/run.ts --cases 2000 --seed 7`.
 * Options: --targets a,b (default all), --from N (first case), --concurrency N, --time-scale X.
 * Prints a line per target and every failing case (with its saved input and the command that reruns it);
 * exits 1 when any case crashed, hung, allocated from an unchecked length or threw an unclear error.
 */
import { parseArgs } from 'node:util';
import { describeFailure, failures, runFuzz } from './harness.ts';
import { TARGETS } from './targets.ts';

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '500' },
    seed: { type: 'string', default: String(Date.now() % 100_000) },
    targets: { type: 'string' },
    from: { type: 'string', default: '0' },
    concurrency: { type: 'string', default: '2' },
    'time-scale': { type: 'string', default: '1' },
    'fail-dir': { type: 'string' },
  },
});

const targets = values.targets ? values.targets.split(',') : TARGETS.map((t) => t.name);
const cases = Number(values.cases);
console.log(`fuzzing ${targets.join(', ')}: ${cases} cases each, seed ${values.seed}`);
const started = Date.now();
const reports = await runFuzz(targets, {
  seed: values.seed!,
  cases,
  from: Number(values.from),
  concurrency: Number(values.concurrency),
  timeScale: Number(values['time-scale']),
  failDir: values['fail-dir'],
  log: (line) => console.log(line),
});
for (const report of reports) {
  const counts = new Map<string, number>();
  for (const r of report.results) counts.set(r.outcome, (counts.get(r.outcome) ?? 0) + 1);
  const slowest = Math.max(0, ...report.results.map((r) => r.ms));
  console.log(`${report.target.padEnd(11)} ${[...counts].map(([k, v]) => `${k} ${v}`).join(', ')}; ${(report.ms / 1000).toFixed(1)} s (set-up ${(report.setupMs / 1000).toFixed(1)} s, slowest case ${slowest} ms, ${report.restarts} restarts)`);
}
const failed = failures(reports);
console.log(`${failed.length} failing cases in ${((Date.now() - started) / 1000).toFixed(1)} s${failed.length ? ':' : ''}`);
for (const f of failed) console.log(describeFailure(f));
process.exit(failed.length ? 1 : 0);
