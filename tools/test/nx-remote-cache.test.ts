import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { copyWorkspace, editJson, makeModelsTiny, runTarget } from './nx-workspace.ts';

const repo = path.resolve(import.meta.dirname, '../..');
const ALL = ['data-spectrogram:build', 'data-spotify:build', 'eval:report', 'model-cnn:train', 'model-fusion:train', 'model-text:train'];
const TOKEN = 'team-read-write';
const READ_ONLY = 'pull-request-read-only';

/** Every file under artifacts/, by relative path, as a content hash. */
function artifactHashes(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const file = path.join(dir, entry);
      if (statSync(file).isDirectory()) walk(file);
      else out[path.relative(root, file)] = createHash('sha256').update(readFileSync(file)).digest('hex');
    }
  };
  walk(path.join(root, 'artifacts'));
  return out;
}

/**
 * Sharing task results between machines through Nx's self-hosted remote cache protocol, against
 * tools/cache-server: one clone uploads, another with an empty local cache restores every task, and the
 * failure modes (read-only token, wrong token, server gone) leave runs working from the local cache.
 */
describe('the pipeline with a shared remote cache', () => {
  // The server runs as its own process, started by the command users run (npm run cache-server): the
  // Nx runs below block this process while they wait for it.
  let server: ChildProcess;
  let url: string;
  let store: string;
  const env = (token: string) => ({ NX_SELF_HOSTED_REMOTE_CACHE_SERVER: url, NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: token });
  beforeAll(async () => {
    store = mkdtempSync(path.join(tmpdir(), 'hitcast-remote-cache-'));
    server = spawn(process.execPath, ['--import', 'tsx', 'tools/cache-server/cli.ts', '--port', '0', '--dir', store, '--token', TOKEN, '--read-only-token', READ_ONLY], { cwd: repo, stdio: ['ignore', 'pipe', 'inherit'] });
    url = await new Promise<string>((resolve, reject) => {
      let out = '';
      server.stdout!.on('data', (d) => {
        out += d;
        const found = /remote cache on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (found) resolve(found[1]);
      });
      server.on('exit', (code) => reject(new Error(`cache server exited with ${code}: ${out}`)));
    });
  });
  afterAll(() => server?.kill());

  it('a second clone with an empty local cache restores every task from the first one\'s uploads, byte for byte', { timeout: 600_000 }, async () => {
    // Two clones of the same sources, each with its own (empty) local cache.
    const [first, second] = [copyWorkspace(), copyWorkspace()];
    makeModelsTiny(first);
    makeModelsTiny(second);
    expect(runTarget(first, 'report', env(TOKEN)).ran).toEqual(ALL);
    expect(readdirSync(store).filter((f) => !f.startsWith('.'))).toHaveLength(ALL.length);

    const restored = runTarget(second, 'report', env(TOKEN));
    expect(restored.ran, JSON.stringify(restored.status)).toEqual([]);
    expect(Object.values(restored.status)).toEqual(ALL.map(() => 'remote-cache-hit'));
    expect(artifactHashes(second)).toEqual(artifactHashes(first));

    // A pull-request build with the read-only token: its new result is not uploaded, the run still passes.
    editJson(path.join(second, 'packages/eval/params.json'), { bootstrapSeed: 3 });
    const readOnly = runTarget(second, 'report', env(READ_ONLY));
    expect(readOnly.ran).toEqual(['eval:report']);
    expect(readOnly.output).toContain('is read-only for this token');
    expect(readdirSync(store).filter((f) => !f.startsWith('.'))).toHaveLength(ALL.length);

    // A wrong token: the task runs and is kept locally; Nx warns; nothing is stored remotely.
    editJson(path.join(second, 'packages/eval/params.json'), { bootstrapSeed: 4 });
    const wrong = runTarget(second, 'report', env('not-the-token'));
    expect(wrong.ran).toEqual(['eval:report']);
    expect(wrong.output).toContain('does not accept the token in NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN (unknown token)');
    expect(readdirSync(store).filter((f) => !f.startsWith('.'))).toHaveLength(ALL.length);

    // The server gone: the unchanged tasks come from the local cache, the run passes with a warning.
    await new Promise((resolve) => {
      server.once('exit', resolve);
      server.kill();
    });
    editJson(path.join(second, 'packages/eval/params.json'), { bootstrapSeed: 5 });
    const offline = runTarget(second, 'report', env(TOKEN));
    expect(offline.ran).toEqual(['eval:report']);
    expect(offline.cached).toEqual(ALL.filter((t) => t !== 'eval:report'));
    expect(offline.output).toMatch(/the remote cache at http:\/\/127\.0\.0\.1:\d+ cannot be reached \(ECONNREFUSED\)/);
  });
});
