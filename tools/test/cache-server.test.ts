import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCacheServer, type RunningCacheServer } from '../cache-server/server.ts';

const repo = path.resolve(import.meta.dirname, '../..');
let server: RunningCacheServer;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'hitcast-cache-server-'));
  server = await startCacheServer({ port: 0, dir, token: 'rw-secret', readOnlyToken: 'ro-secret' });
});
afterAll(() => server?.close());

async function call(method: string, hash: string, token?: string, body?: Buffer): Promise<{ status: number; body: Buffer }> {
  const response = await fetch(`${server.url}/v1/cache/${hash}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/octet-stream' } : {}) },
    body,
  });
  return { status: response.status, body: Buffer.from(await response.arrayBuffer()) };
}

describe('remote cache server (Nx self-hosted protocol)', () => {
  it('listens on the loopback address only', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('misses with 404, stores with PUT, returns the same bytes, and never overwrites (409)', async () => {
    const bytes = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 31) % 256));
    expect((await call('GET', '1234567890', 'rw-secret')).status).toBe(404);
    expect((await call('PUT', '1234567890', 'rw-secret', bytes)).status).toBe(200);
    const got = await call('GET', '1234567890', 'rw-secret');
    expect(got.status).toBe(200);
    expect(got.body.equals(bytes)).toBe(true);
    expect((await call('PUT', '1234567890', 'rw-secret', Buffer.from('poisoned'))).status).toBe(409);
    expect((await call('GET', '1234567890', 'rw-secret')).body.equals(bytes)).toBe(true);
  });

  it('lets a read-only token read but not write (403); an unknown token reads nothing (404) and writes nothing (403); no token is a 401', async () => {
    await call('PUT', '555', 'rw-secret', Buffer.from('entry'));
    expect((await call('GET', '555', 'ro-secret')).body.toString()).toBe('entry');
    expect((await call('PUT', '556', 'ro-secret', Buffer.from('x'))).status).toBe(403);
    expect((await call('GET', '556', 'rw-secret')).status).toBe(404);
    expect((await call('GET', '555')).status).toBe(401);
    expect((await call('GET', '555', 'rw-secreT')).status).toBe(404);
    expect((await call('GET', '555', 'rw-secreT')).body.toString()).not.toContain('entry');
    expect((await call('PUT', '557', 'wrong', Buffer.from('x'))).status).toBe(403);
    expect((await call('PUT', '557', undefined, Buffer.from('x'))).status).toBe(401);
    expect((await call('GET', '557', 'rw-secret')).status).toBe(404);
  });

  it('refuses hashes that could name another file', async () => {
    expect((await call('GET', '..%2F..%2Fetc%2Fpasswd', 'rw-secret')).status).toBe(400);
    expect((await call('PUT', '.hidden', 'rw-secret', Buffer.from('x'))).status).toBe(400);
  });

  it('keeps nothing of an upload cut short', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${server.url}/v1/cache/777`, { method: 'PUT', headers: { authorization: 'Bearer rw-secret', 'content-length': 1000 } });
      req.on('response', (r) => resolve(r.statusCode!));
      req.on('error', () => resolve(-1)); // the server may drop the connection instead of answering
      req.write(Buffer.alloc(10));
      setTimeout(() => req.destroy(), 100);
      setTimeout(() => reject(new Error('no answer')), 5000).unref();
    });
    expect([400, -1]).toContain(status);
    await new Promise((r) => setTimeout(r, 100));
    expect((await call('GET', '777', 'rw-secret')).status).toBe(404);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('starts from npm run cache-server and says what is wrong with its arguments', async () => {
    const run = (args: string[]) =>
      new Promise<{ code: number | null; out: string }>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', 'tools/cache-server/cli.ts', ...args], { cwd: repo });
        let out = '';
        child.stdout.on('data', (d) => {
          out += d;
          if (out.includes('remote cache on')) child.kill('SIGTERM');
        });
        child.stderr.on('data', (d) => (out += d));
        child.on('exit', (code) => resolve({ code, out }));
      });
    const missing = await run(['--port', '0', '--dir', dir]);
    expect(missing.code).toBe(2);
    expect(missing.out).toContain('--token is required');
    const started = await run(['--port', '0', '--dir', dir, '--token', 't', '--read-only-token', 'r']);
    expect(started.out).toMatch(/hitcast remote cache on http:\/\/127\.0\.0\.1:\d+/);
    expect(started.code).toBe(0);
  });
});
