import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { copyWorkspace, editJson, killProcessTree, runningProcesses, runNx, startNx } from './nx-workspace.ts';

const TASK = 'data-spotify:build';
const OUT = 'artifacts/data-spotify';
const FINAL = ['manifest.json', 'params.json', 'rejects.csv', 'tracks.arrow'];
/** The committed sample's rows repeated: 160k rows, so that writing tracks.arrow (~27 MiB) takes a while. */
const REPEATS = 40;
const SAMPLE_ROWS = 4000;

/** A copy of the workspace whose data-spotify stage reads a larger tracks.csv (the sample's rows repeated). */
function workspaceWithLargeCsv(): string {
  const root = copyWorkspace();
  writeLargeCsv(root, REPEATS);
  editJson(path.join(root, 'packages/data-spotify/params.json'), { csv: 'datasets/spotify/large.csv' });
  return root;
}

function writeLargeCsv(root: string, repeats: number): void {
  const [header, ...rows] = readFileSync(path.join(root, 'datasets/spotify/tracks.csv'), 'utf8').replace(/\n$/, '').split('\n');
  const body = `${rows.join('\n')}\n`;
  writeFileSync(path.join(root, 'datasets/spotify/large.csv'), `${header}\n${body.repeat(repeats)}`);
}

/** Nx's cache entries: one folder per stored task hash. */
const cacheEntries = (root: string): string[] => {
  const dir = path.join(root, '.nx', 'cache');
  return existsSync(dir) ? readdirSync(dir).filter((name) => /^\d+$/.test(name)) : [];
};

const listing = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir).sort() : []);

/** The manifest without what differs from run to run (timings and the time of day). */
function stableManifest(root: string): unknown {
  const manifest = JSON.parse(readFileSync(path.join(root, OUT, 'manifest.json'), 'utf8'));
  delete manifest.createdAt;
  delete manifest.finishedAt;
  if (manifest.summary) delete manifest.summary.seconds;
  return manifest;
}

/**
 * Resolves with the temporary file once the stage has written a part of tracks.arrow (its first record
 * batches, 1 MiB or more, of ~50 MiB), polling every 5 ms.
 */
async function tracksBeingWritten(root: string, child: ReturnType<typeof startNx>): Promise<string> {
  const dir = path.join(root, OUT);
  const started = Date.now();
  while (Date.now() - started < 60_000) {
    if (child.exitCode !== null) throw new Error(`nx ended (${child.exitCode}) before tracks.arrow was being written`);
    for (const name of listing(dir)) {
      if (/^\.tracks\.arrow\..*\.tmp$/.test(name)) {
        try {
          if (statSync(path.join(dir, name)).size >= 2 ** 20) return name;
        } catch {
          // renamed away meanwhile
        }
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error('tracks.arrow was never being written');
}

/**
 * Starts `nx run data-spotify:build` and SIGKILLs Nx and every process under it (the shell Nx runs the
 * command in, the stage's node process) once tracks.arrow is being written. Returns the temporary file
 * the stage was writing.
 */
async function killWhileWriting(root: string): Promise<string> {
  const child = startNx(root, ['run', TASK]);
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = once(child, 'exit');
  const partial = await tracksBeingWritten(root, child);
  const killed = await killProcessTree(child.pid!);
  await exited;
  // Nx, the shell, the stage: the stage runs in a session of its own, so killing Nx's group is not enough.
  expect(killed.length, output).toBeGreaterThanOrEqual(3);
  expect(runningProcesses(killed)).toEqual([]);
  expect(child.signalCode).toBe('SIGKILL');
  expect(output).not.toMatch(/Successfully ran/);
  return partial;
}

/**
 * "SIGKILL a data stage while it writes": Nx and the stage process are killed while tracks.arrow is
 * half written. Nothing final may be left behind (a half artifact, or a manifest that would pass for a
 * finished stage), Nx must have stored no cache entry, and the next run must redo the stage and write
 * exactly what an uninterrupted run writes in a fresh copy of the workspace. A killed run leaves its
 * temporary files (dot-named `.tmp`, never an output's name); the next run of the stage removes them
 * before it writes, so they reach neither its outputs nor the cache entry Nx stores from them.
 */
describe('a data stage killed while it writes', () => {
  const roots: string[] = [];
  afterAll(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

  it('leaves no artifact and no cache entry; the next run redoes it and writes what an uninterrupted run writes', { timeout: 180_000 }, async () => {
    const root = workspaceWithLargeCsv();
    const fresh = workspaceWithLargeCsv();
    roots.push(root, fresh);

    // Killed in the first run: nothing final (no artifact, no params.json, no manifest), no cache entry.
    const partial = await killWhileWriting(root);
    const left = listing(path.join(root, OUT));
    expect(left).toContain(partial);
    expect(left.filter((name) => FINAL.includes(name))).toEqual([]);
    expect(left.every((name) => /^\..+\.tmp$/.test(name)), left.join(', ')).toBe(true);
    expect(cacheEntries(root)).toEqual([]);

    // The next run: a cache miss that runs the stage and stores one entry, with the files of an
    // uninterrupted run in a fresh copy byte for byte, and no temporary file, in the folder or the entry.
    expect(runNx(root, ['run', TASK]).status).toEqual({ [TASK]: 'cache-miss' });
    expect(runNx(fresh, ['run', TASK]).status).toEqual({ [TASK]: 'cache-miss' });
    expectSameOutputs(root, fresh);
    expect(cacheEntries(root)).toHaveLength(1);
    expect(listing(path.join(root, '.nx', 'cache', cacheEntries(root)[0], OUT))).toEqual(FINAL);

    // Killed again after the data changed: the finished run's manifest is gone before any output is
    // replaced, so the folder cannot pass for a finished run of either version; still one cache entry.
    writeLargeCsv(root, REPEATS - 1);
    await killWhileWriting(root);
    expect(listing(path.join(root, OUT))).not.toContain('manifest.json');
    expect(cacheEntries(root)).toHaveLength(1);
    expect(runNx(root, ['run', TASK]).status).toEqual({ [TASK]: 'cache-miss' });
    expect(listing(path.join(root, OUT))).toEqual(FINAL);
    expect(JSON.parse(readFileSync(path.join(root, OUT, 'manifest.json'), 'utf8')).summary.rowsWritten).toBe((REPEATS - 1) * SAMPLE_ROWS);
    expect(cacheEntries(root)).toHaveLength(2);
  });
});

function expectSameOutputs(root: string, fresh: string): void {
  expect(listing(path.join(root, OUT))).toEqual(FINAL);
  expect(listing(path.join(fresh, OUT))).toEqual(FINAL);
  for (const file of FINAL.filter((name) => name !== 'manifest.json')) {
    expect(readFileSync(path.join(root, OUT, file)).equals(readFileSync(path.join(fresh, OUT, file))), file).toBe(true);
  }
  expect(stableManifest(root)).toEqual(stableManifest(fresh));
}
