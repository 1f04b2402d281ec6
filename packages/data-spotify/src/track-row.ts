import { parsePythonStringList, PythonLiteralError } from './python-list-literal.ts';
import { parseReleaseYear } from './release-year.ts';
import { FLOAT_FEATURES, INT8_FEATURES, TRACKS_CSV_COLUMNS } from './tracks-schema.ts';

/**
 * The rules a tracks.csv row must meet, on its fields as text: the reference the byte-level fast path
 * in tracks-batch.ts follows, and the path for every row that fast path leaves alone (rejected rows,
 * Python escapes, unusual number forms), so both accept the same rows with the same values and word
 * rejections the same way.
 */

/** Why a row was rejected: a short kind (for the summary counts) and the full reason (for rejects.csv). */
export interface RowRejection {
  kind: string;
  reason: string;
}

/** A row that passed, its values as stored in tracks.arrow. */
export interface TrackRow {
  id: string;
  name: string;
  artists: string[];
  idArtists: string[];
  releaseDate: string;
  releaseYear: number;
  popularity: number;
  durationMs: number;
  explicit: 0 | 1;
  floats: number[];
  int8s: number[];
}

/** Field index of each tracks.csv column. */
export const COLUMN = Object.fromEntries(TRACKS_CSV_COLUMNS.map((name, i) => [name, i])) as Record<(typeof TRACKS_CSV_COLUMNS)[number], number>;

/** A number from CSV text; empty or non-numeric text gives NaN (plain `Number('')` would give 0). */
function toNumber(text: string): number {
  return text.length === 0 ? NaN : Number(text);
}

function bad(kind: string, reason: string): RowRejection {
  return { kind, reason };
}

/** Checks a row completely; `fields` has at least the 20 tracks.csv columns. */
export function checkTrackRow(fields: string[]): TrackRow | RowRejection {
  const id = fields[COLUMN.id];
  if (id.length === 0) return bad('missing id', 'id is empty');

  const popularity = toNumber(fields[COLUMN.popularity]);
  if (Number.isNaN(popularity)) return bad('bad popularity', `popularity ${JSON.stringify(fields[COLUMN.popularity])} is not a number`);
  if (popularity < 0 || popularity > 100) return bad('bad popularity', `popularity ${popularity} is outside 0–100`);

  const releaseDate = fields[COLUMN.release_date];
  const releaseYear = parseReleaseYear(releaseDate);
  if (releaseYear === null) {
    return bad('bad release_date', `release_date ${JSON.stringify(releaseDate)} is not YYYY, YYYY-MM or YYYY-MM-DD`);
  }

  const durationMs = toNumber(fields[COLUMN.duration_ms]);
  if (!Number.isInteger(durationMs) || durationMs < 0 || durationMs > 2 ** 31 - 1) {
    return bad('bad duration_ms', `duration_ms ${JSON.stringify(fields[COLUMN.duration_ms])} is not a whole number of milliseconds`);
  }

  const explicitText = fields[COLUMN.explicit];
  const explicit = explicitText === '1' || explicitText === 'True' ? 1 : explicitText === '0' || explicitText === 'False' ? 0 : -1;
  if (explicit === -1) return bad('bad explicit', `explicit ${JSON.stringify(explicitText)} is not 0 or 1`);

  const floats: number[] = [];
  for (const name of FLOAT_FEATURES) {
    const value = toNumber(fields[COLUMN[name]]);
    if (!Number.isFinite(value)) return bad(`bad ${name}`, `${name} ${JSON.stringify(fields[COLUMN[name]])} is not a number`);
    floats.push(value);
  }
  const int8s: number[] = [];
  for (const name of INT8_FEATURES) {
    const value = toNumber(fields[COLUMN[name]]);
    if (!Number.isInteger(value) || value < -128 || value > 127) {
      return bad(`bad ${name}`, `${name} ${JSON.stringify(fields[COLUMN[name]])} is not a small whole number`);
    }
    int8s.push(value);
  }

  let artists: string[];
  let idArtists: string[];
  try {
    artists = parsePythonStringList(fields[COLUMN.artists]);
  } catch (error) {
    if (!(error instanceof PythonLiteralError)) throw error;
    return bad('bad artists', `artists ${JSON.stringify(fields[COLUMN.artists])} is not a Python list of strings (${error.message})`);
  }
  try {
    idArtists = parsePythonStringList(fields[COLUMN.id_artists]);
  } catch (error) {
    if (!(error instanceof PythonLiteralError)) throw error;
    return bad('bad id_artists', `id_artists ${JSON.stringify(fields[COLUMN.id_artists])} is not a Python list of strings (${error.message})`);
  }

  return { id, name: fields[COLUMN.name], artists, idArtists, releaseDate, releaseYear, popularity, durationMs, explicit, floats, int8s };
}

export function isRejection(result: TrackRow | RowRejection): result is RowRejection {
  return 'reason' in result;
}
