/**
 * Sampler speed: suggestions per second with 100 and 1,000 complete trials of history, for the
 * random sampler, TPE (univariate, Optuna 4's default), multivariate TPE and TPE with constant liar
 * (8 running trials), on a five-parameter space; next to Optuna's TPESampler on the same space and
 * histories when Python with Optuna is installed (optuna_tpe_bench.py). Then the journal: opening a
 * 1,000-trial study (replay) and ask + report + tell with fsync.
 *
 *   node --import tsx packages/tuning/bench/sampler-bench.ts [--histories 100,1000] [--seconds 1] [--no-optuna]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SeededRng } from '@hitcast/core';
import { NopPruner, parseSearchSpace, RandomSampler, Study, TpeSampler, type FrozenTrial, type Params, type Sampler } from '../src/index.ts';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const histories = option('histories', '100,1000').split(',').map(Number);
const seconds = Number(option('seconds', '1'));

const space = parseSearchSpace(
  {
    learningRate: { type: 'float', low: 1e-6, high: 1, log: true },
    dropout: { type: 'float', low: 0, high: 0.9, step: 0.05 },
    batchSize: { type: 'int', low: 8, high: 128, step: 8 },
    units: { type: 'int', low: 1, high: 512, log: true },
    optimizer: { type: 'categorical', choices: ['adam', 'sgd', 'rmsprop', 'adagrad'] },
  },
  'bench space',
);

function value(p: Params): number {
  return (Math.log10(p.learningRate as number) + 3) ** 2 + ((p.dropout as number) - 0.3) ** 2 + (Math.log2(p.units as number) - 6) ** 2 / 10;
}

function history(n: number, running: number): FrozenTrial[] {
  const random = new RandomSampler({ seed: n });
  return Array.from({ length: n + running }, (_, number) => {
    const params = random.sample({ space, direction: 'minimize', trials: [], number });
    const state = number < n ? 'complete' : 'running';
    return {
      number,
      id: String(number),
      state,
      params,
      value: state === 'complete' ? value(params) : undefined,
      intermediateValues: new Map(),
      startedAt: 0,
      finishedAt: undefined,
      lastSeenAt: 0,
      worker: { host: 'bench', pid: 0 },
      failReason: undefined,
    } satisfies FrozenTrial;
  });
}

function rate(sampler: Sampler, trials: FrozenTrial[]): number {
  let done = 0;
  const start = performance.now();
  while (done < 3 || performance.now() - start < seconds * 1000) {
    sampler.sample({ space, direction: 'minimize', trials, number: trials.length + done });
    done++;
  }
  return done / ((performance.now() - start) / 1000);
}

function optunaRates(): { version: string; rates: Map<string, number> } | undefined {
  if (args.includes('--no-optuna') || !existsSync('/usr/bin/python3')) return undefined;
  const script = fileURLToPath(new URL('./optuna_tpe_bench.py', import.meta.url));
  const r = spawnSync('/usr/bin/python3', [script, '--histories', histories.join(','), '--seconds', String(seconds)], { encoding: 'utf8' });
  if (r.status !== 0) {
    console.log(`(Optuna side skipped: ${r.stderr.trim().split('\n').pop() ?? 'python failed'}; apt-get install python3-optuna)`);
    return undefined;
  }
  const out = JSON.parse(r.stdout) as { optuna: string; rows: { sampler: string; history: number; perSecond: number }[] };
  return { version: out.optuna, rates: new Map(out.rows.map((row) => [`${row.sampler}@${row.history}`, row.perSecond])) };
}

const samplers: [string, () => Sampler, number][] = [
  ['random', () => new RandomSampler(), 0],
  ['tpe', () => new TpeSampler(), 0],
  ['tpe multivariate', () => new TpeSampler({ multivariate: true }), 0],
  ['tpe constant liar', () => new TpeSampler({ constantLiar: true }), 8],
];

const optuna = optunaRates();
console.log(`suggestions/s, five parameters (log float, float grid, int grid, log int, categorical); ${seconds} s per row`);
const header = ['sampler', 'history', 'hitcast /s', ...(optuna ? [`Optuna ${optuna.version} /s`, 'ratio'] : [])];
const rows: string[][] = [];
for (const n of histories) {
  for (const [name, make, running] of samplers) {
    const ours = rate(make(), history(n, running));
    const theirs = optuna?.rates.get(`${name}@${n}`);
    rows.push([name, `${n}${running ? ` + ${running} running` : ''}`, ours.toFixed(0), ...(optuna ? [theirs === undefined ? '—' : theirs.toFixed(0), theirs === undefined ? '—' : `${(ours / theirs).toFixed(1)}×`] : [])]);
  }
}
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
for (const row of [header, ...rows]) console.log(row.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  '));

// The journal: replay of a 1,000-trial study, and one trial's round trip with fsync.
const dir = mkdtempSync(path.join(tmpdir(), 'hitcast-tuning-bench-'));
try {
  const file = path.join(dir, 'study.jsonl');
  const study = Study.open(file, { space, sampler: new RandomSampler(), pruner: new NopPruner() });
  const rng = new SeededRng('bench');
  let start = performance.now();
  const n = 1000;
  for (let i = 0; i < n; i++) {
    const trial = study.ask();
    for (let epoch = 0; epoch < 10; epoch++) trial.report(epoch, value(trial.params) + rng.next());
    study.tell(trial, value(trial.params));
  }
  const perTrial = (performance.now() - start) / n;
  study.close();
  start = performance.now();
  const reopened = Study.open(file, { space });
  const trials = reopened.trials.length;
  const replay = performance.now() - start;
  reopened.close();
  console.log(`journal: ${perTrial.toFixed(2)} ms per trial (ask, 10 reports, tell; random sampler; every append fsynced); replaying ${trials} trials takes ${replay.toFixed(0)} ms`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
