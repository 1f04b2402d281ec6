import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const repo = path.resolve(import.meta.dirname, '../..');

/**
 * A throw-away copy of the workspace (sources, configs, the committed sample, its own Nx cache) whose
 * node_modules links to this checkout's packages but resolves @hitcast/* to the copy, so the test can
 * edit files freely.
 */
export function copyWorkspace(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'hitcast-nx-'));
  for (const entry of ['package.json', 'package-lock.json', 'nx.json', '.env', 'tsconfig.base.json', 'packages', 'tools', 'datasets']) {
    cpSync(path.join(repo, entry), path.join(root, entry), {
      recursive: true,
      filter: (source) => !source.split(path.sep).includes('test') || !source.startsWith(path.join(repo, 'packages')),
    });
  }
  mkdirSync(path.join(root, 'node_modules', '@hitcast'), { recursive: true });
  for (const entry of readdirSync(path.join(repo, 'node_modules'))) {
    if (entry === '@hitcast' || entry === '.bin') continue;
    symlinkSync(path.join(repo, 'node_modules', entry), path.join(root, 'node_modules', entry));
  }
  for (const pkg of readdirSync(path.join(root, 'packages'))) {
    const name = JSON.parse(readFileSync(path.join(root, 'packages', pkg, 'package.json'), 'utf8')).name.split('/')[1];
    symlinkSync(path.join(root, 'packages', pkg), path.join(root, 'node_modules', '@hitcast', name));
  }
  return root;
}

export interface NxRun {
  /** Tasks Nx ran (cache misses), sorted. */
  ran: string[];
  /** Tasks restored from the cache, sorted. */
  cached: string[];
  /** What Nx printed (colours removed). */
  output: string;
  /** Each task's cache status as Nx recorded it: cache-miss, local-cache-hit, remote-cache-hit, … */
  status: Record<string, string>;
}

/**
 * Runs nx with the workspace's default output style (the copied .env sets it, as a user's run gets it) and
 * reads which tasks ran and which were cache hits from Nx's own record of the run (`.nx/cache/run.json`).
 */
export function runNx(root: string, args: string[], env: Record<string, string> = {}): NxRun {
  const result = spawnSync(process.execPath, [path.join(repo, 'node_modules', 'nx', 'dist', 'bin', 'nx.js'), ...args], {
    cwd: root,
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', CI: 'true', FORCE_COLOR: '0', ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 2 ** 20,
  });
  // stdout and stderr both: Nx prints its remote-cache warnings on stderr.
  const raw = `${result.stdout}${result.stderr}`;
  if (result.status !== 0) throw new Error(`nx ${args.join(' ')} exited with ${result.status ?? result.signal}:\n${raw.slice(-4000)}`);
  const run = JSON.parse(readFileSync(path.join(root, '.nx', 'cache', 'run.json'), 'utf8')) as { tasks: { taskId: string; cacheStatus: string }[] };
  return {
    ran: run.tasks.filter((t) => t.cacheStatus === 'cache-miss').map((t) => t.taskId).sort(),
    cached: run.tasks.filter((t) => t.cacheStatus !== 'cache-miss').map((t) => t.taskId).sort(),
    output: raw.replace(/\x1b\[[0-9;]*m/g, ''),
    status: Object.fromEntries(run.tasks.map((t) => [t.taskId, t.cacheStatus])),
  };
}

/** `nx run-many -t TARGET`. */
export function runTarget(root: string, target: string, env: Record<string, string> = {}): NxRun {
  return runNx(root, ['run-many', '-t', target], env);
}

/** One epoch of tiny models and a short bootstrap: for tests of which tasks run, not of what they learn. */
export function makeModelsTiny(root: string): void {
  editJson(path.join(root, 'packages/model-cnn/params.json'), { epochs: 1, inputHeight: 16, inputWidth: 64 });
  editJson(path.join(root, 'packages/model-text/params.json'), { pretrainEpochs: 1, pretrainMaxRows: 400, naiveEpochs: 1, vocabSize: 400, dModel: 16, heads: 2, layers: 1, ffDim: 16 });
  editJson(path.join(root, 'packages/model-fusion/params.json'), { epochs: 1 });
  editJson(path.join(root, 'packages/eval/params.json'), { bootstrapResamples: 200 });
}

export function editJson(file: string, change: Record<string, unknown>): void {
  writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), ...change }, null, 2));
}


/** Appends a line to a source file (a code change Nx must notice, or must not). */
export function appendLine(file: string, line: string): void {
  appendFileSync(file, `\n${line}\n`);
}

/**
 * Starts nx as runNx does, but in the background and in a process group of its own, for tests that stop
 * it part-way. Nx runs each task's command in a session of its own (a pseudo-terminal), so killing Nx's
 * group alone would leave the task running: stop the whole run with killProcessTree.
 */
export function startNx(root: string, args: string[], env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, [path.join(repo, 'node_modules', 'nx', 'dist', 'bin', 'nx.js'), ...args], {
    cwd: root,
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', CI: 'true', FORCE_COLOR: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
}

/** The ids of `pid` and of every process descended from it (from `ps`, so Linux and macOS alike). */
export function processTree(pid: number): number[] {
  const table = execFileSync('ps', ['-A', '-o', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number));
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) for (const [child, parent] of table) if (parent === tree[i] && !tree.includes(child)) tree.push(child);
  return tree;
}

/**
 * SIGKILLs `pid` and all its descendants, whatever their process group or session, as a power cut or
 * the kernel's out-of-memory killer would end them: first every one is stopped (SIGSTOP, so none can
 * finish a write or start another process meanwhile), then all are killed. Resolves, with the ids
 * killed, once none of them runs any more (a zombie waiting for its parent to reap it counts as ended).
 */
export async function killProcessTree(pid: number): Promise<number[]> {
  const stopped = new Set<number>();
  for (let more = true; more; ) {
    more = false;
    for (const p of processTree(pid)) {
      if (stopped.has(p)) continue;
      stopped.add(p);
      more = true;
      try {
        process.kill(p, 'SIGSTOP');
      } catch {
        // already gone
      }
    }
  }
  for (const p of stopped) {
    try {
      process.kill(p, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  const killed = [...stopped];
  for (const started = Date.now(); runningProcesses(killed).length > 0; ) {
    if (Date.now() - started > 10_000) throw new Error(`processes ${runningProcesses(killed).join(', ')} survived SIGKILL`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return killed;
}

/** Which of `pids` still run (zombies, ended but not yet reaped, do not count). */
export function runningProcesses(pids: number[]): number[] {
  const result = spawnSync('ps', ['-o', 'pid=,stat=', '-p', pids.join(',')], { encoding: 'utf8' });
  return result.stdout
    .trim()
    .split('\n')
    .filter((line) => line.trim() && !/\sZ/.test(line))
    .map((line) => Number(line.trim().split(/\s+/)[0]));
}
