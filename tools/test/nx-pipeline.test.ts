import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { encode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { planSpectrogramSample, SAMPLE_OPTIONS } from '../synth/make-spectrograms.ts';
import { billboardArtist, billboardTitle, renderSpectrogram, spectrogramFileName } from '../synth/spectrograms.ts';
import { TracksGenerator } from '../synth/tracks.ts';
import { copyWorkspace, editJson, runTarget } from './nx-workspace.ts';

const manifest = (root: string, stage: string) => JSON.parse(readFileSync(path.join(root, 'artifacts', stage, 'manifest.json'), 'utf8'));

describe('the Nx pipeline on the committed sample', () => {
  it('re-runs a stage only when its code, parameters, data or upstream artifacts change', { timeout: 300_000 }, () => {
    const root = copyWorkspace();
    const stages = ['data-spectrogram:build', 'data-spotify:build'];

    expect(runTarget(root, 'build').ran).toEqual(stages);
    const songsHash = () => createHash('sha256').update(readFileSync(path.join(root, 'artifacts/data-spectrogram/songs.arrow'))).digest('hex');
    const songs = songsHash();
    expect(manifest(root, 'data-spectrogram').summary.songs).toBe(100);

    const again = runTarget(root, 'build');
    expect(again).toMatchObject({ ran: [], cached: stages });
    expect(songsHash()).toBe(songs);

    // A help text lives beside the stage's code but outside its hash: rewording it re-runs nothing.
    const command = path.join(root, 'packages/data-spectrogram/src/command.ts');
    writeFileSync(command, readFileSync(command, 'utf8').replace('stage data-spectrogram: match', 'stage data-spectrogram: pair'));
    expect(runTarget(root, 'build').ran).toEqual([]);

    // A downstream stage's parameters: that stage only.
    editJson(path.join(root, 'packages/data-spectrogram/params.json'), { yearsAfter: 2 });
    expect(runTarget(root, 'build')).toMatchObject({ ran: ['data-spectrogram:build'], cached: ['data-spotify:build'] });
    expect(manifest(root, 'data-spectrogram').summary).toMatchObject({ reused: 100, resampled: 0 });

    // A speed-only parameter of the upstream stage (the record-batch layout): nothing re-runs.
    editJson(path.join(root, 'packages/data-spotify/params.json'), { batchRows: 1000 });
    expect(runTarget(root, 'build').ran).toEqual([]);
    editJson(path.join(root, 'packages/data-spotify/params.json'), { batchRows: 32768 }); // back: it does change the file's bytes

    // Its data: the same rows under another path re-run data-spotify, whose identical tracks.arrow leaves
    // data-spectrogram cached; one changed row re-runs both.
    const csv = readFileSync(path.join(root, 'datasets/spotify/tracks.csv'), 'utf8');
    mkdirSync(path.join(root, 'datasets/spotify-copy'));
    writeFileSync(path.join(root, 'datasets/spotify-copy/tracks.csv'), csv);
    editJson(path.join(root, 'packages/data-spotify/params.json'), { csv: 'datasets/spotify-copy/tracks.csv' });
    expect(runTarget(root, 'build')).toMatchObject({ ran: ['data-spotify:build'], cached: ['data-spectrogram:build'] });
    const lines = csv.split('\n');
    lines[1] = lines[1].replace(/,(\d+),/, (_, n: string) => `,${(Number(n) + 1) % 100},`); // one row's first bare integer field
    writeFileSync(path.join(root, 'datasets/spotify-copy/tracks.csv'), lines.join('\n'));
    expect(runTarget(root, 'build').ran).toEqual(stages);

    // One more spectrogram, of a Spotify song not yet in the set: only it is resampled; the other 100
    // come from the stage's own earlier output, which Nx leaves in place.
    const planned = new Set(planSpectrogramSample(SAMPLE_OPTIONS).map((f) => f.id));
    const generator = new TracksGenerator(SAMPLE_OPTIONS.seed);
    const extra = Array.from({ length: 4000 }, (_, i) => generator.track(i)).find(
      (t) => !planned.has(t.id) && t.year >= 1990 && t.year <= 2019 && t.artists.length === 1 && /^[\w ]+$/.test(t.name + t.artists[0]),
    )!;
    const target = path.join(root, 'datasets/spectrograms', String(extra.year), spectrogramFileName(billboardArtist(extra), billboardTitle(extra.name)));
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, encode({ width: 1201, height: 256, data: renderSpectrogram(extra.id, extra.year, 1201), depth: 8, channels: 1 }));
    expect(runTarget(root, 'build')).toMatchObject({ ran: ['data-spectrogram:build'], cached: ['data-spotify:build'] });
    expect(manifest(root, 'data-spectrogram').summary).toMatchObject({ files: 109, songs: 101, reused: 100, resampled: 1 });
  });
});
