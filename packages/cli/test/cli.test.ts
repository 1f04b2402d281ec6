import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const repo = path.resolve(import.meta.dirname, '../../..');
const bin = path.join(repo, 'node_modules', '.bin', 'hitcast');

/** Runs the installed `hitcast` bin exactly as `npx hitcast` would. */
function hitcast(...args: string[]) {
  return hitcastWithEnv({}, ...args);
}

function hitcastWithEnv(env: NodeJS.ProcessEnv, ...args: string[]) {
  const result = spawnSync(bin, args, { cwd: repo, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('hitcast CLI', () => {
  it('lists one subcommand per stage in --help', () => {
    const { code, stdout } = hitcast('--help');
    expect(code).toBe(0);
    const commands = ['fetch', 'spotify', 'pickle', 'resample', 'spectrograms', 'train-cnn', 'train-text', 'train-fusion', 'eval', 'predict', 'export'];
    for (const command of commands) expect(stdout).toMatch(new RegExp(`^\\s+${command}\\b`, 'm'));
  });

  it('registers commands without loading their implementations: --help loads neither tfjs nor Arrow', () => {
    /** The modules a CLI run imports, recorded by module resolution hooks (fixtures/record-imports.mjs). */
    const importsOf = (...args: string[]) => {
      const record = path.join(mkdtempSync(path.join(tmpdir(), 'hitcast-imports-')), 'imports.txt');
      const hooks = path.join(import.meta.dirname, 'fixtures', 'record-imports.mjs');
      const result = spawnSync(process.execPath, ['--import', hooks, path.join(repo, 'packages/cli/bin/hitcast.mjs'), ...args], {
        cwd: repo,
        encoding: 'utf8',
        env: { ...process.env, RECORD_IMPORTS: record },
      });
      expect(result.status, result.stderr).toBe(0);
      return readFileSync(record, 'utf8');
    };
    const help = importsOf('--help');
    expect(help).toMatch(/commander/);
    expect(help).not.toMatch(/@tensorflow|apache-arrow/);
    // A command loads what it needs, and only that: predicting from text needs tfjs, not Arrow.
    const predict = importsOf('predict', '--model', 'trained_models/text-pretrained', '--artist', 'Queen', '--title', 'Under Pressure', '--year', '1981');
    expect(predict).toMatch(/@tensorflow\/tfjs\//);
    expect(predict).not.toMatch(/apache-arrow/);
  });

  it('converts a tracks.csv, prints a summary and writes the manifest', () => {
    const out = mkdtempSync(path.join(tmpdir(), 'hitcast-cli-'));
    const { code, stdout } = hitcast('spotify', '--csv', 'packages/data-spotify/test/fixtures/realdata/tracks_excerpt.csv', '--out', out);
    expect(code).toBe(0);
    expect(stdout).toContain('53 rows read');
    expect(stdout).toContain(`53 written to ${path.join(out, 'tracks.arrow')}`);
    expect(stdout).toContain('extra columns ignored: main_artist, duration_min, hot100');
    const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    expect(manifest.stage).toBe('data-spotify');
    expect(manifest.outputs.map((o: { path: string }) => path.basename(o.path))).toEqual(['tracks.arrow', 'rejects.csv', 'params.json']);
    expect(manifest.inputs[0].sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('reports bad input as one clear error with the fix, not a stack trace, and exits 1', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'hitcast-cli-'));
    const csv = path.join(dir, 'wrong.csv');
    writeFileSync(csv, 'a,b,c\n1,2,3\n');
    const { code, stderr } = hitcast('spotify', '--csv', csv, '--out', dir);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^error: .*wrong\.csv: line 1 is not the header of the Kaggle tracks\.csv/m);
    expect(stderr).toMatch(/^ {2}fix: use tracks\.csv from the Kaggle dataset/m);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('fetch runs the kaggle CLI found on PATH and says how to install it when there is none', () => {
    const dest = mkdtempSync(path.join(tmpdir(), 'hitcast-fetch-'));
    const fake = path.join(repo, 'packages', 'kaggle', 'test', 'fake-kaggle');
    const credentials = { KAGGLE_USERNAME: 'someone', KAGGLE_KEY: 'not-a-real-key-123', HOME: dest };
    const withFake = hitcastWithEnv({ ...credentials, PATH: `${fake}${path.delimiter}${process.env.PATH}` }, 'fetch', 'spotify', '--dest', dest);
    expect(withFake.code).toBe(0);
    expect(withFake.stdout).toContain(`downloaded to ${dest}`);
    expect(readFileSync(path.join(dest, 'tracks.csv'), 'utf8')).toMatch(/^id,name,popularity,duration_ms/);
    expect(withFake.stdout + withFake.stderr).not.toContain('not-a-real-key-123');

    const nodeOnly = path.dirname(process.execPath);
    const without = hitcastWithEnv({ ...credentials, PATH: nodeOnly }, 'fetch', 'spotify', '--dest', path.join(dest, 'again'));
    expect(without.code).toBe(1);
    expect(without.stderr).toMatch(/pip install kaggle/);
  });

  it('rejects unknown options with usage help', () => {
    const { code, stderr } = hitcast('spotify', '--out', '/tmp/x', '--colour', 'red');
    expect(code).toBe(1);
    expect(stderr).toContain("unknown option '--colour'");
  });
});
