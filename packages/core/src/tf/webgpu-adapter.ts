/**
 * The WebGPU adapter Dawn (the `webgpu` npm package: Dawn's Node bindings, a prebuilt `dawn.node`) offers
 * on this machine, found without loading tfjs, so that the Nx stage key (backend-probe.ts) can ask too.
 *
 * Dawn drives the GPU through Vulkan on Linux (Metal on macOS, D3D12 on Windows) and bundles no software
 * renderer. Without a GPU, Mesa's lavapipe (Vulkan on the CPU, Mesa ≥ 25: Debian 12's own 22.3 fails
 * Dawn's Vulkan requirements) gives a full adapter; failing that, Mesa's llvmpipe through OpenGL ES gives
 * a "compatibility" one. Software adapters are told apart by the adapter's info: the selection chain skips
 * them (slower than wasm) unless webgpu is asked for by name.
 */
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

/** The parts of WebGPU's GPUAdapter read here (the `webgpu` package and its types are optional). */
export interface GpuAdapter {
  info?: { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean };
  isFallbackAdapter?: boolean;
  features: { has(name: string): boolean };
  requestDevice(descriptor?: unknown): Promise<unknown>;
}
export interface Gpu {
  requestAdapter(options?: Record<string, unknown>): Promise<GpuAdapter | null>;
  getPreferredCanvasFormat?(): string;
  wgslLanguageFeatures?: unknown;
}
interface Dawn {
  create(flags: string[]): Gpu;
  globals: Record<string, unknown>;
}

export interface FoundAdapter {
  gpu: Gpu;
  adapter: GpuAdapter;
  /** The WebGPU requestAdapter options that found it (tfjs passes none of its own that matter). */
  options: Record<string, unknown>;
  /** e.g. "NVIDIA GeForce RTX 4090 (nvidia, Vulkan)" or "llvmpipe: Mesa 25.0.7 (LLVM 15.0.6) (mesa, Vulkan, software)". */
  description: string;
  software: boolean;
  api: 'Vulkan' | 'Metal' | 'D3D12' | 'OpenGL ES';
}

/** What to install when Dawn finds nothing: a GPU driver, or lavapipe for a software adapter. */
export const DRIVER_HINT =
  "install the GPU's Vulkan driver; for a software adapter (checks only), Mesa ≥ 25's lavapipe: on Debian 12, " +
  'add `deb http://deb.debian.org/debian bookworm-backports main` to the apt sources, then ' +
  '`apt-get install -t bookworm-backports mesa-vulkan-drivers`';

const SOFTWARE = /llvmpipe|lavapipe|softpipe|swiftshader|microsoft basic render/i;

/** True for a CPU-emulated adapter: the fallback flag where Dawn sets it, else the driver's name. */
export function isSoftwareAdapter(adapter: GpuAdapter): boolean {
  const info = adapter.info ?? {};
  if (info.isFallbackAdapter === true || adapter.isFallbackAdapter === true) return true;
  return SOFTWARE.test([info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' '));
}

export function describeAdapter(adapter: GpuAdapter, api: FoundAdapter['api']): string {
  const info = adapter.info ?? {};
  // Dawn's OpenGL ES adapters describe the GL version only; the renderer is in `device`.
  const name = (api === 'OpenGL ES' && info.device ? [info.device, info.description] : [info.description || info.device]).filter(Boolean).join(', ') || 'unnamed adapter';
  const tags = [info.vendor, api, isSoftwareAdapter(adapter) ? 'software' : ''].filter(Boolean);
  return `${name} (${tags.join(', ')})`;
}

/** The folders above which the Vulkan loader looks for `vulkan/icd.d/*.json` driver files on Linux. */
export function vulkanDriverFolders(env: NodeJS.ProcessEnv = process.env): string[] {
  const home = homedir();
  const config = [env.XDG_CONFIG_HOME || path.join(home, '.config'), ...(env.XDG_CONFIG_DIRS || '/etc/xdg').split(':'), '/etc'];
  const data = [env.XDG_DATA_HOME || path.join(home, '.local/share'), ...(env.XDG_DATA_DIRS || '/usr/local/share:/usr/share').split(':')];
  return [...config, ...data];
}

/**
 * Whether the Vulkan loader will find any driver (ICD) file on Linux.
 * Asking Dawn on a machine without any prints the loader's warnings to stderr; this asks the disk first.
 */
export function vulkanDriverPresent(env: NodeJS.ProcessEnv = process.env, folders = vulkanDriverFolders(env)): boolean {
  if (env.VK_DRIVER_FILES || env.VK_ICD_FILENAMES || env.VK_ADD_DRIVER_FILES) return true;
  return folders.some((dir) => {
    const icd = path.join(dir, 'vulkan', 'icd.d');
    try {
      return existsSync(icd) && readdirSync(icd).some((f) => f.endsWith('.json'));
    } catch {
      return false;
    }
  });
}

/**
 * Linux device nodes a hardware GPU shows up as (DRM render nodes: AMD, Intel and other Mesa drivers;
 * NVIDIA's driver; WSL2's GPU). None: no GPU here, or none passed into this container.
 */
export function gpuDeviceNodes(dev = '/dev'): string[] {
  const list = (dir: string) => {
    try {
      return readdirSync(dir);
    } catch {
      return [];
    }
  };
  return [
    ...list(path.join(dev, 'dri')).filter((f) => f.startsWith('renderD')).map((f) => path.join(dev, 'dri', f)),
    ...list(dev).filter((f) => /^nvidia\d+$/.test(f) || f === 'dxg').map((f) => path.join(dev, f)),
  ];
}

export interface FindOptions {
  importer?: (specifier: string) => Promise<unknown>;
  /**
   * Look only if the machine has a GPU device (Linux): the selection chain's automatic choice, which
   * skips software adapters anyway. Spares GPU-less machines loading Dawn, and the warnings Dawn prints
   * about lavapipe's limits.
   */
  requireGpuDevice?: boolean;
  /** Also try Dawn's OpenGL ES backend (llvmpipe or a GPU's GL driver) when the native API finds nothing. */
  openGLES?: boolean;
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  /** The device folder and the Vulkan driver folders to look in (tests). */
  dev?: string;
  vulkanFolders?: string[];
}

/** The adapter found, or why none was, with what to install when a driver would help. */
export type AdapterSearch = FoundAdapter | { reason: string; fix?: string };

const cache = new Map<string, Promise<AdapterSearch>>();

/** The adapter, or why there is none (one line, for the backend note). Cached per process. */
export function findAdapter(options: FindOptions = {}): Promise<AdapterSearch> {
  const key = `${Boolean(options.openGLES)}|${Boolean(options.requireGpuDevice)}`;
  if (options.importer || options.env || options.platform || options.dev || options.vulkanFolders) return search(options); // tests: never cached
  if (!cache.has(key)) cache.set(key, search(options));
  return cache.get(key)!;
}

async function search(options: FindOptions): Promise<AdapterSearch> {
  const importer = options.importer ?? ((spec: string) => import(spec));
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  if (options.requireGpuDevice && platform === 'linux' && gpuDeviceNodes(options.dev).length === 0) {
    return { reason: 'no GPU device here (no /dev/dri/renderD*, /dev/nvidia* or /dev/dxg); a software adapter runs only when asked for (--backend webgpu)' };
  }
  let dawn: Dawn;
  try {
    const module = (await importer('webgpu')) as Dawn & { default?: Dawn };
    dawn = typeof module.create === 'function' ? module : (module.default as Dawn);
    if (typeof dawn?.create !== 'function') throw new Error('it exports no create()');
  } catch (error) {
    const msg = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return { reason: `Dawn (the \`webgpu\` package) failed to load: ${msg}` };
  }
  // The constants tfjs-backend-webgpu reads as globals (GPUBufferUsage, GPUMapMode, …).
  for (const [name, value] of Object.entries(dawn.globals ?? {})) {
    if (!(name in globalThis)) Object.defineProperty(globalThis, name, { value, configurable: true, writable: true });
  }
  const api: FoundAdapter['api'] = platform === 'darwin' ? 'Metal' : platform === 'win32' ? 'D3D12' : 'Vulkan';
  const tried: string[] = [];
  if (api === 'Vulkan' && !vulkanDriverPresent(env, options.vulkanFolders ?? vulkanDriverFolders(env))) {
    tried.push('no Vulkan driver is installed (no ICD file under /usr/share/vulkan/icd.d or the loader\'s other folders)');
  } else {
    const gpu = dawn.create([]);
    const options = { powerPreference: 'high-performance' };
    const adapter = await gpu.requestAdapter(options).catch(() => null);
    if (adapter) return { gpu, adapter, options, description: describeAdapter(adapter, api), software: isSoftwareAdapter(adapter), api };
    tried.push(
      api === 'Vulkan'
        ? "Dawn found no Vulkan adapter (a Vulkan driver file is present, but Dawn can use none of them: Debian 12's own Mesa 22.3 lavapipe, for one, is too old)"
        : `Dawn found no ${api} adapter`,
    );
  }
  if (options.openGLES && platform === 'linux') {
    // Mesa's EGL without a display: the surfaceless platform (read when Dawn initialises EGL).
    env.EGL_PLATFORM ??= 'surfaceless';
    const gpu = dawn.create(['backend=opengles']);
    const options = { featureLevel: 'compatibility' };
    const adapter = await gpu.requestAdapter(options).catch(() => null);
    if (adapter) {
      return { gpu, adapter, options, description: describeAdapter(adapter, 'OpenGL ES'), software: isSoftwareAdapter(adapter), api: 'OpenGL ES' };
    }
    tried.push(`nor an OpenGL ES one (EGL_PLATFORM=${env.EGL_PLATFORM})`);
  }
  return { reason: tried.join('; '), fix: DRIVER_HINT };
}
