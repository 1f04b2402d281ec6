import { promises as fs, type Dirent } from 'node:fs';
import path from 'node:path';
import { HitcastError } from '@hitcast/core';
import { DATA_ROOT_ENV, DATA_ROOT_LAYOUT } from '@hitcast/core/stage';

/** How to get the spectrograms where the stage looks, for the errors below. */
export const SPECTROGRAM_SOURCE_FIX =
  `run \`npx hitcast fetch spectrograms\` with ${DATA_ROOT_ENV} set (it downloads to $${DATA_ROOT_ENV}/${DATA_ROOT_LAYOUT.spectrogramFolder}, ` +
  `where this stage reads), or check ${DATA_ROOT_ENV} / src in packages/data-spectrogram/params.json`;

export interface ListPngOptions {
  /**
   * Called for a link to a folder that is already being walked above it (a link cycle, found by real path).
   * The walk does not enter it: every file below it is listed once already, under the folder it leads back to.
   */
  onLinkCycle?: (link: string, target: string) => void;
}

/**
 * Every `.png` below `root`, as sorted paths relative to it (forward slashes), so runs are deterministic.
 * Symbolic links to files and to folders are followed (users keep the data on other disks and link it in);
 * a link leading back into a folder being walked is skipped (see onLinkCycle), and a dangling link is an
 * error naming it: skipping it would silently train on less data whenever a disk is not mounted.
 */
export async function listPngFiles(root: string, options: ListPngOptions = {}): Promise<string[]> {
  const found: string[] = [];
  const relative = (full: string) => path.relative(root, full).split(path.sep).join('/');

  async function walk(dir: string, realDir: string, ancestors: string[]): Promise<void> {
    const entries: Dirent[] = await fs.readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      let isDirectory = entry.isDirectory();
      let isFile = entry.isFile();
      let real = path.join(realDir, entry.name);
      if (entry.isSymbolicLink()) {
        const target = await followLink(root, full, relative(full));
        if (!target) continue;
        ({ isDirectory, isFile, real } = target);
        if (isDirectory && ancestors.includes(real)) {
          options.onLinkCycle?.(relative(full), real);
          continue;
        }
      }
      if (isDirectory) await walk(full, real, [...ancestors, real]);
      else if (isFile && entry.name.toLowerCase().endsWith('.png')) found.push(relative(full));
    }
  }

  const realRoot = await fs.realpath(root).catch(async (error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
    const link = await fs.lstat(root).catch(() => undefined);
    if (link?.isSymbolicLink()) throw danglingLink(root, root, await fs.readlink(root));
    throw new HitcastError(`spectrogram folder ${root} does not exist`, { fix: SPECTROGRAM_SOURCE_FIX });
  });
  const rootStat = await fs.stat(realRoot);
  if (!rootStat.isDirectory()) {
    throw new HitcastError(`spectrogram folder ${root} is a file, not a folder`, { fix: `point src at the folder of year folders; ${SPECTROGRAM_SOURCE_FIX}` });
  }
  await walk(root, realRoot, [realRoot]);
  return found.sort();
}

/** What a symbolic link leads to, or an error when it leads nowhere; undefined for anything but a file or folder. */
async function followLink(root: string, link: string, shown: string): Promise<{ isDirectory: boolean; isFile: boolean; real: string } | undefined> {
  try {
    const stat = await fs.stat(link);
    if (!stat.isDirectory() && !stat.isFile()) return undefined;
    return { isDirectory: stat.isDirectory(), isFile: stat.isFile(), real: await fs.realpath(link) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ELOOP' || code === 'ENOTDIR') throw danglingLink(root, shown, await fs.readlink(link).catch(() => '?'), code === 'ELOOP');
    throw error;
  }
}

function danglingLink(root: string, shown: string, target: string, loops = false): HitcastError {
  const where = shown === root ? `spectrogram folder ${root} is a symbolic link` : `${shown} in spectrogram folder ${root} is a symbolic link`;
  return new HitcastError(`${where} to ${target}, which ${loops ? 'only leads to links in a loop' : 'does not exist'}`, {
    fix: 'mount the disk or copy the data it points to, point it at the right place (ln -sfn TARGET LINK), or delete the link if that data is not wanted',
  });
}
