// A fingerprint of the data files a stage's parameters point at, so that Nx re-runs the stage when the
// data changes even though it lives outside the package (e.g. a full Kaggle download). Files are hashed by
// content, and so are folders up to 64 MiB (the committed samples); a larger folder by its listing
// (path + size), since hashing gigabytes of PNGs on every Nx invocation would be too slow (the stage
// itself tracks file contents by hash).
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';

const CONTENT_HASH_LIMIT = 64 * 2 ** 20;

function folderFingerprint(dir) {
  const files = [];
  // Symbolic links are followed as the spectrogram stage follows them (data kept on another disk and linked
  // in), a link back into a folder being walked is not entered (cycles, found by real path), and a dangling
  // link counts by its name alone: the stage will stop on it, and mending it changes the key.
  const walk = (folder, ancestors) => {
    for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(folder, entry.name);
      let stat = entry;
      if (entry.isSymbolicLink()) {
        try {
          stat = statSync(full);
        } catch {
          files.push({ full, size: -1 });
          continue;
        }
      }
      if (stat.isDirectory()) {
        const real = realpathSync(full);
        if (!ancestors.includes(real)) walk(full, [...ancestors, real]);
      } else if (stat.isFile()) files.push({ full, size: statSync(full).size });
    }
  };
  walk(dir, [realpathSync(dir)]);
  const byContent = files.reduce((sum, f) => sum + Math.max(0, f.size), 0) <= CONTENT_HASH_LIMIT;
  const hash = createHash('sha256');
  for (const { full, size } of files) {
    hash.update(`${path.relative(dir, full)}\t${size}\n`);
    if (byContent && size >= 0) hash.update(readFileSync(full));
  }
  return `${byContent ? 'content' : 'listing'} ${files.length} files ${hash.digest('hex')}`;
}

/** One line per string parameter that names an existing file or folder: `key path fingerprint`. */
export function dataFingerprints(params) {
  const lines = [];
  for (const [key, value] of Object.entries(params).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (typeof value !== 'string' || key.startsWith('$')) continue;
    let stat;
    try {
      stat = statSync(value);
    } catch {
      continue; // not a path (or missing: the stage will say so)
    }
    const fingerprint = stat.isDirectory() ? folderFingerprint(value) : `content ${createHash('sha256').update(readFileSync(value)).digest('hex')}`;
    lines.push(`${key} ${value} ${fingerprint}`);
  }
  return lines;
}
