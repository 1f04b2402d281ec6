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

  it('without tfjs-node installed, runs wasm and says why the native backends were skipped', async () => {
    const lines: string[] = [];
    const choice = await selectBackend(undefined, { log: (l) => lines.push(l) });
    expect(choice.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(choice.skipped.map((s) => s.name)).toEqual(['tensorflow-gpu', 'tensorflow']);
    expect(choice.skipped[1].reason).toMatch(/^not installed \(its install script downloads libtensorflow.*README/);
    expect(lines).toEqual([choice.note]);
    expect(choice.note).toMatch(/^tfjs backend: wasm .*skipped tfjs-node-gpu: not installed .*; tfjs-node: not installed/);
  });

  it('tries tfjs-node-gpu, then tfjs-node, before wasm', async () => {
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
    });
    expect(tried).toEqual(['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']);
    expect(choice.name).toBe('tensorflow');
    expect(choice.skipped).toEqual([
      { name: 'tensorflow-gpu', reason: 'installed, but its native binding failed to load: libcudart.so.11.0: cannot open shared object file' },
    ]);
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
  });
});
