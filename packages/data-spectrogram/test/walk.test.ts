import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { HitcastError, readArtifact } from '@hitcast/core';
import { convertTracksCsv, TRACKS_CSV_COLUMNS } from '@hitcast/data-spotify';
import { buildMergedDataset, songsSpec } from '../src/index.ts';
import { encodeGrayPng } from '../src/png.ts';
import { listSongFiles } from '../src/steps/list-song-files.ts';
import { listPngFiles } from '../src/walk.ts';

/**
 * The spectrogram folder as users lay it out: the data on another disk, linked in file by file or folder
 * by folder. Links are followed, a link cycle ends the walk there, a dangling link is an error naming it,
 * and a folder without usable PNGs is an error rather than an empty merged set.
 */

const tmp = (prefix: string) => mkdtempSync(path.join(tmpdir(), `hitcast-walk-${prefix}-`));

function png(seed: number, width = 41, height = 12): Uint8Array {
  return encodeGrayPng(Uint8Array.from({ length: width * height }, (_, i) => (i * seed * 7 + seed) & 255), width, height);
}

function write(file: string, bytes: Uint8Array | string): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, bytes);
  return file;
}

/** "Another disk": a folder of year folders of PNGs outside the spectrogram folder. */
function otherDisk(): string {
  const disk = tmp('disk');
  write(path.join(disk, '1968/The_Beatles_-_Hey_Jude.png'), png(1));
  write(path.join(disk, '2009/Beyonce_-_Halo.png'), png(2));
  write(path.join(disk, '2009/notes.txt'), 'not a spectrogram');
  return disk;
}

async function failure(promise: Promise<unknown>): Promise<HitcastError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HitcastError);
  return error as HitcastError;
}

describe('listPngFiles follows symbolic links', () => {
  it('lists a year folder of links to PNG files on another disk', async () => {
    const disk = otherDisk();
    const src = tmp('src');
    mkdirSync(path.join(src, '1968'));
    mkdirSync(path.join(src, '2009'));
    symlinkSync(path.join(disk, '1968/The_Beatles_-_Hey_Jude.png'), path.join(src, '1968/The_Beatles_-_Hey_Jude.png'));
    symlinkSync(path.join(disk, '2009/Beyonce_-_Halo.png'), path.join(src, '2009/Beyonce_-_Halo.png'));
    symlinkSync(path.join(disk, '2009/notes.txt'), path.join(src, '2009/notes.txt'));
    expect(await listPngFiles(src)).toEqual(['1968/The_Beatles_-_Hey_Jude.png', '2009/Beyonce_-_Halo.png']);
  });

  it('lists the PNGs of a linked year folder, and of a linked spectrogram folder itself', async () => {
    const disk = otherDisk();
    const src = tmp('src');
    write(path.join(src, '1968/The_Beatles_-_Hey_Jude.png'), png(1));
    symlinkSync(path.join(disk, '2009'), path.join(src, '2009'));
    expect(await listPngFiles(src)).toEqual(['1968/The_Beatles_-_Hey_Jude.png', '2009/Beyonce_-_Halo.png']);

    const linkedRoot = path.join(tmp('root'), 'spectrograms');
    symlinkSync(disk, linkedRoot);
    expect(await listPngFiles(linkedRoot)).toEqual(['1968/The_Beatles_-_Hey_Jude.png', '2009/Beyonce_-_Halo.png']);
  });

  it('stops at a link cycle (found by real path), lists every file once and says which link it skipped', async () => {
    const src = tmp('src');
    write(path.join(src, '1968/The_Beatles_-_Hey_Jude.png'), png(1));
    symlinkSync(src, path.join(src, '1968/again')); // back to the top
    symlinkSync(path.join(src, '1968'), path.join(src, '1968/here')); // to itself
    // Two links into one real folder that is not above them are no cycle: both are walked.
    const disk = otherDisk();
    symlinkSync(path.join(disk, '2009'), path.join(src, '2009'));
    symlinkSync(path.join(disk, '2009'), path.join(src, '2010'));
    const cycles: string[] = [];
    const files = await listPngFiles(src, { onLinkCycle: (link, target) => cycles.push(`${link} -> ${target}`) });
    expect(files).toEqual(['1968/The_Beatles_-_Hey_Jude.png', '2009/Beyonce_-_Halo.png', '2010/Beyonce_-_Halo.png']);
    expect(cycles).toHaveLength(2);
    expect(cycles[0]).toMatch(/^1968\/again -> .+/);
    expect(cycles[1]).toMatch(/^1968\/here -> .+1968$/);
  });

  it('refuses a dangling link to a file or a folder, naming the link, where it points and the fix', async () => {
    const src = tmp('src');
    write(path.join(src, '1968/The_Beatles_-_Hey_Jude.png'), png(1));
    const gone = path.join(tmp('unmounted'), 'disk', '2009');
    symlinkSync(gone, path.join(src, '2009'));
    const folder = await failure(listPngFiles(src));
    expect(folder.message).toBe(`2009 in spectrogram folder ${src} is a symbolic link to ${gone}, which does not exist`);
    expect(folder.fix).toMatch(/mount the disk .*ln -sfn TARGET LINK.*delete the link/);

    const other = tmp('src');
    symlinkSync(path.join(gone, 'Beyonce_-_Halo.png'), path.join(mkdirSyncP(path.join(other, '2009')), 'Beyonce_-_Halo.png'));
    const file = await failure(listPngFiles(other));
    expect(file.message).toContain('2009/Beyonce_-_Halo.png in spectrogram folder');
    expect(file.message).toContain('which does not exist');

    const loop = tmp('src');
    symlinkSync(path.join(loop, 'b'), path.join(loop, 'a'));
    symlinkSync(path.join(loop, 'a'), path.join(loop, 'b'));
    expect((await failure(listPngFiles(loop))).message).toMatch(/^a in spectrogram folder .* only leads to links in a loop$/);

    const danglingRoot = path.join(tmp('root'), 'spectrograms');
    symlinkSync(gone, danglingRoot);
    expect((await failure(listPngFiles(danglingRoot))).message).toBe(`spectrogram folder ${danglingRoot} is a symbolic link to ${gone}, which does not exist`);
  });
});

function mkdirSyncP(dir: string): string {
  mkdirSync(dir, { recursive: true });
  return dir;
}

describe('a spectrogram folder without usable PNGs is an error', () => {
  it('names the folder, the layout expected and how to get the files when there is no PNG at all', async () => {
    const src = tmp('src');
    write(path.join(src, '1968/readme.txt'), 'no spectrograms here');
    const error = await failure(listSongFiles(src, '{year}/{artist}_-_{title}.png'));
    expect(error.message).toBe(`spectrogram folder ${src} holds no PNG file (expected <year>/<Artist>_-_<Title>.png below it, as in the Kaggle archive's spectrograms/ folder)`);
    expect(error.fix).toContain('npx hitcast fetch spectrograms');
    expect(error.fix).toContain('HITCAST_DATA / src in packages/data-spectrogram/params.json');

    const missing = path.join(src, 'nowhere');
    const absent = await failure(listSongFiles(missing, '{year}/{artist}_-_{title}.png'));
    expect(absent.message).toBe(`spectrogram folder ${missing} does not exist`);
    expect(absent.fix).toContain('npx hitcast fetch spectrograms');
  });

  it('says so when PNGs are there but none is named as the pattern expects (src one folder too high)', async () => {
    const src = tmp('src');
    write(path.join(src, 'spectrograms/1968/The_Beatles_-_Hey_Jude.png'), png(1));
    const error = await failure(listSongFiles(src, '{year}/{artist}_-_{title}.png'));
    expect(error.message).toBe(`none of the 1 PNG files in ${src} is named <year>/<Artist>_-_<Title>.png (e.g. spectrograms/1968/The_Beatles_-_Hey_Jude.png)`);
    expect(error.fix).toMatch(/folder that holds the year folders.*filePattern/);
  });
});

describe('the stage on linked data', () => {
  let tracksFile: string;
  beforeAll(async () => {
    const dir = tmp('tracks');
    const row = (id: string, name: string, artists: string, date: string) =>
      [id, name, '50', '200000', '0', artists, `"['x${id}']"`, date, '0.5', '0.6', '5', '-7', '1', '0.04', '0.1', '0', '0.1', '0.5', '120.0', '4'].join(',');
    const csv = write(
      path.join(dir, 'tracks.csv'),
      [TRACKS_CSV_COLUMNS.join(','), row('jude', 'Hey Jude', "['The Beatles']", '1968-08-26'), row('halo', 'Halo', "['Beyoncé']", '2008')].join('\n') + '\n',
    );
    tracksFile = (await convertTracksCsv({ csv, outDir: dir, showProgress: false })).tracksFile;
  });

  const run = (src: string) =>
    buildMergedDataset({ src, tracksFile, outDir: tmp('out'), filePattern: '{year}/{artist}_-_{title}.png', width: 16, height: 8, yearsBefore: 2, yearsAfter: 1, workers: 1, showProgress: false });

  it('merges the songs of linked files and folders', async () => {
    const disk = otherDisk();
    const src = tmp('src');
    symlinkSync(path.join(disk, '1968/The_Beatles_-_Hey_Jude.png'), path.join(mkdirSyncP(path.join(src, '1968')), 'The_Beatles_-_Hey_Jude.png'));
    symlinkSync(path.join(disk, '2009'), path.join(src, '2009'));
    const summary = await run(src);
    expect(summary).toMatchObject({ files: 2, matched: 2, songs: 2, decodeFailures: 0 });
    const ids = (await readArtifact(summary.songsFile, songsSpec(16, 8))).toArray().map((r) => r.id);
    expect(ids).toEqual(['jude', 'halo']);
  });

  it('stops with the reasons when PNGs are there but none matches a Spotify track', async () => {
    const src = tmp('src');
    write(path.join(src, '1975/Queen_-_Bohemian_Rhapsody.png'), png(3));
    write(path.join(src, '1990/The_Beatles_-_Hey_Jude.png'), png(4)); // right song, outside the year window
    const error = await failure(run(src));
    expect(error.message).toContain(`none of the 2 songs in ${src} matches a Spotify track in ${tracksFile}`);
    expect(error.message).toContain('1975/Queen_-_Bohemian_Rhapsody.png: no Spotify track has this title');
    expect(error.message).toContain('1990/The_Beatles_-_Hey_Jude.png: the song is on Spotify only with release years 1968');
    expect(error.fix).toMatch(/same data: with HITCAST_DATA set.*report\.csv/);
  });
});
