import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * "Using real data" as a user follows it, with the fake kaggle CLI on PATH standing in for Kaggle: set
 * HITCAST_DATA, `hitcast fetch spotify` and `hitcast fetch spectrograms` without --dest, then the two data
 * stages with nothing but HITCAST_DATA pointing them at the downloads. What was fetched must end up in the
 * merged set, and the Nx cache key of the stages must name the data root.
 */

const repo = path.resolve(import.meta.dirname, '../../..');
const fakeKaggle = path.join(repo, 'packages', 'kaggle', 'test', 'fake-kaggle');
const work = mkdtempSync(path.join(tmpdir(), 'hitcast-real-data-'));
const root = path.join(work, 'data');
const artifacts = path.join(work, 'artifacts');
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The user's environment: the fake kaggle first on PATH, test credentials (nobody's real ones), HITCAST_DATA. */
function environment(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('KAGGLE_') && name !== 'HITCAST_DATA'));
  const all: NodeJS.ProcessEnv = { ...env, NO_COLOR: '1', HOME: work, KAGGLE_USERNAME: 'hitcast-tester', KAGGLE_KEY: 'not-a-real-key-123', PATH: `${fakeKaggle}${path.delimiter}${process.env.PATH}`, HITCAST_DATA: root, ...extra };
  for (const [name, value] of Object.entries(all)) if (value === undefined) delete all[name];
  return all;
}

function run(args: string[], env = environment()) {
  const result = spawnSync(process.execPath, args, { cwd: repo, encoding: 'utf8', env });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const hitcast = (...args: string[]) => run([path.join(repo, 'packages/cli/bin/hitcast.mjs'), ...args]);
const stageKey = (pkg: string, env?: NodeJS.ProcessEnv) => run(['--import', 'tsx', 'tools/nx/stage-key.ts', pkg], env);

/** The ids of a tracks.csv's rows (the first column; Spotify ids never need quoting). */
function trackIds(csv: string): Set<string> {
  return new Set(readFileSync(csv, 'utf8').trim().split('\n').slice(1).map((line) => line.slice(0, line.indexOf(','))));
}

describe('real data through HITCAST_DATA', () => {
  it('fetches both datasets under the data root, and the data stages read them from there: what was fetched is the merged set', () => {
    const spotify = hitcast('fetch', 'spotify');
    expect(spotify.code, spotify.stderr).toBe(0);
    expect(spotify.stdout).toContain(`downloaded to ${path.join(root, 'spotify')}`);
    const spectrograms = hitcast('fetch', 'spectrograms');
    expect(spectrograms.code, spectrograms.stderr).toBe(0);
    expect(spectrograms.stdout).toContain(`downloaded to ${path.join(root, 'billboard')}`);
    expect(spectrograms.stdout).toContain(`the data stages read it from HITCAST_DATA=${root}`);
    expect(spotify.stdout + spotify.stderr + spectrograms.stdout + spectrograms.stderr).not.toContain('not-a-real-key-123');

    // What the fetch left: <root>/billboard/spectrograms/<year>/<Artist>_-_<Title>.png.
    const folder = path.join(root, 'billboard', 'spectrograms');
    const fetched = readdirSync(folder).flatMap((year) => readdirSync(path.join(folder, year)).map((name) => `${year}/${name}`)).sort();
    expect(fetched.length).toBeGreaterThanOrEqual(3);
    for (const file of fetched) expect(file).toMatch(/^\d{4}\/.+_-_.+\.png$/);

    // The stages with no path given: HITCAST_DATA moves the committed params' data paths to the downloads.
    const tracks = hitcast('spotify', '--out', path.join(artifacts, 'data-spotify'));
    expect(tracks.code, tracks.stderr).toBe(0);
    expect(tracks.stdout).toContain(`${path.join(root, 'spotify', 'tracks.csv')}: `);
    const merged = hitcast('spectrograms', '--tracks', path.join(artifacts, 'data-spotify', 'tracks.arrow'), '--out', path.join(artifacts, 'data-spectrogram'));
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.stdout).toContain(`${folder}: ${fetched.length} files`);
    expect(merged.stdout).toContain(`matched ${fetched.length} (100.0%`);

    // The merged set holds every fetched song, each with its own row of the fetched tracks.csv.
    const songs = tableFromIPC(readFileSync(path.join(artifacts, 'data-spectrogram', 'songs.arrow')));
    expect(songs.numRows).toBe(fetched.length);
    const rows = songs.toArray().map((row) => row.toJSON() as { id: string; source_file: string });
    expect(rows.map((row) => row.source_file)).toEqual(fetched);
    const ids = trackIds(path.join(root, 'spotify', 'tracks.csv'));
    for (const row of rows) expect(ids.has(row.id), `${row.source_file} → ${row.id}`).toBe(true);
    expect(rows.map((row) => row.id)).toEqual(['0kPwKNpVh3tE3pbqYgFjzC', '4fKbRYMVjzWxk6dCe1Rhqh', '3SdTKo2uVsxFblQjpScoHy', '1pZ4nB9yKJfHrZ2w8vLsXo']);
    const params = JSON.parse(readFileSync(path.join(artifacts, 'data-spectrogram', 'params.json'), 'utf8')) as { src: string };
    expect(params.src).toBe(folder);
  });

  it("puts the data root's folders into the stages' Nx cache keys, so changing HITCAST_DATA re-runs them", () => {
    const folder = path.join(root, 'billboard', 'spectrograms');
    if (!existsSync(folder)) expect(hitcast('fetch', 'spectrograms').code).toBe(0); // when run on its own
    const spectrogram = stageKey('packages/data-spectrogram');
    expect(spectrogram.code, spectrogram.stderr).toBe(0);
    expect(spectrogram.stdout).toContain(`"src":${JSON.stringify(folder)}`);
    expect(spectrogram.stdout).toMatch(new RegExp(`^data src ${escape(folder)} content \\d+ files [0-9a-f]{64}$`, 'm'));
    const spotify = stageKey('packages/data-spotify');
    expect(spotify.code, spotify.stderr).toBe(0);
    expect(spotify.stdout).toContain(`"csv":${JSON.stringify(path.join(root, 'spotify', 'tracks.csv'))}`);

    // Without the setting, the committed sample.
    const sample = stageKey('packages/data-spectrogram', environment({ HITCAST_DATA: undefined }));
    expect(sample.code, sample.stderr).toBe(0);
    expect(sample.stdout).toContain('"src":"datasets/spectrograms"');
    expect(sample.stdout).not.toContain(root);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
