import { HitcastError } from '@hitcast/core';
import type { SongFile } from './match/matcher.ts';

/**
 * Reads artist, title and chart year from a spectrogram's path relative to the dataset folder.
 * The Kaggle set names files `<year>/<Artist_Name>_-_<Song_Title>.png`, spaces written as underscores;
 * the pattern is a stage parameter with the placeholders {year}, {artist} and {title}.
 */
export const DEFAULT_FILE_PATTERN = '{year}/{artist}_-_{title}.png';

export function compileFilePattern(pattern: string): (relativePath: string) => SongFile | null {
  for (const placeholder of ['{year}', '{artist}', '{title}']) {
    if (!pattern.includes(placeholder)) {
      throw new HitcastError(`file name pattern "${pattern}" lacks ${placeholder}`, {
        fix: `use placeholders {year}, {artist} and {title}, e.g. "${DEFAULT_FILE_PATTERN}"`,
      });
    }
  }
  const order: string[] = [];
  const source = pattern
    .split(/(\{year\}|\{artist\}|\{title\})/)
    .map((part) => {
      if (part === '{year}') return order.push('year'), '(\\d{4})';
      if (part === '{artist}') return order.push('artist'), '(.+?)';
      if (part === '{title}') return order.push('title'), '(.+)';
      return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  const regex = new RegExp(`^${source}$`, 'u');
  return (relativePath: string) => {
    const match = regex.exec(relativePath.split('\\').join('/'));
    if (!match) return null;
    const value = (name: string) => match[order.indexOf(name) + 1];
    const words = (text: string) => text.replace(/_/g, ' ').replace(/\s+/g, ' ').trim();
    const artist = words(value('artist'));
    const title = words(value('title'));
    if (!artist || !title) return null;
    return { path: relativePath, chartYear: Number(value('year')), artist, title };
  };
}
