import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
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

/**
 * Runs `nx run-many -t TARGET` with the workspace's default output style (the copied .env sets it, as a
 * user's run gets it) and returns which tasks ran, which came from the cache, and what was printed.
 */
export function runTarget(root: string, target: string): { ran: string[]; cached: string[]; output: string } {
  const raw = execFileSync(process.execPath, [path.join(repo, 'node_modules', 'nx', 'dist', 'bin', 'nx.js'), 'run-many', '-t', target], {
    cwd: root,
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', CI: 'true', FORCE_COLOR: '0' },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = raw.replace(/\x1b\[[0-9;]*m/g, ''); // colours
  const lines = [...output.matchAll(/^> nx run ([\w-]+):([\w-]+)(.*)$/gm)];
  return {
    ran: lines.filter((m) => !/cache/.test(m[3])).map((m) => `${m[1]}:${m[2]}`).sort(),
    cached: lines.filter((m) => /cache/.test(m[3])).map((m) => `${m[1]}:${m[2]}`).sort(),
    output,
  };
}

export function editJson(file: string, change: Record<string, unknown>): void {
  writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), ...change }, null, 2));
}

