import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findAdapter, gpuDeviceNodes, isSoftwareAdapter, vulkanDriverPresent, type GpuAdapter } from '../../src/tf/webgpu-adapter.ts';

// Dawn stood in for: which create() flags and requestAdapter options were used, and what each answers.
const adapter = (info: GpuAdapter['info']): GpuAdapter => ({ info, features: { has: () => false }, requestDevice: async () => ({}) });
const LAVAPIPE = adapter({ vendor: 'mesa', architecture: 'software', device: 'llvmpipe-llvm-15', description: 'llvmpipe: Mesa 25.0.7 (LLVM 15.0.6)', isFallbackAdapter: true });
const LLVMPIPE_GL = adapter({ vendor: '', architecture: '', device: 'llvmpipe-llvm-15', description: 'OpenGL version OpenGL ES 3.2 Mesa 25.0.7', isFallbackAdapter: false });
const NVIDIA = adapter({ vendor: 'nvidia', architecture: 'ada', device: '0x2684', description: 'NVIDIA GeForce RTX 4090' });

function fakeDawn(answers: { vulkan?: GpuAdapter | null; gles?: GpuAdapter | null }) {
  const calls: string[] = [];
  const module = {
    globals: {},
    create: (flags: string[]) => ({
      requestAdapter: async (options?: Record<string, unknown>) => {
        calls.push(`${flags.join(' ') || 'default'} ${JSON.stringify(options ?? {})}`);
        return flags.includes('backend=opengles') ? (answers.gles ?? null) : (answers.vulkan ?? null);
      },
    }),
  };
  const imported: string[] = [];
  return { calls, imported, importer: async (spec: string) => (imported.push(spec), module) };
}

const tmp = () => mkdtempSync(path.join(tmpdir(), 'hitcast-webgpu-'));
function folderWithDriver(): string {
  const dir = tmp();
  mkdirSync(path.join(dir, 'vulkan', 'icd.d'), { recursive: true });
  writeFileSync(path.join(dir, 'vulkan', 'icd.d', 'lvp_icd.x86_64.json'), '{}');
  return dir;
}
function devWithGpu(): string {
  const dir = tmp();
  mkdirSync(path.join(dir, 'dri'));
  writeFileSync(path.join(dir, 'dri', 'renderD128'), '');
  return dir;
}

describe('finding a WebGPU adapter', () => {
  it('tells software adapters from hardware ones by the fallback flag or the driver name', () => {
    expect(isSoftwareAdapter(LAVAPIPE)).toBe(true);
    expect(isSoftwareAdapter(LLVMPIPE_GL)).toBe(true); // Dawn's OpenGL ES path sets no fallback flag
    expect(isSoftwareAdapter(adapter({ vendor: 'google', description: 'SwiftShader Device (Subzero)' }))).toBe(true);
    expect(isSoftwareAdapter(NVIDIA)).toBe(false);
  });

  it('reads GPU device nodes and Vulkan driver folders', () => {
    expect(gpuDeviceNodes(devWithGpu())).toEqual([expect.stringMatching(/dri\/renderD128$/)]);
    expect(gpuDeviceNodes(tmp())).toEqual([]);
    expect(vulkanDriverPresent({}, [tmp(), folderWithDriver()])).toBe(true);
    expect(vulkanDriverPresent({}, [tmp()])).toBe(false);
    expect(vulkanDriverPresent({ VK_ICD_FILENAMES: '/x/lvp_icd.json' }, [])).toBe(true);
  });

  it('automatic choice without a GPU device: does not load Dawn at all', async () => {
    const dawn = fakeDawn({ vulkan: LAVAPIPE });
    const found = await findAdapter({ importer: dawn.importer, requireGpuDevice: true, platform: 'linux', dev: tmp() });
    expect(found).toEqual({ reason: expect.stringMatching(/^no GPU device here .*--backend webgpu/) });
    expect(dawn.imported).toEqual([]);
  });

  it('a hardware adapter through Vulkan, asked for with high-performance', async () => {
    const dawn = fakeDawn({ vulkan: NVIDIA });
    const found = await findAdapter({ importer: dawn.importer, requireGpuDevice: true, platform: 'linux', dev: devWithGpu(), vulkanFolders: [folderWithDriver()] });
    expect(found).toMatchObject({ software: false, api: 'Vulkan', description: 'NVIDIA GeForce RTX 4090 (nvidia, Vulkan)' });
    expect(dawn.calls).toEqual(['default {"powerPreference":"high-performance"}']);
  });

  it('lavapipe: found, and marked as software', async () => {
    const dawn = fakeDawn({ vulkan: LAVAPIPE });
    const found = await findAdapter({ importer: dawn.importer, platform: 'linux', vulkanFolders: [folderWithDriver()] });
    expect(found).toMatchObject({ software: true, description: 'llvmpipe: Mesa 25.0.7 (LLVM 15.0.6) (mesa, Vulkan, software)' });
  });

  it('no Vulkan driver file: Dawn is not asked for Vulkan; OpenGL ES (compatibility, surfaceless EGL) when allowed', async () => {
    const dawn = fakeDawn({ vulkan: NVIDIA, gles: LLVMPIPE_GL });
    const env: NodeJS.ProcessEnv = {};
    const found = await findAdapter({ importer: dawn.importer, openGLES: true, platform: 'linux', env, vulkanFolders: [tmp()] });
    expect(found).toMatchObject({ api: 'OpenGL ES', software: true, options: { featureLevel: 'compatibility' }, description: 'llvmpipe-llvm-15, OpenGL version OpenGL ES 3.2 Mesa 25.0.7 (OpenGL ES, software)' });
    expect(dawn.calls).toEqual(['backend=opengles {"featureLevel":"compatibility"}']);
    expect(env.EGL_PLATFORM).toBe('surfaceless');
  });

  it('nothing at all: says what was tried and which driver to install', async () => {
    const dawn = fakeDawn({});
    const found = await findAdapter({ importer: dawn.importer, openGLES: true, platform: 'linux', env: { EGL_PLATFORM: 'surfaceless' }, vulkanFolders: [folderWithDriver()] });
    expect(found).toEqual({
      reason: expect.stringMatching(/^Dawn found no Vulkan adapter .*Mesa 22\.3 lavapipe, for one, is too old\); nor an OpenGL ES one \(EGL_PLATFORM=surfaceless\)$/),
      fix: expect.stringMatching(/bookworm-backports.*mesa-vulkan-drivers/),
    });
  });

  it('Dawn that cannot load: the loader error, first line', async () => {
    const found = await findAdapter({ importer: async () => { throw new Error('dawn.node: wrong ELF class\nstack…'); }, platform: 'linux' });
    expect(found).toEqual({ reason: 'Dawn (the `webgpu` package) failed to load: dawn.node: wrong ELF class' });
  });
});
