/**
 * The year of a tracks.csv release_date, which comes as `YYYY-MM-DD`, `YYYY-MM` or `YYYY`
 * (Spotify only knows the year for many old releases). Returns null when the text is none of these
 * or names an impossible month/day.
 */
export function parseReleaseYear(text: string): number | null {
  const match = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(text.trim());
  if (!match) return null;
  const year = Number(match[1]);
  if (match[2] !== undefined) {
    const month = Number(match[2]);
    if (month < 1 || month > 12) return null;
    if (match[3] !== undefined) {
      const day = Number(match[3]);
      const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
      if (day < 1 || day > daysInMonth) return null;
    }
  }
  return year;
}

const ZERO = 48;
const DASH = 45;

/** A two- or four-digit number at `at`, or -1. */
function digitsAt(bytes: Uint8Array, at: number, count: number): number {
  let value = 0;
  for (let k = at; k < at + count; k++) {
    const digit = bytes[k] - ZERO;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * `parseReleaseYear` on the bytes of an untrimmed, valid date (the form nearly every row has); -1 for
 * anything else, which the caller then hands to `parseReleaseYear` for the exact verdict.
 */
export function releaseYearOfBytes(bytes: Uint8Array, start: number, end: number): number {
  const length = end - start;
  if (length !== 4 && length !== 7 && length !== 10) return -1;
  const year = digitsAt(bytes, start, 4);
  if (year < 0 || length === 4) return year;
  if (bytes[start + 4] !== DASH) return -1;
  const month = digitsAt(bytes, start + 5, 2);
  if (month < 1 || month > 12) return -1;
  if (length === 7) return year;
  // Date.UTC reads years 0–99 as 1900–1999, which parseReleaseYear inherits; leave those to it.
  if (bytes[start + 7] !== DASH || year < 100) return -1;
  const day = digitsAt(bytes, start + 8, 2);
  const days = month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1];
  return day >= 1 && day <= days ? year : -1;
}
