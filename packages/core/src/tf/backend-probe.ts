/**
 * Which tfjs backend a training stage will run on here, and the version of the package behind it: part of
 * every training stage's cache key, so that results of tfjs-node-gpu, webgpu, tfjs-node, wasm and cpu never
 * stand in for one another in a shared cache. For webgpu the adapter is part of it too (GPUs round
 * differently). Cheap in the usual case: no native package installed and no GPU device, then nothing is
 * loaded. With a native package installed, the real selection runs, since only loading it tells whether it
 * works; with a GPU device, Dawn is asked for its adapter (tens of milliseconds).
 */
import { createRequire } from 'node:module';
import { BACKEND_PACKAGES, backendFromEnvironment, type BackendName } from './backend-names.ts';
import { findAdapter } from './webgpu-adapter.ts';

const PACKAGE = BACKEND_PACKAGES;

const require = createRequire(import.meta.url);

function installedVersion(pkg: string): string | undefined {
  try {
    return (require(`${pkg}/package.json`) as { version: string }).version;
  } catch {
    return undefined;
  }
}

export interface ProbedBackend {
  name: BackendName;
  package: string;
  version: string;
  /** webgpu: the adapter it runs on. */
  device?: string;
}

export async function probeBackend(env: NodeJS.ProcessEnv = process.env): Promise<ProbedBackend> {
  let name = backendFromEnvironment(env);
  let device: string | undefined;
  const webgpuInstalled = Boolean(installedVersion(PACKAGE.webgpu) && installedVersion('webgpu'));
  if (name === 'webgpu') {
    const found = webgpuInstalled ? await findAdapter({ openGLES: true }) : undefined;
    device = found && !('reason' in found) ? found.description : 'no adapter';
  } else if (!name) {
    const nativeInstalled = installedVersion(PACKAGE['tensorflow-gpu']) ?? installedVersion(PACKAGE.tensorflow);
    const found = webgpuInstalled ? await findAdapter({ requireGpuDevice: true }) : undefined;
    const hardware = found && !('reason' in found) && !found.software ? found : undefined;
    if (nativeInstalled) {
      const { selectBackend } = await import('./backend.ts');
      name = (await selectBackend(undefined, { log: () => {} })).name;
    } else {
      name = hardware ? 'webgpu' : 'wasm';
    }
    if (name === 'webgpu') device = hardware?.description;
  }
  const version = installedVersion(PACKAGE[name]) ?? 'not installed';
  return { name, package: PACKAGE[name], version, ...(device ? { device } : {}) };
}
