import { describe, expect, it } from 'vitest';
import { parseReleaseYear, releaseYearOfBytes } from '../src/release-year.ts';

const ofBytes = (text: string) => {
  const bytes = Buffer.from(`,${text},`, 'utf8');
  return releaseYearOfBytes(bytes, 1, bytes.length - 1);
};

describe('releaseYearOfBytes', () => {
  it('gives parseReleaseYear for every plain date, and leaves only years 0–99 with a day to it', () => {
    const years = [0, 4, 99, 100, 1599, 1600, 1899, 1900, 1904, 1921, 1999, 2000, 2020, 2021, 2100, 9999];
    const pad = (value: number, width: number) => String(value).padStart(width, '0');
    for (const year of years) {
      expect(ofBytes(pad(year, 4))).toBe(parseReleaseYear(pad(year, 4)));
      for (let month = 0; month <= 13; month++) {
        const yearMonth = `${pad(year, 4)}-${pad(month, 2)}`;
        expect(ofBytes(yearMonth), yearMonth).toBe(parseReleaseYear(yearMonth) ?? -1);
        for (let day = 0; day <= 32; day++) {
          const date = `${yearMonth}-${pad(day, 2)}`;
          expect(ofBytes(date), date).toBe(year < 100 ? -1 : (parseReleaseYear(date) ?? -1));
        }
      }
    }
  });

  it.each(['', '99', ' 2001', '2001 ', '2020/01/01', '2020-1-1', '2020-01-01T00', 'unknown', '２０２０'])('leaves %j to parseReleaseYear', (text) =>
    expect(ofBytes(text)).toBe(-1),
  );
});
