import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decode } from 'fast-png';
import { planSpectrogramSample, renderPlannedFile, SAMPLE_OPTIONS } from '../synth/make-spectrograms.ts';
import { pearson } from '../synth/stats.ts';

const committed = path.resolve(import.meta.dirname, '../../datasets/spectrograms');
const plan = planSpectrogramSample(SAMPLE_OPTIONS);

describe('spectrogram sample', () => {
  it('has the planned mix: matched songs, songs charted twice, songs not on Spotify', () => {
    expect(plan).toHaveLength(SAMPLE_OPTIONS.songs + SAMPLE_OPTIONS.chartedTwice + SAMPLE_OPTIONS.notOnSpotify);
    expect(plan.filter((f) => f.track === null)).toHaveLength(SAMPLE_OPTIONS.notOnSpotify);
    const byName = new Map<string, number>();
    for (const f of plan) byName.set(f.relativePath.split('/')[1], (byName.get(f.relativePath.split('/')[1]) ?? 0) + 1);
    expect([...byName.values()].filter((n) => n === 2)).toHaveLength(SAMPLE_OPTIONS.chartedTwice);
    expect(plan.every((f) => f.width % 2 === 1 && f.width > 1000)).toBe(true);
  });

  it('equals a fresh regeneration, file by file', { timeout: 120_000 }, () => {
    for (const file of plan) {
      expect(Buffer.from(renderPlannedFile(file)).equals(readFileSync(path.join(committed, file.relativePath))), file.relativePath).toBe(true);
    }
  });

  it('carries popularity signal a CNN can find: image statistics correlate with popularity', () => {
    const songs = plan.filter((f) => f.track);
    const stats = songs.map((f) => {
      const png = decode(readFileSync(path.join(committed, f.relativePath)));
      const data = png.data as Uint8Array;
      let total = 0;
      let high = 0;
      for (let r = 0; r < png.height; r++) {
        for (let t = 0; t < png.width; t++) {
          total += data[r * png.width + t];
          if (r < png.height / 2) high += data[r * png.width + t];
        }
      }
      return { mean: total / data.length, highShare: high / Math.max(1, total) };
    });
    const popularity = songs.map((f) => f.track!.popularity);
    expect(pearson(stats.map((s) => s.mean), popularity)).toBeGreaterThan(0.3);
    expect(pearson(stats.map((s) => s.highShare), popularity)).toBeGreaterThan(0.2);
  });
});
