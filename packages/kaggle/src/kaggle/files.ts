import { promises as fs } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '@hitcast/core/atomic';
import { fingerprintFile } from '@hitcast/core/file-hash';

/** The marker `fetchKaggleDataset` leaves in the destination after a complete, verified download. */
export const KAGGLE_MARKER_FILE = '.hitcast-kaggle.json';

export interface KaggleMarkerFile {
  /** Relative to the destination, `/`-separated. */
  path: string;
  bytes: number;
  sha256: string;
}

export interface KaggleMarker {
  format: 'hitcast-kaggle-download';
  version: 1;
  slug: string;
  downloadedAt: string;
  /** The expected-file patterns the download was checked against. */
  expected: string[];
  files: KaggleMarkerFile[];
}

function segmentRegex(segment: string): RegExp {
  const escaped = segment.replace(/[.+^${}()|[\]\\?]/g, '\\$&').replace(/\*/g, '[^/]*');
  return new RegExp(`^${escaped}$`);
}

export function isPattern(expected: string): boolean {
  return expected.includes('*');
}

/** Does a relative `/` path match an expected entry (`*` matches within one path segment)? */
export function matchesExpected(relPath: string, expected: string): boolean {
  const parts = relPath.split('/');
  const wanted = expected.split('/');
  return parts.length === wanted.length && wanted.every((w, i) => segmentRegex(w).test(parts[i]!));
}

/**
 * The files under `dir` that an expected entry names: the file itself for a plain path, every match for a
 * pattern. Walks only the folders the pattern allows (never the whole tree). Sorted, `/`-separated.
 */
export async function findExpected(dir: string, expected: string): Promise<string[]> {
  const segments = expected.split('/').filter((s) => s.length > 0);
  let found: string[] = [''];
  for (const [index, segment] of segments.entries()) {
    const last = index === segments.length - 1;
    const next: string[] = [];
    for (const prefix of found) {
      const here = path.join(dir, ...prefix.split('/').filter(Boolean));
      if (!isPattern(segment)) {
        const candidate = path.join(here, segment);
        const stat = await fs.stat(candidate).catch(() => undefined);
        if (stat && (last ? stat.isFile() : stat.isDirectory())) next.push(prefix ? `${prefix}/${segment}` : segment);
        continue;
      }
      const entries = await fs.readdir(here, { withFileTypes: true }).catch(() => []);
      const regex = segmentRegex(segment);
      for (const entry of entries) {
        if (!regex.test(entry.name)) continue;
        if (last ? !entry.isFile() : !entry.isDirectory()) continue;
        next.push(prefix ? `${prefix}/${entry.name}` : entry.name);
      }
    }
    found = next;
    if (found.length === 0) break;
  }
  return found.sort();
}

/** Per expected entry, what satisfies it; entries with nothing are the missing ones. */
export async function locateExpected(dir: string, expected: string[]): Promise<{ files: string[]; missing: string[] }> {
  const files = new Set<string>();
  const missing: string[] = [];
  for (const entry of expected) {
    const matches = await findExpected(dir, entry);
    if (matches.length === 0) missing.push(entry);
    for (const m of matches) files.add(m);
  }
  return { files: [...files].sort(), missing };
}

/** Runs `fn` over `items`, at most `limit` at a time, keeping order. */
async function mapLimited<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  });
  await Promise.all(workers);
  return results;
}

export async function writeKaggleMarker(dir: string, slug: string, expected: string[], files: string[]): Promise<KaggleMarker> {
  const fingerprints = await mapLimited(files, 4, async (rel) => {
    const { bytes, sha256 } = await fingerprintFile(path.join(dir, ...rel.split('/')));
    return { path: rel, bytes, sha256 };
  });
  const marker: KaggleMarker = {
    format: 'hitcast-kaggle-download',
    version: 1,
    slug,
    downloadedAt: new Date().toISOString(),
    expected,
    files: fingerprints,
  };
  await writeFileAtomic(path.join(dir, KAGGLE_MARKER_FILE), `${JSON.stringify(marker, null, 2)}\n`);
  return marker;
}

export async function readKaggleMarker(dir: string): Promise<KaggleMarker | undefined> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await fs.readFile(path.join(dir, KAGGLE_MARKER_FILE), 'utf8'));
  } catch {
    return undefined;
  }
  const m = parsed as Partial<KaggleMarker> | null;
  if (!m || m.format !== 'hitcast-kaggle-download' || m.version !== 1 || typeof m.slug !== 'string') return undefined;
  if (!Array.isArray(m.files) || !Array.isArray(m.expected)) return undefined;
  const filesOk = m.files.every(
    (f) => f && typeof f.path === 'string' && typeof f.bytes === 'number' && typeof f.sha256 === 'string',
  );
  return filesOk ? (m as KaggleMarker) : undefined;
}

/**
 * The cheap check behind skipping: same slug, same expectations, every expected entry covered by a recorded
 * file, and every recorded file still there with its recorded size. (Hashes are recorded for people and
 * later stages; re-hashing gigabytes on every run would defeat the point of the marker.)
 */
export async function markerStillValid(dir: string, marker: KaggleMarker, slug: string, expected: string[]): Promise<boolean> {
  if (marker.slug !== slug) return false;
  if (marker.expected.length !== expected.length || marker.expected.some((e, i) => e !== expected[i])) return false;
  if (!expected.every((e) => marker.files.some((f) => matchesExpected(f.path, e)))) return false;
  for (const file of marker.files) {
    const stat = await fs.stat(path.join(dir, ...file.path.split('/'))).catch(() => undefined);
    if (!stat || !stat.isFile() || stat.size !== file.bytes) return false;
  }
  return true;
}
