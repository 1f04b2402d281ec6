import { createHash } from 'node:crypto';

export type Split = 'train' | 'validation' | 'test';

export interface SplitFractions {
  validation: number;
  test: number;
}

export const DEFAULT_SPLIT: SplitFractions = { validation: 0.15, test: 0.15 };

/**
 * The split a song belongs to, from a hash of its id: the same on every machine and every run, and a
 * song keeps its split when others are added or removed (unlike a shuffled 70/15/15 cut). Every model
 * and every baseline is judged on the same test songs.
 */
export function splitOf(id: string, fractions: SplitFractions = DEFAULT_SPLIT): Split {
  const u = createHash('sha256').update(`hitcast-split|${id}`).digest().readUInt32BE(0) / 2 ** 32;
  if (u < fractions.test) return 'test';
  if (u < fractions.test + fractions.validation) return 'validation';
  return 'train';
}
