import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const repo = path.resolve(import.meta.dirname, '../..');
const read = (file: string) => readFileSync(path.join(repo, file), 'utf8');

/** The shell commands of README's "The two commands" block, without their comments. */
function readmeCommands(): string[] {
  const section = read('README.md').split('## The two commands')[1];
  const block = /```sh\n([\s\S]*?)```/.exec(section)![1];
  return block.split('\n').map((line) => line.replace(/\s+#.*$/, '').trim()).filter(Boolean);
}

interface Step { name?: string; run?: string; uses?: string; with?: Record<string, string> }

describe('the CI workflow (.github/workflows/pipeline.yml)', () => {
  const workflow = parse(read('.github/workflows/pipeline.yml')) as { jobs: Record<string, { steps: Step[]; env?: Record<string, string> }> };
  const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);

  it('runs exactly the README\'s two commands, in order', () => {
    const commands = readmeCommands();
    expect(commands).toEqual(['npm ci && npx nx run-many -t build,train,report', 'npm test']);
    const runs = steps.map((s) => s.run).filter((r): r is string => r !== undefined && commands.includes(r.trim()));
    expect(runs.map((r) => r.trim())).toEqual(commands);
  });

  it('restores .nx/cache before the pipeline, keyed by the lock file, the parameters and the data, with fallbacks', () => {
    const cache = steps.findIndex((s) => s.uses?.startsWith('actions/cache@'));
    const pipeline = steps.findIndex((s) => s.run?.includes('nx run-many'));
    expect(cache).toBeGreaterThanOrEqual(0);
    expect(cache).toBeLessThan(pipeline);
    const { path: cached, key, 'restore-keys': restoreKeys } = steps[cache].with!;
    expect(cached).toBe('.nx/cache');
    for (const part of ["hashFiles('package-lock.json')", "hashFiles('packages/*/params.json')", "hashFiles('datasets/**')"]) expect(key).toContain(part);
    const fallbacks = restoreKeys.trim().split('\n');
    expect(fallbacks.length).toBeGreaterThanOrEqual(2);
    for (const fallback of fallbacks) expect(key.startsWith(fallback.trim())).toBe(true);
  });

  it('caches where nx.json says the cache is, and caps its size', () => {
    const nx = JSON.parse(read('nx.json'));
    expect(nx.cacheDirectory).toBe('.nx/cache');
    expect(nx.maxCacheSize).toMatch(/^\d+(KB|MB|GB)$/);
  });

  it('gives pull requests a read-only remote-cache token and pushes to main the read-write one', () => {
    const env = Object.values(workflow.jobs)[0].env!;
    expect(env.NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN).toMatch(/github\.event_name == 'push' && secrets\.\w*READ_WRITE\w* \|\| secrets\.\w*READ_ONLY\w*/);
  });
});
