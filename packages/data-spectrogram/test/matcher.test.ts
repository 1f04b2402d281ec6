import { describe, expect, it } from 'vitest';
import { SongMatcher, SongSet, type SongFile, type TrackCandidate } from '../src/match/matcher.ts';
import { creditedArtists, normalizeText, titleKey } from '../src/match/normalize.ts';
import { compileFilePattern, DEFAULT_FILE_PATTERN } from '../src/song-file-name.ts';

const parse = compileFilePattern(DEFAULT_FILE_PATTERN);

function file(relativePath: string): SongFile {
  const parsed = parse(relativePath);
  if (!parsed) throw new Error(`unparsable ${relativePath}`);
  return parsed;
}

let nextRow = 0;
function track(id: string, name: string, artists: string[], year: number): TrackCandidate {
  return { row: nextRow++, id, name, artists, year, popularity: 50 };
}

function matcherFor(files: SongFile[], tracks: TrackCandidate[]): SongMatcher {
  const matcher = new SongMatcher(files, { yearsBefore: 2, yearsAfter: 1 });
  for (const t of tracks) {
    const key = matcher.wants(t.name);
    if (key) matcher.add(t, key);
  }
  return matcher;
}

describe('file names', () => {
  it('reads year, artist and title, underscores back to spaces', () => {
    expect(parse("1991/Guns_N'_Roses_-_Sweet_Child_O'_Mine.png")).toEqual({
      path: "1991/Guns_N'_Roses_-_Sweet_Child_O'_Mine.png",
      chartYear: 1991,
      artist: "Guns N' Roses",
      title: "Sweet Child O' Mine",
    });
    // The first "_-_" separates artist from title; later ones belong to the title.
    expect(parse('2001/Artist_-_Title_-_Part_Two.png')).toMatchObject({ artist: 'Artist', title: 'Title - Part Two' });
    expect(parse('notayear/A_-_B.png')).toBeNull();
    expect(parse('2001/no-separator.png')).toBeNull();
  });

  it('refuses a pattern without the placeholders it needs', () => {
    expect(() => compileFilePattern('{artist}-{title}.png')).toThrow(/lacks \{year\}/);
  });
});

describe('normalisation', () => {
  it('maps spellings of one song to one key', () => {
    expect(normalizeText('Beyoncé')).toBe(normalizeText('Beyonce'));
    expect(normalizeText('MØ')).toBe('mo');
    expect(normalizeText('Simon & Garfunkel')).toBe(normalizeText('Simon and Garfunkel'));
    expect(titleKey('Hey Jude - Remastered 2015')).toBe(titleKey('Hey Jude'));
    expect(titleKey('Uptown Funk (feat. Bruno Mars)')).toBe(titleKey('Uptown Funk'));
    expect(titleKey("Don't Stop Believin' (2022 Remaster)")).toBe(titleKey('Dont Stop Believin'));
    expect(titleKey('Mrs. Robinson - From "The Graduate" Soundtrack')).toBe(titleKey('Mrs. Robinson'));
  });

  it('keeps different songs apart', () => {
    expect(titleKey('Another Brick in the Wall, Pt. 2')).not.toBe(titleKey('Another Brick in the Wall, Pt. 1'));
    expect(titleKey('Love Song')).not.toBe(titleKey('Love'));
    // A parenthesis without a version word is part of the title.
    expect(titleKey('(I Can\'t Get No) Satisfaction')).toBe(normalizeText('(I Can\'t Get No) Satisfaction'));
  });

  it('splits featured credits but keeps whole band names', () => {
    expect(creditedArtists('Mark Ronson featuring Bruno Mars')).toEqual(['mark ronson featuring bruno mars', 'mark ronson', 'bruno mars']);
    expect(creditedArtists('Simon & Garfunkel')).toContain('simon and garfunkel');
    expect(creditedArtists('The Beatles')).toEqual(['beatles']);
  });
});

describe('SongMatcher', () => {
  const files = [
    file('2009/Beyonce_-_Halo.png'),
    file('2015/Mark_Ronson_featuring_Bruno_Mars_-_Uptown_Funk.png'),
    file('1968/The_Beatles_-_Hey_Jude.png'),
    file('1968/Simon_&_Garfunkel_-_Mrs._Robinson.png'),
    file("1988/Guns_N'_Roses_-_Sweet_Child_O'_Mine.png"),
    file('2016/Adele_-_Hello.png'),
    file('1980/Pink_Floyd_-_Another_Brick_in_the_Wall,_Pt._2.png'),
    file('1964/Roy_Orbison_-_Oh,_Pretty_Woman.png'),
  ];
  const tracks = [
    track('t-halo', 'Halo', ['Beyoncé'], 2008),
    track('t-uptown', 'Uptown Funk (feat. Bruno Mars)', ['Mark Ronson', 'Bruno Mars'], 2014),
    track('t-jude-remaster', 'Hey Jude - Remastered 2015', ['The Beatles'], 1968),
    track('t-jude-b', 'Hey Jude', ['The Beatles'], 1968),
    track('t-jude-a', 'Hey Jude', ['The Beatles'], 1968),
    track('t-robinson', 'Mrs. Robinson - From "The Graduate" Soundtrack', ['Simon & Garfunkel'], 1968),
    track('t-child', "Sweet Child O' Mine", ["Guns N' Roses"], 1987),
    track('t-hello-lionel', 'Hello', ['Lionel Richie'], 1983), // same title, other artist: a decoy
    track('t-brick-1', 'Another Brick in the Wall, Pt. 1', ['Pink Floyd'], 1979), // other part: a decoy
    track('t-pretty-woman', 'Oh, Pretty Woman', ['Roy Orbison'], 2006), // only a late re-release: out of the window
    track('t-unrelated', 'Yesterday', ['The Beatles'], 1965),
  ];
  const matcher = matcherFor(files, tracks);
  const outcome = (i: number) => matcher.match(files[i]);

  it('matches through accents, featured credits, "&", apostrophes and version suffixes', () => {
    expect(outcome(0)).toMatchObject({ matched: true, track: { id: 't-halo' }, exactStrings: false });
    expect(outcome(1)).toMatchObject({ matched: true, track: { id: 't-uptown' } });
    expect(outcome(3)).toMatchObject({ matched: true, track: { id: 't-robinson' } });
    expect(outcome(4)).toMatchObject({ matched: true, track: { id: 't-child' }, exactStrings: true });
  });

  it('chooses among versions deterministically: plain title first, then the smallest id', () => {
    expect(outcome(2)).toMatchObject({ matched: true, track: { id: 't-jude-a' } });
    const reversed = matcherFor(files, [...tracks].reverse());
    expect(reversed.match(files[2])).toMatchObject({ matched: true, track: { id: 't-jude-a' } });
  });

  it('makes no false matches: other artist, other part, release outside the year window', () => {
    expect(outcome(5)).toEqual({ matched: false, reason: 'this title exists only by other artists (Lionel Richie)' });
    expect(outcome(6)).toEqual({ matched: false, reason: 'no Spotify track has this title' });
    expect(outcome(7)).toEqual({ matched: false, reason: 'the song is on Spotify only with release years 2006, outside 1962–1965' });
  });

  it('keeps more songs than exact, case-sensitive artist + title matching', () => {
    const exact = files.filter((f) => tracks.some((t) => t.name === f.title && t.artists[0] === f.artist)).length;
    const normalised = files.filter((f) => matcher.match(f).matched).length;
    // Exact strings find Sweet Child O' Mine, Hey Jude and Oh, Pretty Woman (whose only Spotify release is
    // 42 years too late, so the matcher declines it); normalising finds five, none of them false.
    expect(exact).toBe(3);
    expect(normalised).toBe(5);
  });

  it('holds only the Spotify rows whose title some file has', () => {
    expect(matcher.wants('Yesterday')).toBeNull();
    expect(matcher.wants('Hey Jude - 2009 Remaster')).toBe(titleKey('Hey Jude'));
  });
});

describe('SongSet (overlap between the merged set and the text set)', () => {
  it('recognises every version of a merged song, and nothing else', () => {
    const merged = new SongSet();
    merged.add({ name: 'Hey Jude', artists: ['The Beatles'] });
    expect(merged.has({ name: 'Hey Jude - Remastered 2015', artists: ['The Beatles'] })).toBe(true);
    expect(merged.has({ name: 'Hey Jude', artists: ['Beatles', 'Someone Else'] })).toBe(true);
    expect(merged.has({ name: 'Hey Jude', artists: ['Wilson Pickett'] })).toBe(false);
    expect(merged.has({ name: 'Yesterday', artists: ['The Beatles'] })).toBe(false);
  });
});
