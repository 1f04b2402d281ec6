import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// Relative specifiers in static imports, re-exports, dynamic imports and worker URLs.
const RELATIVE = /(?:from\s+|import\s*\(\s*|import\s+|new URL\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g;
// Package specifiers in static imports and re-exports (not `import type`: types change no behaviour);
// group 1 the package name, group 2 the whole specifier (with any subpath).
const PACKAGE = /(?:^|\n)\s*(?:import(?!\s+type\b)[^'"]*?from\s+|export[^'"]*?from\s+|import\s+)['"](((?:@[\w.-]+\/)?[\w.-]+)(?:\/[^'"]*)?)['"]/g;

/**
 * A hash of the code behind a module: the text of every file it reaches through relative imports (static,
 * dynamic, and `new URL('./worker.ts', import.meta.url)` workers), and the name and version of every npm
 * package those files import. Any edit to that code changes the hash, so a cache keyed on it (e.g. the
 * spectrogram stage's per-file reuse of earlier rows) can never serve output of older code. Imports of
 * workspace packages (@hitcast/*) are followed into their files like relative ones (the module the
 * specifier resolves to, subpath exports included), since their code is part of what the entry computes.
 */
export function sourceHash(entry: URL | string): { hash: string; files: string[]; packages: string[] } {
  const start = entry instanceof URL ? fileURLToPath(entry) : path.resolve(entry);
  const root = path.dirname(start);
  const seen = new Set<string>();
  const packages = new Set<string>();
  const pending = [start];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(RELATIVE)) pending.push(path.resolve(path.dirname(file), match[1]));
    for (const match of text.matchAll(PACKAGE)) {
      const [, specifier, name] = match;
      if (name.startsWith('.') || name.startsWith('node:')) continue;
      if (name.startsWith('@hitcast/')) pending.push(createRequire(file).resolve(specifier));
      else packages.add(`${name}@${packageVersion(name, file)}`);
    }
  }
  const files = [...seen].sort();
  const hash = createHash('sha256');
  for (const file of files) hash.update(`${path.relative(root, file)}\n`).update(readFileSync(file)).update('\n');
  const sortedPackages = [...packages].sort();
  for (const name of sortedPackages) hash.update(`${name}\n`);
  return { hash: hash.digest('hex'), files, packages: sortedPackages };
}

function packageVersion(name: string, fromFile: string): string {
  if (BUILTIN.has(name)) return 'node';
  const require = createRequire(fromFile);
  try {
    return (require(`${name}/package.json`) as { version?: string }).version ?? 'unknown';
  } catch {
    // Its exports hide package.json: find it above the resolved entry file.
    try {
      for (let dir = path.dirname(require.resolve(name)); dir !== path.dirname(dir); dir = path.dirname(dir)) {
        const manifest = path.join(dir, 'package.json');
        if (existsSync(manifest)) {
          const json = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string; version?: string };
          if (json.name === name) return json.version ?? 'unknown';
        }
      }
    } catch {
      // not resolvable from here: counted by name
    }
    return 'unknown';
  }
}

const BUILTIN = new Set(['fs', 'path', 'os', 'url', 'crypto', 'util', 'worker_threads', 'child_process', 'stream', 'events', 'module', 'zlib', 'buffer']);
