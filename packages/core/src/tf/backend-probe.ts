/**
 * Which tfjs backend a training stage will run on here, and the version of the package behind it: part of
 * every training stage's cache key, so that results of tfjs-node-gpu, tfjs-node, wasm and cpu never stand
 * in for one another in a shared cache. Cheap when no native package is installed (the usual case): then
 * nothing is loaded. With one installed, the real selection runs, since only loading it tells whether it works.
 */
import { createRequire } from 'node:module';
import { BACKEND_PACKAGES, backendFromEnvironment, type BackendName } from './backend-names.ts';

const PACKAGE = BACKEND_PACKAGES;

const require = createRequire(import.meta.url);

function installedVersion(pkg: string): string | undefined {
  try {
    return (require(`${pkg}/package.json`) as { version: string }).version;
  } catch {
    return undefined;
  }
}

export async function probeBackend(env: NodeJS.ProcessEnv = process.env): Promise<{ name: BackendName; package: string; version: string }> {
  let name = backendFromEnvironment(env);
  if (!name) {
    const nativeInstalled = installedVersion(PACKAGE['tensorflow-gpu']) ?? installedVersion(PACKAGE.tensorflow);
    if (nativeInstalled) {
      const { selectBackend } = await import('./backend.ts');
      name = (await selectBackend(undefined, { log: () => {} })).name;
    } else {
      name = 'wasm';
    }
  }
  return { name, package: PACKAGE[name], version: installedVersion(PACKAGE[name]) ?? 'not installed' };
}
