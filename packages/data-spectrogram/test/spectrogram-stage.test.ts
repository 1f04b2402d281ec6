import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readArtifact } from '@hitcast/core';
import { convertTracksCsv, TRACKS_CSV_COLUMNS } from '@hitcast/data-spotify';
import { buildMergedDataset, songsSpec, TEXT_SPEC, type SpectrogramStageOptions } from '../src/index.ts';
import { decodeGrayPng, encodeGrayPng } from '../src/png.ts';
import { downsampleSpectrogram } from '../src/resample/index.ts';

const WIDTH = 48;
const HEIGHT = 16;

function row(id: string, name: string, artists: string, date: string, popularity = 50): string {
  return [id, name, String(popularity), '200000', '0', artists, `"['x${id}']"`, date, '0.5', '0.6', '5', '-7', '1', '0.04', '0.1', '0', '0.1', '0.5', '120.0', '4'].join(',');
}

/** A small spectrogram-like PNG whose content depends on `seed`. */
function png(seed: number, width = 301, height = 24): Uint8Array {
  const pixels = Uint8Array.from({ length: width * height }, (_, i) => (Math.sin(i * 0.01 * seed) * 100 + 120 + ((i * seed) % 13)) & 255);
  return encodeGrayPng(pixels, width, height);
}

function write(file: string, bytes: Uint8Array | string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, bytes);
}

let tracksFile: string;
beforeAll(async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'hitcast-spec-tracks-'));
  const csv = path.join(dir, 'tracks.csv');
  write(
    csv,
    [
      TRACKS_CSV_COLUMNS.join(','),
      row('jude', 'Hey Jude', "['The Beatles']", '1968-08-26', 80),
      row('jude-remaster', 'Hey Jude - Remastered 2015', "['The Beatles']", '2015', 70),
      row('halo', 'Halo', "['Beyoncé']", '2008', 75),
      row('funk', 'Uptown Funk (feat. Bruno Mars)', `"['Mark Ronson', 'Bruno Mars']"`, '2014-11-10', 85),
      row('hello-lionel', 'Hello', "['Lionel Richie']", '1983', 60),
      row('other', 'Something Else', "['Somebody']", '1999', 20),
    ].join('\n') + '\n',
  );
  const summary = await convertTracksCsv({ csv, outDir: dir, showProgress: false });
  expect(summary.rowsRejected).toBe(0);
  tracksFile = summary.tracksFile;
});

function options(src: string, outDir: string, overrides: Partial<SpectrogramStageOptions> = {}): SpectrogramStageOptions {
  return {
    src,
    tracksFile,
    outDir,
    filePattern: '{year}/{artist}_-_{title}.png',
    width: WIDTH,
    height: HEIGHT,
    yearsBefore: 2,
    yearsAfter: 1,
    workers: 1,
    showProgress: false,
    ...overrides,
  };
}

function makeSource(): string {
  const src = mkdtempSync(path.join(tmpdir(), 'hitcast-spec-src-'));
  write(path.join(src, '1968/The_Beatles_-_Hey_Jude.png'), png(1));
  write(path.join(src, '1969/The_Beatles_-_Hey_Jude.png'), png(1)); // charted again
  write(path.join(src, '2009/Beyonce_-_Halo.png'), png(2, 333, 27));
  write(path.join(src, '2015/Mark_Ronson_featuring_Bruno_Mars_-_Uptown_Funk.png'), png(3));
  write(path.join(src, '2016/Adele_-_Hello.png'), png(4)); // title exists only by another artist
  write(path.join(src, '2001/Broken_-_File.png'), png(5).slice(0, 60)); // truncated
  write(path.join(src, 'notes/readme.png'), png(6)); // name does not fit the pattern
  return src;
}

const songsOf = async (file: string) =>
  (await readArtifact(file, songsSpec(WIDTH, HEIGHT))).toArray().map((r) => {
    const song = r.toJSON();
    return { ...song, artists: [...song.artists], spectrogram: Uint8Array.from(song.spectrogram) };
  });

describe('buildMergedDataset', () => {
  it('matches, resamples, reports and keeps merged songs out of the text set', async () => {
    const src = makeSource();
    const out = mkdtempSync(path.join(tmpdir(), 'hitcast-spec-out-'));
    const summary = await buildMergedDataset(options(src, out));
    expect(summary).toMatchObject({ files: 7, unparsableNames: 1, matched: 3, unmatched: 2, duplicates: 1, decodeFailures: 0, resampled: 3, reused: 0, songs: 3 });

    const songs = await songsOf(summary.songsFile);
    expect(songs.map((s) => [s.id, s.source_file, s.year, s.chart_year, s.popularity])).toEqual([
      ['jude', '1968/The_Beatles_-_Hey_Jude.png', 1968, 1968, 80],
      ['halo', '2009/Beyonce_-_Halo.png', 2008, 2009, 75],
      ['funk', '2015/Mark_Ronson_featuring_Bruno_Mars_-_Uptown_Funk.png', 2014, 2015, 85],
    ]);
    // The stored spectrogram is exactly the down-sampled PNG, row-major HEIGHT × WIDTH.
    const halo = decodeGrayPng(readFileSync(path.join(src, '2009/Beyonce_-_Halo.png')));
    expect(songs[1].spectrogram).toEqual(downsampleSpectrogram(halo.pixels, halo.height, halo.width, { width: WIDTH, height: HEIGHT }));

    // One line per file; the truncated file is never opened, since no Spotify track has its title.
    const report = readFileSync(summary.reportFile, 'utf8').trim().split('\n');
    expect(report[0]).toBe('file,status,detail');
    const status = Object.fromEntries(report.slice(1).map((line) => line.split(',').slice(0, 2)));
    expect(status).toMatchObject({
      '1968/The_Beatles_-_Hey_Jude.png': 'matched',
      '1969/The_Beatles_-_Hey_Jude.png': 'duplicate',
      '2001/Broken_-_File.png': 'unmatched',
      '2016/Adele_-_Hello.png': 'unmatched',
      'notes/readme.png': 'unparsable-name',
    });

    const text = (await readArtifact(summary.textFile, TEXT_SPEC)).toArray().map((r) => r.id);
    // Every version of a merged song is gone (the 2015 remaster too); the rest stays.
    expect(text).toEqual(['hello-lionel', 'other']);
    expect(summary.textRows).toBe(2);
  });

  it('reports a truncated PNG of a matched song and processes the others', async () => {
    const src = makeSource();
    write(path.join(src, '2009/Beyonce_-_Halo.png'), png(2).slice(0, 100));
    const out = mkdtempSync(path.join(tmpdir(), 'hitcast-spec-out-'));
    const summary = await buildMergedDataset(options(src, out));
    expect(summary.decodeFailures).toBe(1);
    expect((await songsOf(summary.songsFile)).map((s) => s.id)).toEqual(['jude', 'funk']);
    expect(readFileSync(summary.reportFile, 'utf8')).toMatch(/^2009\/Beyonce_-_Halo\.png,decode-error,"?not a readable PNG/m);
  });

  it('re-uses earlier results: adding one PNG resamples only that one; new parameters resample all', async () => {
    const src = makeSource();
    const out = mkdtempSync(path.join(tmpdir(), 'hitcast-spec-out-'));
    const first = await buildMergedDataset(options(src, out));
    expect(first).toMatchObject({ resampled: 3, reused: 0 });
    const before = await songsOf(first.songsFile);

    write(path.join(src, '1984/Lionel_Richie_-_Hello.png'), png(7));
    const second = await buildMergedDataset(options(src, out));
    expect(second).toMatchObject({ resampled: 1, reused: 3, songs: 4 });
    const after = await songsOf(second.songsFile);
    expect(after.filter((s) => s.id !== 'hello-lionel')).toEqual(before);

    write(path.join(src, '2009/Beyonce_-_Halo.png'), png(8)); // changed content: resampled again
    expect(await buildMergedDataset(options(src, out))).toMatchObject({ resampled: 1, reused: 3 });

    expect(await buildMergedDataset(options(src, out, { width: WIDTH + 2 }))).toMatchObject({ resampled: 4, reused: 0 });
  });
});
