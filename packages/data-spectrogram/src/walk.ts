import { promises as fs } from 'node:fs';
import path from 'node:path';
import { HitcastError } from '@hitcast/core';

/** Every `.png` below `root`, as sorted paths relative to it (forward slashes), so runs are deterministic. */
export async function listPngFiles(root: string): Promise<string[]> {
  const found: string[] = [];
  async function walk(dir: string): Promise<void> {
    let entries;
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch (error) {
      if (dir === root && (error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new HitcastError(`spectrogram folder ${root} does not exist`, {
          fix: 'download the set with `npx hitcast fetch spectrograms --dest DIR` and pass DIR/spectrograms, or use datasets/spectrograms',
        });
      }
      throw error;
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile() && entry.name.toLowerCase().endsWith('.png')) found.push(path.relative(root, full).split(path.sep).join('/'));
    }
  }
  await walk(root);
  return found.sort();
}
