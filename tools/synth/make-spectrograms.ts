/**
 * CLI: writes the committed spectrogram sample, datasets/spectrograms/<year>/<Artist>_-_<Title>.png,
 * for songs of the synthetic tracks sample (same generator and seed as datasets/spotify/tracks.csv).
 *
 *   npx tsx tools/synth/make-spectrograms.ts --out datasets/spectrograms
 *
 * Besides the matched songs it adds what the real set has: songs charted in two years (the same file
 * under both), and charted songs that are not in the Spotify table at all.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { encode } from 'fast-png';
import { describeError, SeededRng, writeFileAtomic } from '@hitcast/core';
import { awkwardWidth, billboardArtist, billboardTitle, renderSpectrogram, spectrogramFileName } from './spectrograms.ts';
import { TracksGenerator, type TrackRecord } from './tracks.ts';

export interface SpectrogramSampleOptions {
  seed: string;
  /** Rows of the tracks sample to choose from (datasets/spotify/tracks.csv has 4,000). */
  tracksRows: number;
  songs: number;
  chartedTwice: number;
  notOnSpotify: number;
  minSeconds: number;
  maxSeconds: number;
}

export const SAMPLE_OPTIONS: SpectrogramSampleOptions = {
  seed: '1921',
  tracksRows: 4000,
  songs: 100,
  chartedTwice: 3,
  notOnSpotify: 5,
  minSeconds: 5,
  maxSeconds: 7.5,
};

export interface PlannedFile {
  relativePath: string;
  id: string;
  year: number;
  width: number;
  /** The Spotify row it shows, or null for songs not on Spotify. */
  track: TrackRecord | null;
}

/** Chooses the songs and their file names; pure in the options. */
export function planSpectrogramSample(options: SpectrogramSampleOptions): PlannedFile[] {
  const generator = new TracksGenerator(options.seed);
  const rng = new SeededRng(`spectrogram-sample|${options.seed}`);
  const candidates: TrackRecord[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < options.tracksRows; i++) {
    const track = generator.track(i);
    const key = `${track.artists[0]}|${billboardTitle(track.name)}`.toLowerCase();
    if (track.year < 1958 || track.year > 2020 || !track.name.trim() || /[\r\n]/.test(track.name) || seen.has(key)) continue;
    seen.add(key);
    candidates.push(track);
  }
  rng.shuffle(candidates);
  const chosen = candidates.slice(0, options.songs).sort((a, b) => a.index - b.index);
  const files: PlannedFile[] = chosen.map((track) => {
    const chartYear = Math.min(2020, track.year + (rng.next() < 0.5 ? 0 : 1));
    return {
      relativePath: `${chartYear}/${spectrogramFileName(billboardArtist(track), billboardTitle(track.name))}`,
      id: track.id,
      year: track.year,
      width: awkwardWidth(track.id, options.minSeconds, options.maxSeconds),
      track,
    };
  });
  // The same recording charted again the next year: an identical file in the next year's folder.
  for (const file of files.slice(0, options.chartedTwice)) {
    const [year, name] = file.relativePath.split('/');
    files.push({ ...file, relativePath: `${Number(year) + 1}/${name}` });
  }
  // Charted songs missing from the Spotify table.
  for (let k = 0; k < options.notOnSpotify; k++) {
    const id = `not-on-spotify-${k}`;
    const year = 1960 + rng.int(60);
    files.push({ relativePath: `${year}/Unknown_Band_${k}_-_Lost_Single_No._${k}.png`, id, year, width: awkwardWidth(id, options.minSeconds, options.maxSeconds), track: null });
  }
  return files.sort((a, b) => (a.relativePath < b.relativePath ? -1 : 1));
}

export function renderPlannedFile(file: PlannedFile): Uint8Array {
  return encode({ width: file.width, height: 256, data: renderSpectrogram(file.id, file.year, file.width), depth: 8, channels: 1 });
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { out: { type: 'string', default: 'datasets/spectrograms' } } });
  const out = values.out!;
  await fs.rm(out, { recursive: true, force: true });
  const files = planSpectrogramSample(SAMPLE_OPTIONS);
  let bytes = 0;
  for (const file of files) {
    const png = renderPlannedFile(file);
    bytes += png.length;
    await writeFileAtomic(path.join(out, file.relativePath), png);
  }
  const widths = files.map((f) => f.width);
  const summary = `${files.length} PNGs, ${(bytes / 2 ** 20).toFixed(2)} MiB, widths ${Math.min(...widths)}–${Math.max(...widths)} px`;
  await writeFileAtomic(path.join(out, 'README.md'), sampleReadme(files, summary));
  console.log(`${out}: ${summary}`);
}

export function sampleReadme(files: PlannedFile[], summary: string): string {
  const o = SAMPLE_OPTIONS;
  return `# datasets/spectrograms — synthetic spectrogram sample

**Synthetic data**, in the layout of the Kaggle set "Billboard Hot 100 1960–2020 spectrograms"
(tpapp157/billboard-hot-100-19602020-spectrograms): \`<year>/<Artist_Name>_-_<Song_Title>.png\`, 8-bit
grayscale, 256 rows (log frequency, high at the top) × 200 columns per second. The clips are ${o.minSeconds}–${o.maxSeconds} s
instead of whole songs, with odd widths, so the committed sample stays small.

- Made by \`npx tsx tools/synth/make-spectrograms.ts --out datasets/spectrograms\` (tools/synth/spectrograms.ts
  draws the images), seed \`${o.seed}\`, for songs of \`datasets/spotify/tracks.csv\` (same generator and seed).
- ${summary}: ${o.songs} songs that are in the Spotify sample (artists credited the Billboard way, "A featuring B";
  titles without Spotify's " - Remastered" suffixes), ${o.chartedTwice} of them charted again the next year
  (the same file in two year folders), and ${o.notOnSpotify} charted songs missing from the Spotify table.
- The images are drawn from each song's latent factors (energy, beat regularity and tempo, brightness,
  acoustic character), which also move its popularity and change with the era; see tools/synth/spectrograms.ts.
- \`tools/test/synth-spectrograms.test.ts\` regenerates every file and fails if one differs.
`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error) => {
    console.error(describeError(error));
    process.exitCode = 1;
  });
}
