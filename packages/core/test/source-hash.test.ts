import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sourceHash } from '../src/source-hash.ts';

describe('sourceHash: the code behind a module', () => {
  let root: string;
  const write = (file: string, text: string) => {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  };

  beforeEach(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'hitcast-source-hash-'));
    // A workspace package with a subpath export, as @hitcast/core has.
    write('node_modules/@hitcast/shared/package.json', JSON.stringify({ name: '@hitcast/shared', type: 'module', exports: { '.': './index.ts', './kernel': './src/kernel.ts' } }));
    write('node_modules/@hitcast/shared/index.ts', 'export const big = 1;\n');
    write('node_modules/@hitcast/shared/src/kernel.ts', "import { helper } from './helper.ts';\nexport const kernel = helper + 1;\n");
    write('node_modules/@hitcast/shared/src/helper.ts', 'export const helper = 41;\n');
    write('node_modules/@hitcast/shared/src/types.ts', 'export type T = number;\n');
    write('app/entry.ts', "import { kernel } from '@hitcast/shared/kernel';\nimport type { T } from '@hitcast/shared/src/types.ts';\nimport { local } from './local.ts';\nexport const out: T = kernel + local;\n");
    write('app/local.ts', 'export const local = 1;\n');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('follows workspace-package imports into their files (subpath exports and their relative imports)', () => {
    const { files } = sourceHash(path.join(root, 'app/entry.ts'));
    const relative = files.map((f) => path.relative(root, f)).sort();
    expect(relative).toEqual(['app/entry.ts', 'app/local.ts', 'node_modules/@hitcast/shared/src/helper.ts', 'node_modules/@hitcast/shared/src/kernel.ts']);
  });

  it('changes when a file reached through a workspace package changes, and not for files it does not reach', () => {
    const before = sourceHash(path.join(root, 'app/entry.ts')).hash;
    write('node_modules/@hitcast/shared/index.ts', 'export const big = 2;\n'); // not imported by the entry
    write('node_modules/@hitcast/shared/src/types.ts', 'export type T = string;\n'); // type-only import
    expect(sourceHash(path.join(root, 'app/entry.ts')).hash).toBe(before);
    write('node_modules/@hitcast/shared/src/helper.ts', 'export const helper = 42;\n');
    expect(sourceHash(path.join(root, 'app/entry.ts')).hash).not.toBe(before);
  });

  it("reaches the spectrogram worker's WebAssembly assembler in @hitcast/core (its pixels' cache key)", () => {
    const { files } = sourceHash(new URL('../../data-spectrogram/src/spectrogram-worker.ts', import.meta.url));
    expect(files.some((f) => f.endsWith(path.join('core', 'src', 'wasm', 'assembler.ts')))).toBe(true);
  });
});
