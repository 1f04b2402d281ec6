import type { SongFile } from '../match/matcher.ts';
import { compileFilePattern } from '../song-file-name.ts';
import { listPngFiles } from '../walk.ts';
import type { FileOutcome } from './file-report.ts';

/** Step 1: the PNG files under `src` and the song (year, artist, title) each name gives; names that do not fit the pattern are reported. */
export async function listSongFiles(src: string, filePattern: string): Promise<{ files: SongFile[]; unparsable: FileOutcome[] }> {
  const parseName = compileFilePattern(filePattern);
  const files: SongFile[] = [];
  const unparsable: FileOutcome[] = [];
  for (const relative of await listPngFiles(src)) {
    const parsed = parseName(relative);
    if (parsed) files.push(parsed);
    else unparsable.push({ file: relative, status: 'unparsable-name', detail: `does not fit the pattern ${filePattern}` });
  }
  return { files, unparsable };
}
