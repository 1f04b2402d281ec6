import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { encode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { planSpectrogramSample, SAMPLE_OPTIONS } from '../synth/make-spectrograms.ts';
import { billboardArtist, billboardTitle, renderSpectrogram, spectrogramFileName } from '../synth/spectrograms.ts';
import { TracksGenerator } from '../synth/tracks.ts';

const repo = path.resolve(import.meta.dirname, '../..');

/**
 * A throw-away copy of the workspace (sources, configs, the committed sample, its own Nx cache) whose
 * node_modules links to this checkout's packages but resolves @hitcast/* to the copy, so the test can
 * edit files freely.
 */
function copyWorkspace(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'hitcast-nx-'));
  for (const entry of ['package.json', 'package-lock.json', 'nx.json', 'tsconfig.base.json', 'packages', 'tools', 'datasets']) {
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

/** Runs `nx run-many -t build` and returns which stages ran and which came from the cache. */
function build(root: string): { ran: string[]; cached: string[] } {
  const raw = execFileSync(process.execPath, [path.join(repo, 'node_modules', 'nx', 'dist', 'bin', 'nx.js'), 'run-many', '-t', 'build', '--output-style=static'], {
    cwd: root,
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', CI: 'true', FORCE_COLOR: '0' },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = raw.replace(/\x1b\[[0-9;]*m/g, ''); // colours
  const lines = [...output.matchAll(/^> nx run ([\w-]+):build(.*)$/gm)];
  return {
    ran: lines.filter((m) => !/cache/.test(m[2])).map((m) => m[1]).sort(),
    cached: lines.filter((m) => /cache/.test(m[2])).map((m) => m[1]).sort(),
  };
}

function editJson(file: string, change: Record<string, unknown>): void {
  writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), ...change }, null, 2));
}

const manifest = (root: string, stage: string) => JSON.parse(readFileSync(path.join(root, 'artifacts', stage, 'manifest.json'), 'utf8'));

describe('the Nx pipeline on the committed sample', () => {
  it('re-runs a stage only when its code, parameters, data or upstream artifacts change', { timeout: 300_000 }, () => {
    const root = copyWorkspace();
    const stages = ['data-spectrogram', 'data-spotify'];

    expect(build(root).ran).toEqual(stages);
    const songsHash = () => createHash('sha256').update(readFileSync(path.join(root, 'artifacts/data-spectrogram/songs.arrow'))).digest('hex');
    const songs = songsHash();
    expect(manifest(root, 'data-spectrogram').summary.songs).toBe(100);

    const again = build(root);
    expect(again).toEqual({ ran: [], cached: stages });
    expect(songsHash()).toBe(songs);

    writeFileSync(path.join(root, 'packages/cli/NOTES.md'), 'a change outside every stage\n');
    expect(build(root).ran).toEqual([]);

    // A downstream stage's parameters: that stage only.
    editJson(path.join(root, 'packages/data-spectrogram/params.json'), { yearsAfter: 2 });
    expect(build(root)).toEqual({ ran: ['data-spectrogram'], cached: ['data-spotify'] });
    expect(manifest(root, 'data-spectrogram').summary).toMatchObject({ reused: 100, resampled: 0 });

    // An upstream stage's parameters: that stage and everything after it.
    editJson(path.join(root, 'packages/data-spotify/params.json'), { batchRows: 1000 });
    expect(build(root).ran).toEqual(stages);

    // One more spectrogram, of a Spotify song not yet in the set: only it is resampled; the other 100
    // come from the stage's own earlier output, which Nx leaves in place.
    const planned = new Set(planSpectrogramSample(SAMPLE_OPTIONS).map((f) => f.id));
    const generator = new TracksGenerator(SAMPLE_OPTIONS.seed);
    const extra = Array.from({ length: 4000 }, (_, i) => generator.track(i)).find(
      (t) => !planned.has(t.id) && t.year >= 1990 && t.year <= 2019 && t.artists.length === 1 && /^[\w ]+$/.test(t.name + t.artists[0]),
    )!;
    const target = path.join(root, 'datasets/spectrograms', String(extra.year), spectrogramFileName(billboardArtist(extra), billboardTitle(extra.name)));
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, encode({ width: 1201, height: 256, data: renderSpectrogram(extra.id, extra.year, 1201), depth: 8, channels: 1 }));
    expect(build(root)).toEqual({ ran: ['data-spectrogram'], cached: ['data-spotify'] });
    expect(manifest(root, 'data-spectrogram').summary).toMatchObject({ files: 109, songs: 101, reused: 100, resampled: 1 });
  });
});
