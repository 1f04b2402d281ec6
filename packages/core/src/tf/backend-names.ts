/**
 * The tfjs backends hitcast can run on, best first, and the `--backend` option's parser. Kept apart from
 * backend.ts (which loads tfjs) so that command declarations can use them without loading tfjs.
 */
import { HitcastError } from '../errors.ts';

// webgpu comes before tfjs-node only with a hardware adapter (a software one is skipped unless asked for).
export const BACKENDS = ['tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];

/** The npm package behind each backend (the native ones and webgpu are optional dependencies; webgpu also needs `webgpu`, Dawn). */
export const BACKEND_PACKAGES: Record<BackendName, string> = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  webgpu: '@tensorflow/tfjs-backend-webgpu',
  tensorflow: '@tensorflow/tfjs-node',
  wasm: '@tensorflow/tfjs-backend-wasm',
  cpu: '@tensorflow/tfjs-backend-cpu',
};

export function parseBackendOption(value: string): BackendName {
  if ((BACKENDS as readonly string[]).includes(value)) return value as BackendName;
  throw new HitcastError(`unknown backend '${value}'`, { fix: `use one of: ${BACKENDS.join(', ')}` });
}

/** The training commands' `--workers N`: threads that compute the batch shards (speed only). */
export const WORKERS_OPTION_HELP = 'threads that train, the main one included (speed only: the same weights for any count; default: workers in the params file, 2)';

export function parseWorkersOption(value: string): number {
  const n = Number(value);
  if (Number.isInteger(n) && n >= 1) return n;
  throw new HitcastError(`--workers must be a whole number ≥ 1 (got '${value}')`, { fix: 'e.g. --workers 1 on a machine whose other core is busy' });
}

/** The backend named by the HITCAST_BACKEND environment variable, if any (checked like `--backend`). */
export function backendFromEnvironment(env: NodeJS.ProcessEnv = process.env): BackendName | undefined {
  const value = env.HITCAST_BACKEND?.trim();
  return value ? parseBackendOption(value) : undefined;
}
