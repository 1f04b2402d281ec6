import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it } from 'vitest';
import { HitcastError } from '../../src/errors.ts';
import { parseBackendOption, selectBackend } from '../../src/tf/backend.ts';

const realImport = (spec: string) => import(spec);
const quiet = { log: () => {} };

describe('selectBackend', () => {
  afterEach(async () => {
    if (tf.findBackend('tensorflow')) tf.removeBackend('tensorflow');
  });

  it('without tfjs-node installed, runs wasm and says why the native backends and webgpu were skipped', async () => {
    const lines: string[] = [];
    const choice = await selectBackend(undefined, { log: (l) => lines.push(l) });
    expect(choice.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(choice.skipped.map((s) => s.name)).toEqual(['tensorflow-gpu', 'webgpu', 'tensorflow']);
    expect(choice.skipped[2].reason).toMatch(/^not installed \(its install script downloads libtensorflow.*README/);
    // No GPU on a test machine: no device node, at most a software adapter (skipped as such), or no adapter.
    expect(choice.skipped[1].reason).toMatch(/^no GPU device here|^only a software adapter, .*--backend webgpu|mesa-vulkan-drivers|^not installed: /);
    expect(lines).toEqual([choice.note]);
    expect(choice.note).toMatch(/^tfjs backend: wasm .*skipped tfjs-node-gpu: not installed .*; webgpu: .*; tfjs-node: not installed/);
  });

  it('tries tfjs-node-gpu, then webgpu, then tfjs-node, before wasm', async () => {
    const tried: string[] = [];
    const choice = await selectBackend(undefined, {
      ...quiet,
      isInstalled: () => true,
      importer: async (spec) => {
        tried.push(spec);
        if (spec === '@tensorflow/tfjs-node-gpu') throw new Error('libcudart.so.11.0: cannot open shared object file');
        // Stand-in for tfjs-node: registers a backend called 'tensorflow' (a cpu one underneath).
        if (spec === '@tensorflow/tfjs-node') tf.registerBackend('tensorflow', tf.findBackendFactory('cpu')!);
        return {};
      },
      findAdapter: async (asked) => {
        tried.push(`webgpu adapter${asked ? ' (asked for)' : ''}`);
        return { reason: 'Dawn found no Vulkan adapter', fix: 'install a driver' };
      },
    });
    expect(tried).toEqual(['@tensorflow/tfjs-node-gpu', 'webgpu adapter', '@tensorflow/tfjs-node']);
    expect(choice.name).toBe('tensorflow');
    expect(choice.skipped).toEqual([
      { name: 'tensorflow-gpu', reason: 'installed, but its native binding failed to load: libcudart.so.11.0: cannot open shared object file' },
      { name: 'webgpu', reason: 'Dawn found no Vulkan adapter: install a driver' },
    ]);
  });

  it('skips a software adapter unless webgpu is asked for, and says so', async () => {
    const software = {
      gpu: { requestAdapter: async () => null },
      adapter: { features: { has: () => false }, requestDevice: async () => ({}) },
      options: {},
      description: 'llvmpipe: Mesa 25.0.7 (mesa, Vulkan, software)',
      software: true,
      api: 'Vulkan' as const,
    };
    const choice = await selectBackend(undefined, { ...quiet, findAdapter: async () => software });
    expect(choice.name).toBe('wasm');
    expect(choice.skipped.find((s) => s.name === 'webgpu')).toEqual({
      name: 'webgpu',
      reason: 'only a software adapter, llvmpipe: Mesa 25.0.7 (mesa, Vulkan, software): slower than wasm; `--backend webgpu` uses it anyway',
    });
  });

  it('webgpu without its packages: says which are missing', async () => {
    const failure = selectBackend('webgpu', { ...quiet, isInstalled: (pkg) => pkg !== 'webgpu' });
    await expect(failure).rejects.toThrow(/backend 'webgpu' was asked for but cannot run: webgpu: not installed: webgpu \(optional dependencies/);
  });

  it('an excluded backend is skipped with the caller\'s reason, and refused when asked for', async () => {
    const exclude = { wasm: 'not for this caller' };
    const choice = await selectBackend(undefined, { ...quiet, exclude, isInstalled: (pkg) => !pkg.includes('webgpu') && !pkg.includes('tfjs-node') });
    expect(choice.name).toBe('cpu');
    expect(choice.skipped.at(-1)).toEqual({ name: 'wasm', reason: 'not for this caller' });
    await expect(selectBackend('wasm', { ...quiet, exclude })).rejects.toThrow(/wasm: not for this caller/);
  });

  it('falls back to cpu when wasm cannot load, and says so', async () => {
    const choice = await selectBackend(undefined, {
      ...quiet,
      importer: async (spec) => {
        if (spec.includes('wasm')) throw new Error('no WebAssembly here');
        return realImport(spec);
      },
    });
    expect(choice.name).toBe('cpu');
    expect(choice.note).toContain('wasm: failed to load: no WebAssembly here');
  });

  it('honours an explicit choice', async () => {
    const choice = await selectBackend('cpu', quiet);
    expect(choice).toMatchObject({ name: 'cpu', skipped: [] });
    expect(choice.note).toContain('(asked for)');
    expect(tf.getBackend()).toBe('cpu');
    expect((await selectBackend('wasm', quiet)).name).toBe('wasm');
  });

  it('an explicit choice that cannot run is an error, not a silent fallback', async () => {
    const failure = selectBackend('tensorflow', quiet);
    await expect(failure).rejects.toBeInstanceOf(HitcastError);
    await expect(failure).rejects.toThrow(/backend 'tensorflow' was asked for but cannot run: tfjs-node: not installed/);
    await expect(failure).rejects.toMatchObject({ fix: expect.stringContaining('drop --backend') });
  });

  it('rejects unknown --backend values with the list of valid ones', () => {
    expect(() => parseBackendOption('gpu')).toThrow(HitcastError);
    expect(() => parseBackendOption('gpu')).toThrow("unknown backend 'gpu'");
    expect(parseBackendOption('wasm')).toBe('wasm');
    expect(parseBackendOption('webgpu')).toBe('webgpu');
  });
});
