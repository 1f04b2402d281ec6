import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readArtifact } from '@hitcast/core';
import { convertTracksCsv, TRACKS_CSV_COLUMNS, TRACKS_SPEC } from '../src/index.ts';

const fixtures = path.join(import.meta.dirname, 'fixtures', 'realdata');
const HEADER = TRACKS_CSV_COLUMNS.join(',');

function tempDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'hitcast-tracks-'));
}

function writeCsv(lines: string[]): string {
  const file = path.join(tempDir(), 'tracks.csv');
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

/** A valid row with the given id, name, popularity, artists literal and release date. */
function row(id: string, name: string, popularity: string, artists: string, date: string): string {
  return [id, name, popularity, '201000', '0', artists, `"['x${id}']"`, date, '0.5', '0.6', '5', '-7.2', '1', '0.04', '0.1', '8.13e-06', '0.1', '0.5', '120.0', '4'].join(',');
}

async function rowsOf(file: string) {
  return (await readArtifact(file, TRACKS_SPEC)).toArray().map((r) => r.toJSON());
}

describe('convertTracksCsv', () => {
  it('reads real tracks.csv rows exactly as Python does (artists with apostrophes, commas, unicode)', async () => {
    const out = tempDir();
    const summary = await convertTracksCsv({ csv: path.join(fixtures, 'tracks_excerpt.csv'), outDir: out, showProgress: false });
    const expected = JSON.parse(readFileSync(path.join(fixtures, 'tracks_excerpt.expected.json'), 'utf8'));
    expect(summary.rowsRejected).toBe(0);
    expect(summary.ignoredColumns).toEqual(['main_artist', 'duration_min', 'hot100']);
    const rows = await rowsOf(summary.tracksFile);
    expect(rows).toHaveLength(expected.length);
    rows.forEach((r, i) => {
      const e = expected[i];
      expect([r.id, r.name, r.release_year, r.popularity]).toEqual([e.id, e.name, e.release_year, e.popularity]);
      expect([...r.artists]).toEqual(e.artists);
      expect([...r.id_artists]).toEqual(e.id_artists);
      // Stored as Float32: exactly Python's double rounded to single precision.
      for (const feature of ['danceability', 'instrumentalness', 'tempo']) expect(r[feature]).toBe(Math.fround(e[feature]));
    });
    // The original project's comma split would have broken these; check a few by name.
    const byName = new Map(rows.map((r) => [r.name, [...r.artists]]));
    expect([...byName.values()].some((a) => a.some((n: string) => n.includes("'")))).toBe(true);
  });

  it('keeps multi-line and empty names, year-only and year-month dates, and batches across boundaries', async () => {
    const csv = writeCsv([
      HEADER,
      row('a1', '"Two\nlines"', '12', `"['A, B & C', ""Guns N' Roses""]"`, '1999'),
      row('a2', '', '0', "['MØ']", '1975-06'),
      row('a3', 'Ｆｕｌｌ ｗｉｄｔｈ ไทย', '100', "['Beyoncé']", '2020-02-29'),
    ]);
    const summary = await convertTracksCsv({ csv, outDir: tempDir(), batchRows: 2, showProgress: false });
    const rows = await rowsOf(summary.tracksFile);
    expect(rows.map((r) => [r.id, r.name, [...r.artists], r.release_year, r.popularity, r.source_line])).toEqual([
      ['a1', 'Two\nlines', ['A, B & C', "Guns N' Roses"], 1999, 12, 2],
      ['a2', '', ['MØ'], 1975, 0, 4],
      ['a3', 'Ｆｕｌｌ ｗｉｄｔｈ ไทย', ['Beyoncé'], 2020, 100, 5],
    ]);
    expect(rows[0].explicit).toBe(false);
    expect(rows[0].instrumentalness).toBeCloseTo(8.13e-6, 12);
  });

  it('sends every unusable row to rejects.csv with line, id and reason, and keeps the rest', async () => {
    const csv = writeCsv([
      HEADER,
      row('ok1', 'Fine', '50', "['A']", '2001-01-01'),
      row('p1', 'Bad pop', 'n/a', "['A']", '2001'),
      row('p2', 'Too popular', '130', "['A']", '2001'),
      row('d1', 'Bad date', '5', "['A']", '2001-13-01'),
      row('a1', 'Bad artists', '5', '"A, B"', '2001'),
      'short,row,only',
      row('e1', 'Empty number', '5', "['A']", '2001').replace(',0.5,0.6,', ',,0.6,'),
      row('ok2', 'Also fine', '7', "['B']", '1930'),
    ]);
    const out = tempDir();
    const summary = await convertTracksCsv({ csv, outDir: out, showProgress: false });
    expect(summary).toMatchObject({ rowsRead: 8, rowsWritten: 2, rowsRejected: 6 });
    expect(summary.rejectsByKind).toEqual({
      'bad popularity': 2,
      'bad release_date': 1,
      'bad artists': 1,
      'wrong field count': 1,
      'bad danceability': 1,
    });
    expect((await rowsOf(summary.tracksFile)).map((r) => r.id)).toEqual(['ok1', 'ok2']);
    const rejects = readFileSync(path.join(out, 'rejects.csv'), 'utf8').trim().split('\n');
    expect(rejects[0]).toBe('line,id,reason');
    expect(rejects.slice(1)).toEqual([
      '3,p1,"popularity ""n/a"" is not a number"',
      '4,p2,popularity 130 is outside 0–100',
      '5,d1,"release_date ""2001-13-01"" is not YYYY, YYYY-MM or YYYY-MM-DD"',
      expect.stringMatching(/^6,a1,"artists ""A, B"" is not a Python list of strings/),
      '7,short,"expected 20 fields, found 3"',
      '8,e1,"danceability """" is not a number"',
    ]);
  });

  it('fails at once on a file that is not the tracks.csv layout, writing nothing', async () => {
    const csv = writeCsv(['id,name,popularity,artists', '1,a,2,[]']);
    const out = tempDir();
    await expect(convertTracksCsv({ csv, outDir: out, showProgress: false })).rejects.toThrow(
      /line 1 is not the header of the Kaggle tracks\.csv: column 4 is "artists", expected "duration_ms"/,
    );
    expect(readdirSync(out)).toEqual([]);
  });

  it('explains a missing file', async () => {
    await expect(convertTracksCsv({ csv: '/nonexistent/tracks.csv', outDir: tempDir() })).rejects.toThrow(/does not exist/);
  });

  it('leaves the previous artifact untouched when a new run fails midway', async () => {
    const out = tempDir();
    const good = writeCsv([HEADER, row('ok1', 'Fine', '50', "['A']", '2001')]);
    await convertTracksCsv({ csv: good, outDir: out, showProgress: false });
    const before = readFileSync(path.join(out, 'tracks.arrow'));
    const broken = writeCsv([HEADER, row('ok2', 'x', '1', "['A']", '2001'), '3,"never closed', ...Array(5).fill('x')]);
    await expect(convertTracksCsv({ csv: broken, outDir: out, showProgress: false })).rejects.toThrow(/never closed/);
    expect(readFileSync(path.join(out, 'tracks.arrow'))).toEqual(before);
    expect(readdirSync(out).sort()).toEqual(['rejects.csv', 'tracks.arrow']);
    expect(existsSync(path.join(out, 'manifest.json'))).toBe(false);
  });
});
