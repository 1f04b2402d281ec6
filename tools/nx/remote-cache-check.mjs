// An Nx plugin with one hook: before tasks run, when NX_SELF_HOSTED_REMOTE_CACHE_SERVER is set, ask the
// server once whether it answers and accepts the token. Nx 24's own client fails the whole run when the
// server cannot be reached or refuses a read; here such a run goes on with the local cache only, and
// says so. (It turns the remote cache off for this run by setting the variable to the empty string: Nx
// carries what a preTasksExecution hook assigns to process.env over to the run, isolated plugin or not.)
//
// What the probe sees: GET /v1/cache/hitcast-probe with the run's token.
//   network error or timeout  → warn, remote cache off
//   401 / 403 / other status  → warn, remote cache off (Nx would stop the run on these)
//   404 or 200                → fine; tools/cache-server adds x-hitcast-cache-access: read-only
//                               (this run's results are not uploaded: said once) or none (unknown
//                               token: warn, remote cache off)

const PROBE = 'hitcast-probe';
const TIMEOUT_MS = Number(process.env.HITCAST_REMOTE_CACHE_PROBE_MS ?? 3000);

export const name = 'hitcast-remote-cache-check';

function warn(line) {
  process.stderr.write(`\n hitcast  ${line}\n\n`);
}

export async function preTasksExecution() {
  const server = process.env.NX_SELF_HOSTED_REMOTE_CACHE_SERVER;
  if (!server) return;
  const off = () => {
    process.env.NX_SELF_HOSTED_REMOTE_CACHE_SERVER = '';
  };
  const local = 'this run reads and writes the local cache (.nx/cache) only';
  const token = process.env.NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN;
  let response;
  try {
    response = await fetch(new URL(`/v1/cache/${PROBE}`, server), {
      headers: token ? { authorization: `Bearer ${token}` } : {},
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    await response.arrayBuffer();
  } catch (error) {
    const reason = error?.cause?.code ?? error?.cause?.errors?.[0]?.code ?? (error?.name === 'TimeoutError' ? `no answer in ${TIMEOUT_MS} ms` : String(error?.cause ?? error));
    warn(`the remote cache at ${server} cannot be reached (${reason}): ${local}. Start it, or unset NX_SELF_HOSTED_REMOTE_CACHE_SERVER.`);
    return off();
  }
  const access = response.headers.get('x-hitcast-cache-access');
  if (response.status === 401 || response.status === 403 || access === 'none') {
    warn(`the remote cache at ${server} does not accept the token in NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN (${access === 'none' ? 'unknown token' : `HTTP ${response.status}`}): ${local}. Check the token.`);
    return off();
  }
  if (response.status !== 404 && response.status !== 200) {
    warn(`the remote cache at ${server} answered HTTP ${response.status}: ${local}.`);
    return off();
  }
  if (access === 'read-only') warn(`the remote cache at ${server} is read-only for this token: results are restored from it, new ones stay local.`);
}
