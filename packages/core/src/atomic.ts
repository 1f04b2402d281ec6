import { randomBytes } from 'node:crypto';
import { promises as fs, type Dirent } from 'node:fs';
import path from 'node:path';

/**
 * A temporary path next to `destination` (same folder, so rename is atomic on one file system).
 * The leading dot and `.tmp` suffix keep it out of globs and out of the Nx outputs people look at.
 */
export function temporaryPathFor(destination: string): string {
  const dir = path.dirname(destination);
  const base = path.basename(destination);
  return path.join(dir, `.${base}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/**
 * Runs `write(tmpPath)` and, only if it succeeds, moves the result onto `destination` in one rename.
 * A crash or error at any point leaves `destination` as it was (absent or the previous version).
 */
export async function withAtomicFile<T>(destination: string, write: (tmpPath: string) => Promise<T>): Promise<T> {
  await fs.mkdir(path.dirname(destination), { recursive: true });
  const tmp = temporaryPathFor(destination);
  try {
    const result = await write(tmp);
    const handle = await fs.open(tmp, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, destination);
    return result;
  } catch (error) {
    await fs.rm(tmp, { force: true });
    throw error;
  }
}

/**
 * Names of what an atomic write leaves behind when its process is killed: `withAtomicFile`'s and
 * `saveCheckpoint`'s `.<name>.<pid>.<hex>.tmp`, and `saveModel`'s `.<name>.tmp-<pid>-<hex>` and
 * `.<name>.old-<pid>-<hex>`.
 */
const LEFTOVER = /^\..+(\.\d+\.[0-9a-f]{8}\.tmp|\.(tmp|old)-\d+-[0-9a-f]{8})$/;

export function isAtomicLeftover(name: string): boolean {
  return LEFTOVER.test(name);
}

/**
 * Removes what atomic writes of a killed run left behind (see isAtomicLeftover) in `dir` and in its
 * folders up to `levels` below it (a stage's `<out>/<run>/checkpoint`, `<out>/<run>/model`, …), so that it
 * cannot end up beside the next run's outputs, nor in the cache entry stored from them. Only for a folder
 * that no other process is writing. Returns the paths removed.
 */
export async function removeAtomicLeftovers(dir: string, levels = 3): Promise<string[]> {
  let entries: Dirent[];
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
    throw error;
  }
  const removed: string[] = [];
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (isAtomicLeftover(entry.name)) {
      await fs.rm(full, { recursive: true, force: true });
      removed.push(full);
    } else if (entry.isDirectory() && levels > 0) {
      removed.push(...(await removeAtomicLeftovers(full, levels - 1)));
    }
  }
  return removed;
}

export async function writeFileAtomic(destination: string, data: string | Uint8Array): Promise<void> {
  await withAtomicFile(destination, (tmp) => fs.writeFile(tmp, data));
}
