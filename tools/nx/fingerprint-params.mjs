#!/usr/bin/env node
// Nx runtime input: prints a fingerprint of the data files a stage's params.json points at, so that
// Nx re-runs the stage when the data changes even though the data lives outside the package
// (e.g. a full Kaggle download). Files are hashed by content; folders by their listing (path + size),
// since hashing thousands of large PNGs on every Nx invocation would be too slow (the stage itself
// tracks file contents). Usage: node tools/nx/fingerprint-params.mjs packages/<stage>/params.json
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

function listing(dir) {
  const entries = [];
  const walk = (folder) => {
    for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) entries.push(`${path.relative(dir, full)}\t${statSync(full).size}`);
    }
  };
  walk(dir);
  return entries.join('\n');
}

const params = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const hash = createHash('sha256');
for (const [key, value] of Object.entries(params).sort()) {
  if (typeof value !== 'string' || key.startsWith('$')) continue;
  let stat;
  try {
    stat = statSync(value);
  } catch {
    continue; // not a path (or missing: the stage will say so)
  }
  hash.update(`${key}=${value}\n`);
  hash.update(stat.isDirectory() ? listing(value) : readFileSync(value));
}
console.log(hash.digest('hex'));
