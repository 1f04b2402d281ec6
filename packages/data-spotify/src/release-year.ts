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
