/**
 * Picks the fastest tfjs backend that actually works here, best first:
 * tfjs-node-gpu → webgpu (Dawn, with a hardware adapter) → tfjs-node → wasm (with our training
 * kernels) → cpu, and says why it skipped the better ones. An explicit choice (`--backend`) that cannot run is an error, never a silent
 * fallback: a 50× slower run should not look like a normal one.
 */
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';
import { HitcastError } from '../errors.ts';
import { BACKEND_PACKAGES, BACKENDS, parseBackendOption, type BackendName } from './backend-names.ts';
import { installWasmTraining } from './wasm-training.ts';
import { registerWebgpu, webgpuAdapter } from './webgpu.ts';
import { findAdapter, type AdapterSearch } from './webgpu-adapter.ts';

export { BACKENDS, parseBackendOption, type BackendName };

export interface BackendChoice {
  name: BackendName;
  /** One line for the log: what runs, and why each better backend was skipped. */
  note: string;
  skipped: { name: BackendName; reason: string }[];
}

export interface SelectOptions {
  /** Where lines go (default stderr). */
  log?: (line: string) => void;
  /** Module loader; tests swap it to simulate installed-but-broken packages. */
  importer?: (specifier: string) => Promise<unknown>;
  /** Tells whether a package is installed at all; tests swap it too. */
  isInstalled?: (pkg: string) => boolean;
  /** Backends this caller cannot use, with the reason (listed among the skipped ones; an error if asked for). */
  exclude?: Partial<Record<BackendName, string>>;
  /** Finds the WebGPU adapter (`asked`: webgpu named by --backend); tests swap it for a stand-in. */
  findAdapter?: (asked: boolean) => Promise<AdapterSearch>;
}

/**
 * For callers that read results synchronously or predict in worker threads (`hitcast predict`, `export`):
 * tfjs's webgpu backend can do neither in Node, and one song's inference takes milliseconds on the CPU.
 */
export const SYNCHRONOUS_READS: Partial<Record<BackendName, string>> = {
  webgpu: 'not for prediction (it reads results synchronously and in worker threads, which tfjs-backend-webgpu cannot do in Node); training uses it',
};

const NATIVE = { 'tensorflow-gpu': BACKEND_PACKAGES['tensorflow-gpu'], tensorflow: BACKEND_PACKAGES.tensorflow } as const;

const NATIVE_HINT = 'its install script downloads libtensorflow, which fails offline; see packages/core/src/tf/README.md';

/** How each backend is named in messages: by the package a user would install. */
const LABEL: Record<BackendName, string> = {
  'tensorflow-gpu': 'tfjs-node-gpu',
  webgpu: 'webgpu',
  tensorflow: 'tfjs-node',
  wasm: 'wasm',
  cpu: 'cpu',
};

const require = createRequire(import.meta.url);
function installedByDefault(pkg: string): boolean {
  try {
    require.resolve(`${pkg}/package.json`);
    return true;
  } catch {
    return false;
  }
}

const WEBGPU_HINT = 'optional dependencies `webgpu` (Dawn) and `@tensorflow/tfjs-backend-webgpu`: `npm ci` installs them unless optional dependencies are omitted';

/**
 * Tries one backend; returns null when it runs, else the reason it cannot. `asked`: named by --backend,
 * which lets webgpu run on a software adapter (and look for one through OpenGL ES).
 */
async function tryBackend(name: BackendName, opts: Required<SelectOptions>, asked: boolean): Promise<string | null> {
  const excluded = opts.exclude[name];
  if (excluded) return excluded;
  if (name === 'webgpu') {
    const missing = ['webgpu', BACKEND_PACKAGES.webgpu].filter((pkg) => !opts.isInstalled(pkg));
    if (missing.length) return `not installed: ${missing.join(', ')} (${WEBGPU_HINT})`;
    const found = await opts.findAdapter(asked);
    if ('reason' in found) return found.fix ? `${found.reason}: ${found.fix}` : found.reason;
    if (found.software && !asked) {
      return `only a software adapter, ${found.description}: slower than wasm; \`--backend webgpu\` uses it anyway`;
    }
    const failed = await registerWebgpu(found, opts.importer);
    if (failed) return failed;
  } else if (name === 'tensorflow' || name === 'tensorflow-gpu') {
    const pkg = NATIVE[name];
    if (!opts.isInstalled(pkg)) return `not installed (${NATIVE_HINT})`;
    try {
      await opts.importer(pkg); // registers the backend as a side effect
    } catch (error) {
      const msg = error instanceof Error ? error.message.split('\n')[0] : String(error);
      return `installed, but its native binding failed to load: ${msg}`;
    }
  } else if (name === 'wasm') {
    try {
      await opts.importer('@tensorflow/tfjs-backend-wasm'); // registers the backend and its flags
      // Measured in Node 20: SIMD works; forcing threads breaks the backend (falls back to 0.9 GFLOP/s).
      tf.env().set('WASM_HAS_SIMD_SUPPORT', true);
      tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
      installWasmTraining();
    } catch (error) {
      return `failed to load: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
  try {
    if (!(await tf.setBackend(name))) return `tfjs could not initialise it`;
  } catch (error) {
    return `tfjs could not initialise it: ${error instanceof Error ? error.message : String(error)}`;
  }
  return null;
}

const DESCRIBE: Record<BackendName, string> = {
  'tensorflow-gpu': 'tfjs-node-gpu (libtensorflow, CUDA)',
  webgpu: 'webgpu (Dawn)',
  tensorflow: 'tfjs-node (libtensorflow, CPU)',
  wasm: 'wasm (XNNPACK, SIMD on, threads off, hitcast training kernels installed)',
  cpu: 'cpu (plain JS: ~50x slower than wasm to train; use only for checks)',
};

/** How the chosen backend is described in its note; webgpu names the adapter it runs on. */
function describe(name: BackendName): string {
  return name === 'webgpu' && webgpuAdapter ? `webgpu (Dawn) on ${webgpuAdapter.description}` : DESCRIBE[name];
}

const defaultImporter = (spec: string) => import(spec);

export async function selectBackend(preferred?: BackendName, options: SelectOptions = {}): Promise<BackendChoice> {
  const opts: Required<SelectOptions> = {
    log: options.log ?? ((line) => console.error(line)),
    importer: options.importer ?? defaultImporter,
    isInstalled: options.isInstalled ?? installedByDefault,
    exclude: options.exclude ?? {},
    // Asked for: any adapter, OpenGL ES included. Automatic: only where a GPU device exists.
    findAdapter: options.findAdapter ?? ((asked) => findAdapter({ openGLES: asked, requireGpuDevice: !asked })),
  };
  if (preferred !== undefined) {
    const reason = await tryBackend(parseBackendOption(preferred), opts, true);
    if (reason !== null) {
      throw new HitcastError(`backend '${preferred}' was asked for but cannot run: ${LABEL[preferred]}: ${reason}`, {
        fix: `drop --backend to use the best available one, or fix the cause above`,
      });
    }
    const choice = { name: preferred, note: `tfjs backend: ${describe(preferred)} (asked for)`, skipped: [] };
    opts.log(choice.note);
    return choice;
  }
  const skipped: BackendChoice['skipped'] = [];
  for (const name of BACKENDS) {
    const reason = await tryBackend(name, opts, false);
    if (reason === null) {
      const why = skipped.map((s) => `${LABEL[s.name]}: ${s.reason}`).join('; ');
      const note = `tfjs backend: ${describe(name)}${why ? ` — skipped ${why}` : ''}`;
      opts.log(note);
      return { name, note, skipped };
    }
    skipped.push({ name, reason });
  }
  // Unreachable in practice: the cpu backend ships inside @tensorflow/tfjs.
  throw new HitcastError(`no tfjs backend could start: ${skipped.map((s) => `${LABEL[s.name]}: ${s.reason}`).join('; ')}`);
}
