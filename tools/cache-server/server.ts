/**
 * A small server for Nx's self-hosted remote cache protocol (Nx ≥ 20.8: NX_SELF_HOSTED_REMOTE_CACHE_SERVER
 * and NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN), for tests and a local demo of sharing task results
 * between clones. A team's shared cache should run an existing server built for that (see README.md).
 *
 *   GET /v1/cache/{hash}   200 + the stored tar | 404 miss, or a token the server does not know | 401 no token
 *   PUT /v1/cache/{hash}   200 stored | 409 an entry exists (entries are never overwritten) |
 *                          403 read-only or unknown token | 401 no token | 411 no Content-Length |
 *                          413 larger than the limit | 400 a body shorter than its Content-Length
 *
 * Nx 24's client fails the whole run on any answer to a GET but 200 and 404, and on a 401 to a PUT; a
 * 403 to a PUT it reports as a warning and goes on. So an unknown token (a typo, a rotated secret) reads
 * as a miss and writes as a refusal: the build runs from its local cache, Nx warns, the server logs it,
 * and nothing is read or written. A client sending no token at all gets the 401 it should be loud about.
 *
 * Entries are files `<dir>/<hash>`, written to a temporary file and linked into place, so a reader never
 * sees half an entry and two writers of one hash cannot both win. Never-overwritten entries and read-only
 * tokens for untrusted builds are what defends a shared cache against poisoning.
 */
import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { timingSafeEqual, randomBytes } from 'node:crypto';

export interface CacheServerOptions {
  /** Folder of the entries (created if missing). */
  dir: string;
  /** Token that may read and write. */
  token: string;
  /** Token that may only read (for pull-request builds). */
  readOnlyToken?: string;
  /** 0 picks a free port. The server listens on the loopback address only. */
  port: number;
  /** Largest entry accepted, in bytes (default 4 GiB). */
  maxEntryBytes?: number;
  /** One line per request (default: none). */
  log?: (line: string) => void;
}

export interface RunningCacheServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Nx hashes are decimal or hex strings; anything else (a path, dots) is refused before touching the disk. */
const HASH = /^[A-Za-z0-9_-]{1,128}$/;

export async function startCacheServer(options: CacheServerOptions): Promise<RunningCacheServer> {
  if (!options.token) throw new Error('a token is required (--token)');
  if (options.readOnlyToken !== undefined && options.readOnlyToken === options.token) throw new Error('the read-only token must differ from the read-write token');
  await fs.mkdir(options.dir, { recursive: true });
  const log = options.log ?? (() => {});
  const maxEntryBytes = options.maxEntryBytes ?? 4 * 2 ** 30;
  const server = createServer((request, response) => {
    handle(request, response).catch((error: Error) => {
      log(`error ${request.method} ${request.url}: ${error.message}`);
      if (!response.headersSent) reply(response, 500, 'internal error');
      else response.destroy();
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const match = /^\/v1\/cache\/([^/?]+)$/.exec(request.url ?? '');
    if (!match) return reply(response, 404, 'not found: the API is /v1/cache/{hash}');
    const hash = match[1];
    if (!HASH.test(hash)) return reply(response, 400, 'bad hash');
    const access = accessOf(request.headers.authorization, options);
    if (access === 'missing') return reply(response, 401, 'no token: set NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN');
    // Not part of Nx's protocol: lets tools/nx/remote-cache-check.mjs tell a user what their token may do.
    response.setHeader('x-hitcast-cache-access', access === 'write' ? 'read-write' : access === 'read' ? 'read-only' : 'none');
    if (access === 'unknown') {
      log(`${request.method} ${hash}: unknown token`);
      if (request.method === 'GET') return reply(response, 404, 'not found');
      request.resume();
      return reply(response, 403, 'unknown token');
    }
    const file = path.join(options.dir, hash);

    if (request.method === 'GET') {
      const stat = await fs.stat(file).catch(() => null);
      if (!stat) {
        log(`GET ${hash} 404`);
        return reply(response, 404, 'not found');
      }
      response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': stat.size });
      await pipeline(createReadStream(file), response);
      log(`GET ${hash} 200 (${stat.size} bytes)`);
      return;
    }
    if (request.method === 'PUT') {
      if (access !== 'write') return reply(response, 403, 'this token may only read');
      const length = Number(request.headers['content-length']);
      if (!Number.isInteger(length) || length < 0) return reply(response, 411, 'Content-Length required');
      if (length > maxEntryBytes) return reply(response, 413, `larger than ${maxEntryBytes} bytes`);
      if (await exists(file)) {
        request.resume();
        log(`PUT ${hash} 409`);
        return reply(response, 409, 'an entry with this hash exists and is never overwritten');
      }
      const temporary = path.join(options.dir, `.${hash}.${randomBytes(6).toString('hex')}.tmp`);
      try {
        await pipeline(request, createWriteStream(temporary, { flags: 'wx' }));
        const written = (await fs.stat(temporary)).size;
        if (written !== length) return reply(response, 400, `received ${written} of ${length} bytes`);
        // link() fails if the name exists: of two concurrent uploads of one hash, exactly one wins.
        await fs.link(temporary, file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') return reply(response, 409, 'an entry with this hash exists and is never overwritten');
        throw error;
      } finally {
        await fs.rm(temporary, { force: true });
      }
      log(`PUT ${hash} 200 (${length} bytes)`);
      return reply(response, 200, 'stored');
    }
    response.setHeader('allow', 'GET, PUT');
    return reply(response, 405, 'only GET and PUT');
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}`, port, close: () => closeServer(server) };
}

function accessOf(header: string | undefined, options: CacheServerOptions): 'write' | 'read' | 'unknown' | 'missing' {
  const token = /^Bearer (.+)$/.exec(header ?? '')?.[1];
  if (!token) return 'missing';
  if (same(token, options.token)) return 'write';
  if (options.readOnlyToken !== undefined && same(token, options.readOnlyToken)) return 'read';
  return 'unknown';
}

/** Constant-time comparison: the time to refuse a token says nothing about how much of it was right. */
function same(a: string, b: string): boolean {
  const [x, y] = [Buffer.from(a), Buffer.from(b)];
  return x.length === y.length && timingSafeEqual(x, y);
}

const exists = (file: string) => fs.access(file).then(() => true, () => false);

function reply(response: ServerResponse, status: number, message: string): void {
  // Exactly text/plain: Nx's client refuses a 401 with any other content type as a misconfigured endpoint.
  response.writeHead(status, { 'content-type': 'text/plain' });
  response.end(`${message}\n`);
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
