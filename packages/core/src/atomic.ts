import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
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

export async function writeFileAtomic(destination: string, data: string | Uint8Array): Promise<void> {
  await withAtomicFile(destination, (tmp) => fs.writeFile(tmp, data));
}
