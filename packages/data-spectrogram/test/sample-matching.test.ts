import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readArtifact } from '@hitcast/core';
import { convertTracksCsv } from '@hitcast/data-spotify';
import { planSpectrogramSample, SAMPLE_OPTIONS } from '../../../tools/synth/make-spectrograms.ts';
import { buildMergedDataset, songsSpec, TEXT_SPEC } from '../src/index.ts';
import { SPECTROGRAM_DEFAULTS } from '../src/params.ts';

const repo = path.resolve(import.meta.dirname, '../../..');

describe('the committed sample through stage data-spectrogram', () => {
  it('matches every sample song to its own Spotify row, no false match, and keeps them out of the text set', { timeout: 120_000 }, async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'hitcast-sample-'));
    const { tracksFile } = await convertTracksCsv({ csv: path.join(repo, 'datasets/spotify/tracks.csv'), outDir: out, showProgress: false });
    const summary = await buildMergedDataset({
      ...SPECTROGRAM_DEFAULTS,
      src: path.join(repo, 'datasets/spectrograms'),
      tracksFile,
      outDir: out,
      showProgress: false,
    });
    // The truth: which Spotify row each file was drawn for (null: a song not on Spotify).
    const truth = new Map(planSpectrogramSample(SAMPLE_OPTIONS).map((f) => [f.relativePath, f.track?.id ?? null]));
    const songs = (await readArtifact(summary.songsFile, songsSpec(1024, 256))).toArray().map((r) => r.toJSON());
    for (const song of songs) expect(song.id, song.source_file).toBe(truth.get(song.source_file));
    expect(summary).toMatchObject({ matched: SAMPLE_OPTIONS.songs, duplicates: SAMPLE_OPTIONS.chartedTwice, unmatched: SAMPLE_OPTIONS.notOnSpotify, decodeFailures: 0 });
    // Billboard credits and titles differ from Spotify's: exact string matching would lose many.
    expect(summary.exactStringMatches).toBeLessThan(summary.matched);

    const merged = new Set(songs.map((s) => s.id));
    // core's split test pins these songs' splits (73 / 15 / 12); it must list exactly the merged set.
    const pinned = JSON.parse(readFileSync(path.join(repo, 'packages/core/test/training/fixtures/sample-split.json'), 'utf8')) as Record<string, string[]>;
    expect([...pinned.train, ...pinned.validation, ...pinned.test].sort()).toEqual([...merged].sort());
    const text = (await readArtifact(summary.textFile, TEXT_SPEC)).toArray();
    expect(text.some((r) => merged.has(r.id))).toBe(false);
    expect(text.length + songs.length).toBeLessThanOrEqual(4000);
    expect(readFileSync(summary.reportFile, 'utf8').split('\n').filter((l) => l.includes(',unmatched,'))).toHaveLength(SAMPLE_OPTIONS.notOnSpotify);
  });
});
