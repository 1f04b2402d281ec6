/**
 * Runs fuzz cases against hitcast's readers in child processes: one child per target reads its cases in turn
 * (reporting on fd 3), under a heap cap and an allocation guard. A case with no result within the target's
 * time bound is a hang (the child is killed); a child that dies mid-case is a crash of that case. Either way
 * a new child carries on from the next case. Failing inputs are kept under `failDir`.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PASSING, type CaseResult, type ChildMessage } from './cases.ts';
import { ROOT, targetNamed } from './targets.ts';

export interface FuzzOptions {
  seed: string;
  /** Cases per target. */
  cases: number;
  /** Cases for particular targets (slower readers get fewer in a time-bounded run). */
  casesFor?: Record<string, number>;
  /** First case index (to rerun one case: from = its index, cases = 1). */
  from?: number;
  /** Targets run side by side. */
  concurrency?: number;
  /** The child's V8 heap cap. */
  heapMb?: number;
  /** The largest single ArrayBuffer / typed array / Buffer a reader may ask for. */
  allocMb?: number;
  /** The most the child's peak RSS may grow during one case. */
  rssMb?: number;
  /** Multiplies every target's time bound (slow machines). */
  timeScale?: number;
  /** Where failing inputs are copied (default: a folder under the system's temp folder). */
  failDir?: string;
  log?: (line: string) => void;
}

export interface TargetReport {
  target: string;
  results: CaseResult[];
  setupMs: number;
  ms: number;
  restarts: number;
}

export async function runFuzz(targets: string[], options: FuzzOptions): Promise<TargetReport[]> {
  const queue = [...targets];
  const reports: TargetReport[] = [];
  const workers = Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 2, queue.length)) }, async () => {
    for (let name = queue.shift(); name; name = queue.shift()) reports.push(await runTarget(name, options));
  });
  await Promise.all(workers);
  return targets.map((t) => reports.find((r) => r.target === t)!);
}

export function failures(reports: TargetReport[]): CaseResult[] {
  return reports.flatMap((r) => r.results.filter((c) => !PASSING.includes(c.outcome)));
}

/** One line per failing case: what, where the input is, how to rerun it. */
export function describeFailure(c: CaseResult): string {
  return [
    `${c.target} seed=${c.seed} case=${c.index}: ${c.outcome.toUpperCase()} after ${c.ms} ms`,
    `  input: ${c.input}; mutation: ${c.mutation}`,
    ...(c.detail ? [`  ${c.detail.split('\n').join('\n  ')}`] : []),
    ...(c.saved ? [`  saved: ${c.saved}`] : []),
    `  rerun: node --import tsx tools/fuzz/run.ts --targets ${c.target} --seed ${c.seed} --from ${c.index} --cases 1`,
  ].join('\n');
}

export async function runTarget(name: string, options: FuzzOptions): Promise<TargetReport> {
  const target = targetNamed(name);
  const log = options.log ?? (() => undefined);
  const from = options.from ?? 0;
  const to = from + (options.casesFor?.[name] ?? options.cases);
  const timeoutMs = target.timeoutMs * (options.timeScale ?? 1);
  const workDir = mkdtempSync(path.join(tmpdir(), `hitcast-fuzz-${name}-`));
  const failDir = options.failDir ?? path.join(tmpdir(), 'hitcast-fuzz-failures');
  const results: CaseResult[] = [];
  const started = Date.now();
  let setupMs = 0;
  let restarts = -1;
  try {
    let next = from;
    while (next < to) {
      restarts++;
      const run = await runChild(name, options, next, to, workDir, timeoutMs);
      setupMs ||= run.setupMs;
      for (const result of run.results) {
        if (!PASSING.includes(result.outcome)) {
          const dest = path.join(failDir, `${name}-seed-${options.seed}-case-${result.index}`);
          try {
            rmSync(dest, { recursive: true, force: true });
            cpSync(path.join(workDir, `case-${result.index}`), dest, { recursive: true });
            result.saved = dest;
          } catch {
            // the child removed it, or never wrote it
          }
          log(describeFailure(result));
        }
        rmSync(path.join(workDir, `case-${result.index}`), { recursive: true, force: true });
        results.push(result);
      }
      if (run.results.length === 0) throw new Error(`fuzz child for ${name} made no progress from case ${next}: ${run.error ?? 'no output'}`);
      next = run.results[run.results.length - 1].index + 1;
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  return { target: name, results, setupMs, ms: Date.now() - started, restarts };
}

interface ChildRun {
  results: CaseResult[];
  setupMs: number;
  error?: string;
}

function runChild(name: string, options: FuzzOptions, from: number, to: number, workDir: string, timeoutMs: number): Promise<ChildRun> {
  const heapMb = options.heapMb ?? 768;
  const args = ['--import', 'tsx', `--max-old-space-size=${heapMb}`, path.join(ROOT, 'tools/fuzz/child.ts'), name, options.seed, String(from), String(to), workDir, String(options.allocMb ?? 256), String(options.rssMb ?? 512)];
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } });
  const results: CaseResult[] = [];
  let setupMs = 0;
  let stderr = '';
  let buffered = '';
  let open: { index: number; input: string; mutation: string; at: number } | undefined;
  let crashDetail: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  let killedFor: 'hang' | 'setup' | undefined;
  const arm = (ms: number, why: 'hang' | 'setup') => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      killedFor = why;
      child.kill('SIGKILL');
    }, ms);
  };
  arm(Math.max(120_000, timeoutMs), 'setup');
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  (child.stdio[3] as NodeJS.ReadableStream).on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
      const message = JSON.parse(buffered.slice(0, nl)) as ChildMessage;
      buffered = buffered.slice(nl + 1);
      if (message.event === 'ready') setupMs = message.ms;
      else if (message.event === 'start') {
        open = { index: message.index, input: message.input, mutation: message.mutation, at: Date.now() };
        arm(timeoutMs, 'hang');
      } else if (message.event === 'end' && open) {
        clearTimeout(timer);
        const ms = message.ms;
        const slow = (message.outcome === 'valid' || message.outcome === 'clear') && ms > timeoutMs;
        results.push({ target: name, seed: options.seed, index: message.index, outcome: slow ? 'slow' : message.outcome, ms, input: open.input, mutation: open.mutation, detail: slow ? `took ${ms} ms (bound ${timeoutMs} ms): ${message.detail ?? ''}` : message.detail });
        open = undefined;
      } else if (message.event === 'crash') crashDetail = message.detail;
    }
  });
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (open) {
        const ms = Date.now() - open.at;
        const why =
          killedFor === 'hang'
            ? { outcome: 'hang' as const, detail: `no result within ${timeoutMs} ms; the child was killed` }
            : { outcome: 'crash' as const, detail: `the process died (${signal ?? `exit ${code}`})${crashDetail ? `: ${crashDetail}` : ''}\n${stderr.trim().split('\n').slice(-6).join('\n')}` };
        results.push({ target: name, seed: options.seed, index: open.index, ms, input: open.input, mutation: open.mutation, ...why });
      }
      const error = killedFor === 'setup' ? 'setup took too long' : code !== 0 ? `exit ${code ?? signal}: ${crashDetail ?? ''}\n${stderr.trim()}` : undefined;
      resolve({ results, setupMs, error });
    });
  });
}
