import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { NopPruner } from '../src/pruners.ts';
import { runTrials } from '../src/run.ts';
import { Study } from '../src/study.ts';
import { loss, space } from './children/shared.ts';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const children = fileURLToPath(new URL('./children/', import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), 'hitcast-processes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function child(script: string, args: string[]): { process: ChildProcess; lines: string[]; waitFor: (pattern: RegExp) => Promise<string>; exit: Promise<number | null> } {
  const proc = spawn(process.execPath, ['--import', 'tsx', path.join(children, script), ...args], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let stderr = '';
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  let buffered = '';
  proc.stdout?.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      for (const w of waiters.filter((w) => w.pattern.test(line))) w.resolve(line);
    }
  });
  proc.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exit = new Promise<number | null>((resolve) =>
    proc.on('exit', (code) => {
      if (code) console.error(`${script} exited with ${code}:\n${stderr}`);
      resolve(code);
    }),
  );
  const waitFor = (pattern: RegExp) =>
    new Promise<string>((resolve, reject) => {
      const seen = lines.find((l) => pattern.test(l));
      if (seen) return resolve(seen);
      waiters.push({ pattern, resolve });
      void exit.then(() => reject(new Error(`${script} exited before printing ${pattern}: ${stderr}`)));
    });
  return { process: proc, lines, waitFor, exit };
}

function journalRecords(file: string): Record<string, unknown>[] {
  return readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
}

describe('studies across processes', () => {
  it('resumes after a process is killed with SIGKILL mid-trial: the stale trial fails, the study completes', async () => {
    const journal = path.join(dir, 'killed', 'study.jsonl');
    const hung = child('hang-in-trial.ts', [journal]);
    expect(await hung.waitFor(/hanging in trial/)).toBe('hanging in trial 2');
    await new Promise((r) => setTimeout(r, 250)); // let it write a heartbeat or two
    hung.process.kill('SIGKILL');
    await hung.exit;
    const pid = hung.process.pid;

    const warnings: string[] = [];
    const study = Study.open(journal, { space, pruner: new NopPruner(), heartbeatSeconds: 0.1, staleAfterSeconds: 1, warn: (m) => warnings.push(m) });
    expect(study.trials.map((t) => t.state)).toEqual(['complete', 'complete', 'running']);
    const started = Date.now();
    const result = await runTrials({ study, nTrials: 6, pollSeconds: 0.1, objective: (trial) => loss(trial.params) });
    expect(result.stoppedBy).toBe('nTrials');
    const trials = study.trials;
    expect(trials.map((t) => t.number)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(trials.map((t) => t.state)).toEqual(['complete', 'complete', 'failed', 'complete', 'complete', 'complete', 'complete']);
    expect(trials[2].failReason).toContain(`process ${pid}`);
    expect(trials[2].intermediateValues.get(0)).toBe(1.5);
    // Trials 3–5 ran at once; the seventh only after trial 2 had gone a second without a heartbeat.
    expect(Date.now() - started).toBeGreaterThan(500);
    expect(warnings.join()).toMatch(/trial 2 .* marked failed: no heartbeat/);
    const finishes = journalRecords(journal).filter((r) => r.op === 'finish' && r.state === 'failed');
    expect(finishes).toHaveLength(1);
    study.close();
  });

  it('two processes on one study end with unique, gap-free trial numbers and exactly N finished trials', async () => {
    const journal = path.join(dir, 'shared', 'study.jsonl');
    const start = path.join(dir, 'shared-start');
    const n = 30;
    const workers = [child('worker.ts', [journal, String(n), start]), child('worker.ts', [journal, String(n), start])];
    await Promise.all(workers.map((w) => w.waitFor(/ready/)));
    writeFileSync(start, '');
    expect(await Promise.all(workers.map((w) => w.exit))).toEqual([0, 0]);

    const reports = workers.map((w) => JSON.parse(w.lines.find((l) => l.startsWith('{')) as string) as { pid: number; numbers: number[] });
    const study = Study.open(journal, { warn: (m) => expect.fail(m) });
    const trials = study.trials;
    expect(trials.map((t) => t.number)).toEqual(Array.from({ length: n }, (_, i) => i));
    expect(trials.every((t) => t.state === 'complete')).toBe(true);
    // Each trial belongs to exactly one worker, the one its record names.
    const claimed = [...reports[0].numbers, ...reports[1].numbers].sort((a, b) => a - b);
    expect(claimed).toEqual(trials.map((t) => t.number));
    for (const r of reports) for (const number of r.numbers) expect(trials[number].worker.pid).toBe(r.pid);
    // Both took part, and every create_trial record carries the number its position gives it.
    console.log(`two workers: ${reports.map((r) => r.numbers.length).join(' + ')} trials`);
    for (const r of reports) expect(r.numbers.length).toBeGreaterThanOrEqual(3);
    const created = journalRecords(journal).filter((r) => r.op === 'create_trial');
    expect(created.map((r) => r.number)).toEqual(trials.map((t) => t.number));
    expect(new Set(trials.map((t) => t.params.lr)).size).toBe(n);
    study.close();
  });
});
