import { describe, expect, it } from 'vitest';
import { parseReleaseYear } from '../src/release-year.ts';

describe('parseReleaseYear', () => {
  it.each([
    ['1928', 1928],
    ['1999-07', 1999],
    ['2020-02-29', 2020],
    ['1921-01-01', 1921],
  ])('%s → %d', (text, year) => expect(parseReleaseYear(text)).toBe(year));

  it.each(['', '99', '2019-13', '2019-02-29', '2020-04-31', '2020/01/01', '2020-1-1', 'unknown'])('refuses %j', (text) =>
    expect(parseReleaseYear(text)).toBeNull(),
  );
});
