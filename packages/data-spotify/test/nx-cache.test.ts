import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TRACKS_CSV_COLUMNS } from '../src/index.ts';

const repo = path.resolve(import.meta.dirname, '../../..');

/**
 * A throw-away copy of the workspace (sources, configs, its own Nx cache) whose node_modules links
 * to this checkout's packages but resolves @hitcast/* to the copy, so the test can edit files freely.
 */
function copyWorkspace(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'hitcast-nx-'));
  for (const entry of ['package.json', 'package-lock.json', 'nx.json', 'tsconfig.base.json', 'packages', 'tools']) {
    cpSync(path.join(repo, entry), path.join(root, entry), {
      recursive: true,
      filter: (source) => !source.includes(`${path.sep}test${path.sep}`) && !source.endsWith(`${path.sep}test`),
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
  const row = (id: string, year: string) =>
    [id, `Song ${id}`, '40', '200000', '0', `"['Artist ${id}']"`, `"['x${id}']"`, year, '0.5', '0.6', '5', '-7', '1', '0.04', '0.1', '0', '0.1', '0.5', '120.0', '4'].join(',');
  mkdirSync(path.join(root, 'datasets', 'spotify'), { recursive: true });
  writeFileSync(path.join(root, 'datasets', 'spotify', 'tracks.csv'), [TRACKS_CSV_COLUMNS.join(','), row('a', '1999'), row('b', '2005-03')].join('\n') + '\n');
  return root;
}

function nx(root: string, ...args: string[]): string {
  return execFileSync(process.execPath, [path.join(repo, 'node_modules', 'nx', 'dist', 'bin', 'nx.js'), ...args], {
    cwd: root,
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', NX_SKIP_NX_CACHE: undefined, CI: 'true' },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

const fromCache = /local cache|existing outputs match the cache/;

describe('Nx caching of data-spotify:build', () => {
  it('restores an unchanged stage from the cache and re-runs it after params.json or the data change', { timeout: 180_000 }, () => {
    const root = copyWorkspace();
    const tracks = path.join(root, 'artifacts', 'data-spotify', 'tracks.arrow');

    const first = nx(root, 'run', 'data-spotify:build');
    expect(first).not.toMatch(fromCache);
    expect(first).toContain('2 written to artifacts/data-spotify/tracks.arrow');
    const built = readFileSync(tracks);

    const second = nx(root, 'run', 'data-spotify:build');
    expect(second).toMatch(fromCache);
    expect(readFileSync(tracks)).toEqual(built);

    // A change elsewhere (another package's docs) does not invalidate this stage.
    writeFileSync(path.join(root, 'packages', 'cli', 'NOTES.md'), 'unrelated\n');
    expect(nx(root, 'run', 'data-spotify:build')).toMatch(fromCache);

    const paramsFile = path.join(root, 'packages', 'data-spotify', 'params.json');
    const params = JSON.parse(readFileSync(paramsFile, 'utf8'));
    writeFileSync(paramsFile, JSON.stringify({ ...params, batchRows: 1 }, null, 2));
    const third = nx(root, 'run', 'data-spotify:build');
    expect(third).not.toMatch(fromCache);
    const manifest = JSON.parse(readFileSync(path.join(root, 'artifacts', 'data-spotify', 'manifest.json'), 'utf8'));
    expect(manifest.params.batchRows).toBe(1);

    const csv = path.join(root, 'datasets', 'spotify', 'tracks.csv');
    writeFileSync(csv, readFileSync(csv, 'utf8').replace('Song a', 'Song A'));
    const fourth = nx(root, 'run', 'data-spotify:build');
    expect(fourth).not.toMatch(fromCache);
    expect(nx(root, 'run', 'data-spotify:build')).toMatch(fromCache);
  });
});
