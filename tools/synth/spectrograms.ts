/**
 * Synthetic Billboard-style CWT spectrograms for songs of the synthetic tracks sample.
 *
 * Each image is what the Kaggle set holds, only shorter: an 8-bit grayscale PNG, 256 rows (log
 * frequency, high at the top as in a plotted spectrogram) × 200 columns per second, with an awkward
 * (odd, often prime) width. The picture is drawn from the song's latent factors (tracks.ts):
 *   energy      → overall level;
 *   rhythm      → contrast of beat stripes repeating at tempoBpm;
 *   brightness  → how slowly the level falls towards the high-frequency rows;
 *   acoustic    → steady harmonic lines instead of broadband noise.
 * Those factors move popularity (latentPopularityEffect) and change with the era, so a CNN can learn
 * a real, if modest, share of popularity from these images, as from real spectrograms.
 */
import { SeededRng } from '@hitcast/core';
import { songLatents, type SongLatents, type TrackRecord } from './tracks.ts';

export const SPECTROGRAM_ROWS = 256;
export const PIXELS_PER_SECOND = 200;

/** Draws one spectrogram, deterministic in (song id, width). */
export function renderSpectrogram(id: string, year: number, width: number): Uint8Array {
  const latents = songLatents(id, year);
  const rng = new SeededRng(`spectrogram|${id}`);
  const rows = SPECTROGRAM_ROWS;
  const pixels = new Uint8Array(rows * width);

  const beatPeriod = (60 / latents.tempoBpm) * PIXELS_PER_SECOND; // columns per beat
  const beatPhase = rng.uniform(0, beatPeriod);
  const tilt = 3.2 - 2.6 * latents.brightness; // larger = darker high frequencies
  const partials = harmonicRows(rng, latents);
  // Slow loudness changes (verses, choruses): a few random sections.
  const sections = Array.from({ length: 6 }, () => 0.75 + 0.25 * rng.next());
  // Coarse noise, interpolated: texture that PNG still compresses, unlike per-pixel noise.
  const noiseGrid = Array.from({ length: Math.ceil(width / 16) + 2 }, () => Array.from({ length: rows / 8 + 2 }, () => rng.next()));

  for (let t = 0; t < width; t++) {
    const beatPosition = ((t + beatPhase) % beatPeriod) / beatPeriod;
    const pulse = Math.exp(-beatPosition * 9); // sharp onset, quick decay
    const beat = 1 - latents.rhythm + latents.rhythm * (0.25 + 1.2 * pulse);
    const section = sections[Math.min(sections.length - 1, Math.floor((t / width) * sections.length))];
    const gx = t / 16;
    const gx0 = Math.floor(gx);
    const fx = gx - gx0;
    for (let r = 0; r < rows; r++) {
      const f = (rows - 1 - r) / (rows - 1); // 0 = lowest frequency (bottom row)
      const envelope = Math.exp(-tilt * f) * (0.35 + 0.65 * Math.exp(-((f - 0.18) ** 2) / 0.02)); // energy peaks low-mid
      const gy = r / 8;
      const gy0 = Math.floor(gy);
      const fy = gy - gy0;
      const noise =
        (1 - fx) * ((1 - fy) * noiseGrid[gx0][gy0] + fy * noiseGrid[gx0][gy0 + 1]) +
        fx * ((1 - fy) * noiseGrid[gx0 + 1][gy0] + fy * noiseGrid[gx0 + 1][gy0 + 1]);
      let harmonic = 0;
      for (const p of partials) harmonic += p.level * Math.exp(-((r - p.row) ** 2) / 3);
      const broadband = (1 - latents.acoustic) * (0.55 + 0.45 * noise) * beat;
      const tonal = latents.acoustic * harmonic * (0.7 + 0.3 * noise);
      const level = (0.25 + 0.75 * latents.energy) * section * envelope * (broadband + tonal);
      // CWT images show log-like amplitude: a power below 1 lifts the quiet parts as they do.
      // Levels in steps of 4 (64 grays) keep the committed PNGs small; min-max later spreads them again.
      pixels[r * width + t] = Math.min(252, 4 * Math.round(63 * Math.sqrt(level)));
    }
  }
  return pixels;
}

/** Rows of a few steady partials (a fundamental and its harmonics on the log-frequency axis). */
function harmonicRows(rng: SeededRng, latents: SongLatents): { row: number; level: number }[] {
  const rows = SPECTROGRAM_ROWS;
  const fundamental = rows - 1 - Math.round(rng.uniform(30, 70)); // low-mid
  const perOctave = rows / 8.6; // 30 Hz–12 kHz is about 8.6 octaves
  return [1, 2, 3, 4, 5].map((k) => ({
    row: fundamental - Math.round(Math.log2(k) * perOctave),
    level: (1 / k) * (0.6 + 0.4 * latents.acoustic),
  }));
}

/** An awkward width (odd, not a power of two) of about `seconds` seconds, deterministic per song. */
export function awkwardWidth(id: string, minSeconds: number, maxSeconds: number): number {
  const rng = new SeededRng(`width|${id}`);
  const width = Math.round(rng.uniform(minSeconds, maxSeconds) * PIXELS_PER_SECOND);
  return width % 2 === 1 ? width : width + 1;
}

/** How Billboard credits a song's artists: "A featuring B", "A featuring B & C". */
export function billboardArtist(track: TrackRecord): string {
  const [main, ...featured] = track.artists;
  if (featured.length === 0) return main;
  return `${main} featuring ${featured.length === 1 ? featured[0] : `${featured.slice(0, -1).join(', ')} & ${featured.at(-1)}`}`;
}

/** The chart title: Spotify's version suffixes dropped, as Billboard lists songs. */
export function billboardTitle(name: string): string {
  return name.replace(/\s+-\s+.*(Remaster|Live|Version|Mix|Edit).*$/i, '').replace(/\s*\((?:feat\.|with) [^)]*\)/i, '').trim();
}

/** `<Artist_Name>_-_<Song_Title>.png` with spaces as underscores; "/" cannot be in a file name. */
export function spectrogramFileName(artist: string, title: string): string {
  const part = (text: string) => text.replace(/\//g, '-').replace(/\s+/g, '_');
  return `${part(artist)}_-_${part(title)}.png`;
}
