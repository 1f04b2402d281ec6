import { HitcastError } from '@hitcast/core';
import type { SongFile } from '../match/matcher.ts';
import { compileFilePattern } from '../song-file-name.ts';
import { listPngFiles, SPECTROGRAM_SOURCE_FIX } from '../walk.ts';
import type { FileOutcome } from './file-report.ts';

/**
 * Step 1: the PNG files under `src` and the song (year, artist, title) each name gives; names that do not fit
 * the pattern are reported. A folder without any PNG, or whose PNGs all have names the pattern cannot read,
 * is an error: going on would write an empty merged set that only the model stages would then trip over.
 * Links that lead back into the folder being walked are skipped with a note to `log`.
 */
export async function listSongFiles(
  src: string,
  filePattern: string,
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<{ files: SongFile[]; unparsable: FileOutcome[] }> {
  const parseName = compileFilePattern(filePattern);
  const expected = filePattern.replace('{year}', '<year>').replace('{artist}', '<Artist>').replace('{title}', '<Title>');
  const onLinkCycle = (link: string, target: string) => log(`skipped the link ${link} in ${src}: it leads back to ${target}, whose files are listed already`);
  const pngs = await listPngFiles(src, { onLinkCycle });
  if (pngs.length === 0) {
    throw new HitcastError(`spectrogram folder ${src} holds no PNG file (expected ${expected} below it, as in the Kaggle archive's spectrograms/ folder)`, {
      fix: SPECTROGRAM_SOURCE_FIX,
    });
  }
  const files: SongFile[] = [];
  const unparsable: FileOutcome[] = [];
  for (const relative of pngs) {
    const parsed = parseName(relative);
    if (parsed) files.push(parsed);
    else unparsable.push({ file: relative, status: 'unparsable-name', detail: `does not fit the pattern ${filePattern}` });
  }
  if (files.length === 0) {
    const examples = unparsable.slice(0, 3).map((outcome) => outcome.file).join(', ');
    throw new HitcastError(`none of the ${unparsable.length} PNG files in ${src} is named ${expected} (e.g. ${examples})`, {
      fix: 'point src at the folder that holds the year folders (the archive\'s spectrograms/), or set filePattern in packages/data-spectrogram/params.json to how the files are named',
    });
  }
  return { files, unparsable };
}
