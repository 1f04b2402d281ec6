/**
 * The synthetic tracks.csv generator: exact layout and text forms, determinism, popularity that
 * looks and behaves like the real column, and the committed sample staying in sync with the code.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { csvField, pythonFloat, pythonListRepr, pythonStrRepr } from '../synth/pandas-format.ts';
import { etaSquared, mean, pearson, summarisePopularity } from '../synth/stats.ts';
import { sampleCommand, sampleReadme, TracksReport } from '../synth/tracks-report.ts';
import {
  latentPopularityEffect,
  songLatents,
  titleEffect,
  TRACKS_HEADER,
  TracksGenerator,
  type TrackRecord,
} from '../synth/tracks.ts';
import { tracksCsvText, writeTracksCsv } from '../synth/write-tracks.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SAMPLE = { rows: 4000, seed: '1921', out: 'datasets/spotify/tracks.csv', readme: 'datasets/spotify/README.md' };
const REAL_HEADER =
  'id,name,popularity,duration_ms,explicit,artists,id_artists,release_date,danceability,energy,key,loudness,mode,speechiness,acousticness,instrumentalness,liveness,valence,tempo,time_signature';

const scratch = mkdtempSync(path.join(tmpdir(), 'synth-tracks-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

// ---------------------------------------------------------------------------------------------
// Minimal readers, written here on purpose: the product's parser (packages/data-spotify) is
// tested separately and must not be what checks the generator.

/** RFC 4180 reader: quoted fields may hold commas, doubled quotes and newlines. */
function readCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}

/** Reads a Python list-of-str repr such as `['A', "B's", 'C \'x\'']`. */
function readPythonList(text: string): string[] {
  if (!text.startsWith('[') || !text.endsWith(']')) throw new Error(`not a list: ${text}`);
  const items: string[] = [];
  let i = 1;
  while (i < text.length - 1) {
    const quote = text[i];
    if (quote !== "'" && quote !== '"') throw new Error(`bad item start at ${i}: ${text}`);
    let item = '';
    i++;
    while (text[i] !== quote) {
      if (text[i] === '\\') {
        const next = text[i + 1];
        item += next === 'n' ? '\n' : next === 't' ? '\t' : next;
        i += 2;
      } else item += text[i++];
      if (i >= text.length) throw new Error(`unterminated item: ${text}`);
    }
    items.push(item);
    i++;
    if (text.startsWith(', ', i)) i += 2;
    else if (i !== text.length - 1) throw new Error(`bad separator at ${i}: ${text}`);
  }
  return items;
}

function generate(rows: number, seed: string): TrackRecord[] {
  const generator = new TracksGenerator(seed);
  return Array.from({ length: rows }, (_, i) => generator.track(i));
}

// ---------------------------------------------------------------------------------------------

describe('pandas / Python text forms', () => {
  it('writes floats as Python repr does', () => {
    const cases: Array<[number, string]> = [
      [0, '0.0'], [0.588, '0.588'], [8.13e-6, '8.13e-06'], [1e-5, '1e-05'], [1.59e-5, '1.59e-05'],
      [0.0001, '0.0001'], [0.00015, '0.00015'], [114.906, '114.906'], [-3.973, '-3.973'], [2, '2.0'],
      [-60, '-60.0'], [1e16, '1e+16'], [123456789012345.6, '123456789012345.6'], [0.1 + 0.2, '0.30000000000000004'],
    ];
    for (const [x, text] of cases) expect(pythonFloat(x), String(x)).toBe(text);
  });

  it('writes strings and lists as Python repr does, and quotes CSV fields minimally', () => {
    expect(pythonStrRepr('Lady Gaga')).toBe("'Lady Gaga'");
    expect(pythonStrRepr("Guns N' Roses")).toBe(`"Guns N' Roses"`);
    expect(pythonStrRepr('Gotay "El Autentiko"')).toBe(`'Gotay "El Autentiko"'`);
    expect(pythonStrRepr(`Jok'air "X"`)).toBe(`'Jok\\'air "X"'`);
    expect(pythonStrRepr('a\\b\nc')).toBe(`'a\\\\b\\nc'`);
    expect(pythonStrRepr('MØ Beyoncé 星野')).toBe("'MØ Beyoncé 星野'");
    expect(pythonStrRepr('no\u00a0break')).toBe("'no\\xa0break'");
    expect(pythonListRepr(["John O'Callaghan", 'John Askew'])).toBe(`["John O'Callaghan", 'John Askew']`);
    expect(csvField(pythonListRepr(["John O'Callaghan", 'John Askew']))).toBe(`"[""John O'Callaghan"", 'John Askew']"`);
    expect(csvField("['Lady Gaga']")).toBe("['Lady Gaga']");
    expect(csvField('Moongil Kaadugalae (From "Samurai")')).toBe('"Moongil Kaadugalae (From ""Samurai"")"');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
  });

  // Cross-check against real rows where the real-data notes exist (not part of the repository).
  const realDir = path.resolve(import.meta.dirname, '../../../shared/realdata/hidden-hits');
  it.skipIf(!existsSync(realDir))('reproduces the artists / id_artists text of every real row', () => {
    let checked = 0;
    for (const file of readdirSync(realDir).filter((f) => f.endsWith('.csv'))) {
      const [header, ...rows] = readCsv(readFileSync(path.join(realDir, file), 'utf8').replace(/\r\n/g, '\n'));
      const a = header.indexOf('artists');
      const ids = header.indexOf('id_artists');
      for (const row of rows) {
        expect(pythonListRepr(readPythonList(row[a]))).toBe(row[a]);
        expect(pythonListRepr(readPythonList(row[ids]))).toBe(row[ids]);
        for (const col of ['danceability', 'energy', 'speechiness', 'acousticness', 'instrumentalness', 'valence', 'tempo']) {
          const text = row[header.indexOf(col)];
          expect(pythonFloat(Number(text))).toBe(text);
        }
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });
});

describe('generator determinism', () => {
  it('writes byte-identical files for the same seed and rows, and a prefix for fewer rows', async () => {
    const a = path.join(scratch, 'a.csv');
    const b = path.join(scratch, 'b.csv');
    const short = path.join(scratch, 'short.csv');
    await writeTracksCsv(a, { rows: 3000, seed: 'det', progress: false });
    await writeTracksCsv(b, { rows: 3000, seed: 'det', progress: false });
    await writeTracksCsv(short, { rows: 1000, seed: 'det', progress: false });
    const bytesA = readFileSync(a);
    expect(bytesA.equals(readFileSync(b))).toBe(true);
    expect(bytesA.toString('utf8')).toBe(tracksCsvText(3000, 'det')); // streamed == in-memory
    expect(bytesA.toString('utf8').startsWith(readFileSync(short, 'utf8'))).toBe(true);
    expect(tracksCsvText(50, 'other-seed')).not.toBe(tracksCsvText(50, 'det'));
  });

  it('computes any row alone, whatever was generated before', () => {
    const full = generate(600, 'alone');
    const fresh = new TracksGenerator('alone');
    for (const i of [599, 0, 317]) expect(fresh.track(i)).toEqual(full[i]);
  });

  it('the CLI writes the same bytes and exits 0, and rejects bad arguments with exit 2', () => {
    const out = path.join(scratch, 'cli.csv');
    const script = path.join(ROOT, 'tools/synth/make-tracks.ts');
    const stdout = execFileSync(process.execPath, ['--import', 'tsx', script, '--rows', '1500', '--seed', 'cli', '--out', out, '--quiet'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(stdout).toMatch(/wrote .*cli\.csv: 1500 rows/);
    expect(readFileSync(out, 'utf8')).toBe(tracksCsvText(1500, 'cli'));
    let status = 0;
    try {
      execFileSync(process.execPath, ['--import', 'tsx', script, '--rows', '-3', '--out', out], { cwd: ROOT, stdio: 'pipe' });
    } catch (error) {
      status = (error as { status: number }).status;
    }
    expect(status).toBe(2);
  });
});

describe('popularity (20,000 generated rows)', () => {
  const records = generate(20_000, SAMPLE.seed);
  const popularity = records.map((r) => r.popularity);
  const years = records.map((r) => r.year);

  it('has the real marginal distribution: mean, sd, quartiles, integers 0..100, a spike at 0', () => {
    const s = summarisePopularity(popularity);
    expect(Math.abs(s.mean - 27.6)).toBeLessThanOrEqual(1.5);
    expect(Math.abs(s.sd - 18.4)).toBeLessThanOrEqual(1.5);
    expect(Math.abs(s.q1 - 13)).toBeLessThanOrEqual(3);
    expect(Math.abs(s.median - 27)).toBeLessThanOrEqual(3);
    expect(Math.abs(s.q3 - 41)).toBeLessThanOrEqual(3);
    expect(popularity.every((p) => Number.isInteger(p) && p >= 0 && p <= 100)).toBe(true);
    const zeros = popularity.filter((p) => p === 0).length;
    const ones = popularity.filter((p) => p === 1).length;
    expect(zeros).toBeGreaterThan(4 * ones);
    expect(s.zeroShare).toBeGreaterThan(0.04);
    expect(s.max).toBeGreaterThanOrEqual(85);
  });

  it('grows strongly with release year, and few tracks are old', () => {
    expect(pearson(years, popularity)).toBeGreaterThan(0.4);
    const old = records.filter((r) => r.year < 1950);
    const recent = records.filter((r) => r.year >= 2015);
    expect(mean(old.map((r) => r.popularity))).toBeLessThan(10);
    expect(mean(recent.map((r) => r.popularity))).toBeGreaterThan(40);
    expect(old.length / records.length).toBeLessThan(0.06);
    expect(records.filter((r) => r.year >= 1990).length / records.length).toBeGreaterThan(0.5);
  });

  it('depends on the artist beyond the year: the artist mean explains a real share of variance', () => {
    const artist = records.map((r) => r.artistIds[0]);
    const counts = new Map<string, number>();
    for (const a of artist) counts.set(a, (counts.get(a) ?? 0) + 1);
    expect(Math.max(...counts.values())).toBeGreaterThan(50); // Zipf head: prolific artists
    expect([...counts.values()].filter((c) => c === 1).length).toBeGreaterThan(counts.size / 3); // long tail
    expect(etaSquared(popularity, artist, 3)).toBeGreaterThan(0.4);
    // Remove the year means first, so the artist effect is not just the artist's era.
    const byYear = new Map<number, number[]>();
    records.forEach((r) => byYear.set(r.year, [...(byYear.get(r.year) ?? []), r.popularity]));
    const yearMean = new Map([...byYear].map(([y, v]) => [y, mean(v)]));
    const residual = records.map((r) => r.popularity - yearMean.get(r.year)!);
    expect(etaSquared(residual, artist, 3)).toBeGreaterThan(0.25);
  });

  it('is nudged by title words and suffixes, and by the latent audio factors', () => {
    expect(titleEffect('Love Me - Live')).toBe(3 - 5);
    expect(titleEffect('Baby (feat. X)')).toBeGreaterThan(titleEffect('Baby'));
    expect(titleEffect('Kapitel 12 - Der Wald')).toBeLessThan(-5);
    const latentEffect = records.map((r) => latentPopularityEffect(r.latents));
    expect(pearson(latentEffect, popularity)).toBeGreaterThan(0.1);
    const live = records.filter((r) => / - Live$/.test(r.name)).map((r) => r.popularity - r.truth.yearEffect - r.truth.artistEffect);
    const plain = records.filter((r) => r.truth.titleEffect === 0).map((r) => r.popularity - r.truth.yearEffect - r.truth.artistEffect);
    expect(live.length).toBeGreaterThan(100);
    expect(mean(live)).toBeLessThan(mean(plain));
  });

  it('exposes latents that are a pure function of (id, year) and show in the audio columns', () => {
    for (const r of records.slice(0, 50)) expect(songLatents(r.id, r.year)).toEqual(r.latents);
    const latent = (k: 'energy' | 'rhythm' | 'tempoBpm') => records.map((r) => r.latents[k]);
    expect(pearson(latent('energy'), records.map((r) => r.energy))).toBeGreaterThan(0.6);
    expect(pearson(latent('rhythm'), records.map((r) => r.danceability))).toBeGreaterThan(0.3);
    expect(pearson(latent('tempoBpm'), records.map((r) => r.tempo))).toBeGreaterThan(0.95);
    for (const r of records) {
      for (const k of ['energy', 'rhythm', 'brightness', 'acoustic'] as const) {
        expect(r.latents[k] > 0 && r.latents[k] < 1).toBe(true);
      }
    }
  });
});

describe('committed sample datasets/spotify/tracks.csv', () => {
  const text = readFileSync(path.join(ROOT, SAMPLE.out), 'utf8');
  const [header, ...rows] = readCsv(text);
  const col = (name: string): number => header.indexOf(name);

  it('equals a fresh regeneration, and so does its README', () => {
    expect(text === tracksCsvText(SAMPLE.rows, SAMPLE.seed)).toBe(true); // not toBe: a 700 kB diff is unreadable
    const report = new TracksReport(SAMPLE.rows);
    for (const r of generate(SAMPLE.rows, SAMPLE.seed)) report.add(r);
    const readme = readFileSync(path.join(ROOT, SAMPLE.readme), 'utf8');
    expect(readme).toBe(sampleReadme(report, { seed: SAMPLE.seed, command: sampleCommand(SAMPLE) }));
    expect(readme).toMatch(/synthetic/i);
  });

  it('has the exact header, LF line endings, no BOM, and 20 well-formed fields per row', () => {
    expect(text.startsWith(`${REAL_HEADER}\n`)).toBe(true);
    expect(TRACKS_HEADER).toBe(REAL_HEADER);
    expect(text.includes('\r')).toBe(false);
    expect(text.charCodeAt(0)).not.toBe(0xfeff);
    expect(rows).toHaveLength(SAMPLE.rows);
    const ids = new Set<string>();
    const python = /^-?(\d+\.\d+|\d(\.\d+)?e[-+]\d\d)$/;
    for (const row of rows) {
      expect(row).toHaveLength(20);
      expect(row[col('id')]).toMatch(/^[0-7][0-9A-Za-z]{21}$/);
      ids.add(row[col('id')]);
      for (const c of ['popularity', 'duration_ms', 'explicit', 'key', 'mode', 'time_signature']) expect(row[col(c)]).toMatch(/^\d+$/);
      for (const c of ['danceability', 'energy', 'loudness', 'speechiness', 'acousticness', 'instrumentalness', 'liveness', 'valence', 'tempo']) {
        expect(row[col(c)]).toMatch(python);
      }
      expect(Number(row[col('loudness')])).toBeLessThan(2);
      expect(Number(row[col('tempo')])).toBeGreaterThanOrEqual(50);
      const artists = readPythonList(row[col('artists')]);
      const artistIds = readPythonList(row[col('id_artists')]);
      expect(artists.length).toBeGreaterThan(0);
      expect(artistIds).toHaveLength(artists.length);
      expect(pythonListRepr(artists)).toBe(row[col('artists')]);
      const year = Number(row[col('release_date')].slice(0, 4));
      expect(year).toBeGreaterThanOrEqual(1921);
      expect(year).toBeLessThanOrEqual(2021);
    }
    expect(ids.size).toBe(SAMPLE.rows);
  });

  it('contains every real-file quirk at least once', () => {
    const names = rows.map((r) => r[col('name')]);
    const artistLists = rows.map((r) => readPythonList(r[col('artists')]));
    const dates = rows.map((r) => r[col('release_date')]);
    // Raw text forms, exactly as in the real file.
    expect(text).toMatch(/,"\[""[^"\n]*'[^"\n]*""\]",/); // ["O'X"] alone
    expect(text).toMatch(/,"\[""[^"\n]*'[^"\n]*"", '[^'\n]*'\]",/); // ["O'X", 'Y']
    expect(text).toMatch(/,"\['[^'\n]*', '[^'\n]*'(, '[^'\n]*')*\]",/); // quoted multi-artist list
    expect(artistLists.some((l) => l.some((a) => /^[^,]+, [^,]+ & .+$/.test(a)))).toBe(true); // 'A, B & C'
    expect(artistLists.some((l) => l.length >= 3)).toBe(true);
    expect(names.some((n) => /^[^,]+, [^,]+$/.test(n))).toBe(true); // "Hey, Soul Sister"
    expect(text).toMatch(/\(From ""[^"]+""\)"/); // Moongil Kaadugalae (From ""Samurai"")
    expect(names.some((n) => n.includes('\n'))).toBe(true);
    expect(text).toMatch(/\n[0-7][0-9A-Za-z]{21},"[^"\n]+\n[^"\n]+",\d+,/); // a quoted two-line name
    expect(names.some((n) => n === '')).toBe(true);
    expect(text).toMatch(/\n[0-7][0-9A-Za-z]{21},,\d+,/);
    expect(dates.some((d) => /^\d{4}$/.test(d))).toBe(true);
    expect(dates.some((d) => /^\d{4}-\d\d$/.test(d))).toBe(true);
    expect(dates.some((d) => /^\d{4}-\d\d-\d\d$/.test(d))).toBe(true);
    const everything = [...names, ...artistLists.flat()].join('\n');
    for (const script of [/é/, /Ø/, /[řůčšž]/, /\p{Script=Greek}/u, /\p{Script=Thai}/u, /\p{Script=Han}|\p{Script=Hiragana}|\p{Script=Katakana}/u]) {
      expect(everything).toMatch(script);
    }
    expect(text).toMatch(/,0\.0,/);
    expect(text).toMatch(/,\d\.\d+e-0\d,/);
  });
});
