/**
 * `npm run cache-server -- --port PORT --dir DIR --token TOKEN [--read-only-token TOKEN]`: the remote
 * cache of server.ts on the loopback address, until Ctrl-C. Then, in a clone:
 *
 *   NX_SELF_HOSTED_REMOTE_CACHE_SERVER=http://127.0.0.1:PORT NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN=TOKEN \
 *     npx nx run-many -t build,train,report
 */
import { parseArgs } from 'node:util';
import { startCacheServer } from './server.ts';

const usage = 'usage: npm run cache-server -- --port PORT --dir DIR --token TOKEN [--read-only-token TOKEN] [--quiet]';

function fail(message: string): never {
  console.error(`cache-server: ${message}\n${usage}`);
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      port: { type: 'string' },
      dir: { type: 'string' },
      token: { type: 'string' },
      'read-only-token': { type: 'string' },
      quiet: { type: 'boolean', default: false },
    },
  }));
} catch (error) {
  fail((error as Error).message);
}
const port = Number(values.port ?? 'missing');
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be a port number (got ${values.port ?? 'nothing'})`);
if (!values.dir) fail('--dir is required: the folder that keeps the entries');
if (!values.token) fail('--token is required: the read-write token clients send as NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN');

try {
  const server = await startCacheServer({
    port,
    dir: values.dir,
    token: values.token,
    readOnlyToken: values['read-only-token'],
    log: values.quiet ? undefined : (line) => console.log(line),
  });
  const stop = async () => {
    await server.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  console.log(`hitcast remote cache on ${server.url} (entries in ${values.dir}${values['read-only-token'] ? '; a read-only token is set' : ''})`);
  console.log(`use it: NX_SELF_HOSTED_REMOTE_CACHE_SERVER=${server.url} NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN=<token> npx nx run-many -t build,train,report`);
} catch (error) {
  const code = (error as NodeJS.ErrnoException).code;
  fail(code === 'EADDRINUSE' ? `port ${port} is in use: pick another --port` : (error as Error).message);
}
