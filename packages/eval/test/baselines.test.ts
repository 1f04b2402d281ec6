import { describe, expect, it } from 'vitest';
import { artistBaseline, ArtistHistoryBuilder, BASELINE_DEFAULTS, leastSquaresLine, meanBaseline, yearBaseline, type BaselineSong } from '../src/baselines.ts';

const song = (id: string, year: number, popularity: number, isTrain: boolean, artists = [`artist-${id}`]): BaselineSong => ({ id, artists, year, popularity, isTrain });

/** 40 training songs over 1980–1999 whose popularity rises with the year, and 4 test songs with extreme popularity. */
function songsWithTrend(): BaselineSong[] {
  const train = Array.from({ length: 40 }, (_, i) => song(`t${i}`, 1980 + (i % 20), 20 + 2 * (i % 20), true));
  const test = [song('x1', 1985, 100, false), song('x2', 1995, 0, false), song('x3', 2030, 100, false), song('x4', 1990, 99, false)];
  return [...train, ...test];
}

/** Same songs, the test songs' popularity changed: a baseline fit on training songs only cannot tell. */
const withOtherTestLabels = (songs: BaselineSong[]) => songs.map((s) => (s.isTrain ? s : { ...s, popularity: 100 - s.popularity }));

describe('baselines', () => {
  it('predict-the-mean is the training songs\' mean, whatever the test songs hold', () => {
    const songs = songsWithTrend();
    const expected = songs.filter((s) => s.isTrain).reduce((a, s) => a + s.popularity, 0) / 40;
    expect(new Set(meanBaseline(songs).predicted)).toEqual(new Set([expected]));
    expect(meanBaseline(withOtherTestLabels(songs)).predicted).toEqual(meanBaseline(songs).predicted);
  });

  it('release year follows the training songs\' trend, leans to the mean for unseen years, and ignores test labels', () => {
    const songs = songsWithTrend();
    const { predicted } = yearBaseline(songs, BASELINE_DEFAULTS);
    const at = (id: string) => predicted[songs.findIndex((s) => s.id === id)];
    expect(at('x2')).toBeGreaterThan(at('x1') + 10); // 1995 above 1985
    expect(Math.abs(at('x1') - (20 + 2 * 5))).toBeLessThan(4); // near 1985's own mean of 30
    const mean = meanBaseline(songs).predicted[0];
    expect(Math.abs(at('x3') - mean)).toBeLessThan(0.5); // 2030: no training song near it
    expect(yearBaseline(withOtherTestLabels(songs), BASELINE_DEFAULTS).predicted).toEqual(predicted);
  });

  it('artist history keeps only the wanted artists, counts a song once per artist, and pools co-credited artists', () => {
    const builder = new ArtistHistoryBuilder(new Set(['A', 'B']));
    builder.add(['A'], 80);
    builder.add(['A', 'A'], 60); // credited twice on one row: one song
    builder.add(['B', 'C'], 10);
    builder.add(['C'], 50);
    const history = builder.build();
    expect(history.byArtist.get('A')).toEqual({ sum: 140, count: 2 });
    expect(history.byArtist.get('B')).toEqual({ sum: 10, count: 1 });
    expect(history.byArtist.has('C')).toBe(false);
    expect(history.mean).toBe(50);
    expect(history.rows).toBe(4);
  });

  it('artist history is calibrated on training songs only and falls back to the year for unknown artists', () => {
    // Each training song's artist has text-set history h; merged-set popularity = 10 + h/2 (hits sit higher).
    const songs: BaselineSong[] = [];
    const builder = new ArtistHistoryBuilder(new Set(Array.from({ length: 30 }, (_, i) => `a${i}`)));
    for (let i = 0; i < 30; i++) {
      const h = 2 * i + 10;
      for (let k = 0; k < 50; k++) builder.add([`a${i}`], h); // many rows: shrinkage to the prior is negligible
      songs.push(song(`s${i}`, 1990, 10 + h / 2, i < 24, [`a${i}`]));
    }
    songs.push(song('unknown', 1990, 77, false, ['nobody']));
    const history = builder.build();
    const params = { ...BASELINE_DEFAULTS, artistPriorStrength: 0 };
    const year = yearBaseline(songs, params);
    const artist = artistBaseline(songs, history, year, params);
    for (let i = 24; i < 30; i++) expect(artist.predicted[i]).toBeCloseTo(songs[i].popularity, 6); // the line learnt on train holds on test
    expect(artist.predicted[30]).toBe(year.predicted[30]);
    const changed = withOtherTestLabels(songs);
    expect(artistBaseline(changed, history, yearBaseline(changed, params), params).predicted).toEqual(artist.predicted);
    expect(artist.note).toMatch(/calibrated on 24 training songs/);
  });

  it('a least-squares line falls back to the mean with too few points or no spread', () => {
    expect(leastSquaresLine([1, 2, 3, 4], [3, 5, 7, 9])).toEqual({ intercept: 1, slope: 2 });
    expect(leastSquaresLine([5, 5, 5], [1, 2, 3])).toEqual({ intercept: 2, slope: 0 });
    expect(leastSquaresLine([1, 2], [1, 2])).toEqual({ intercept: 1.5, slope: 0 });
  });
});
