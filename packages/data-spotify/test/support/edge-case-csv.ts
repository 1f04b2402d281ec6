import { TRACKS_CSV_COLUMNS } from '../../src/tracks-schema.ts';

/**
 * A tracks.csv that exercises every corner of the reader and the row checks: quoting, line endings,
 * a BOM, multi-byte and invalid UTF-8, Python escapes in artist lists, odd number forms, impossible
 * dates and each kind of rejected row. Returned as bytes because some of it is not valid UTF-8.
 */
export function edgeCaseTracksCsv(): Buffer {
  const header = TRACKS_CSV_COLUMNS.join(',');
  const cells = (id: string, overrides: Partial<Record<(typeof TRACKS_CSV_COLUMNS)[number], string>> = {}): string => {
    const base: Record<string, string> = {
      id,
      name: `Song ${id}`,
      popularity: '42',
      duration_ms: '201000',
      explicit: '0',
      artists: "['Artist']",
      id_artists: `['x${id}']`,
      release_date: '2001-02-03',
      danceability: '0.5',
      energy: '0.6',
      key: '5',
      loudness: '-7.2',
      mode: '1',
      speechiness: '0.04',
      acousticness: '0.1',
      instrumentalness: '8.13e-06',
      liveness: '0.1',
      valence: '0.5',
      tempo: '120.0',
      time_signature: '4',
    };
    return TRACKS_CSV_COLUMNS.map((name) => overrides[name] ?? base[name]).join(',');
  };
  const lines: string[] = [
    cells('plain'),
    cells('comma', { name: '"Hey, Soul Sister"', artists: `"['A, B & C', 'D']"` }),
    cells('dq', { name: '"Moongil (From ""Samurai"")"', artists: `"[""Guns N' Roses"", 'X']"` }),
    cells('newline', { name: '"first line\nsecond line"', artists: `"['multi\nline']"` }),
    cells('crlf-inside', { name: '"a\r\nb\rc"' }),
    cells('tail', { name: '"ab"cd', artists: `"['A']"` }),
    cells('utf8', { name: 'Beyoncé – Halo ☂ 夜大丈夫 🎵', artists: `"['Beyoncé', 'MØ', '🎵 x']"` }),
    cells('escapes', { artists: `"['Beyonc\\xe9', 'M\\u00d8', '\\U0001F3B5', 'tab\\there', 'It\\'s']"` }),
    cells('dq-escapes', { artists: `"[""It's \\""both\\"""", 'back\\\\slash']"` }),
    cells('spaced-list', { artists: `"[ 'spaced' ,  'out' , ]"`, id_artists: '[]' }),
    cells('empty-name', { name: '' }),
    cells('quoted-empty', { name: '""' }),
    cells('year', { release_date: '1928' }),
    cells('year-month', { release_date: '1999-07' }),
    cells('leap', { release_date: '2020-02-29' }),
    cells('year0-leap', { release_date: '0000-02-29' }),
    cells('year4-leap', { release_date: '0004-02-29' }),
    cells('year1900-leap', { release_date: '1900-02-29' }),
    cells('year2000-leap', { release_date: '2000-02-29' }),
    cells('padded-date', { release_date: ' 2001-01-01 ' }),
    cells('bad-day', { release_date: '2020-04-31' }),
    cells('bad-month', { release_date: '2019-13' }),
    cells('slash-date', { release_date: '2020/01/01' }),
    cells('numbers', { popularity: '+7', duration_ms: '1e5', danceability: '.5', energy: '5.', loudness: '-0', tempo: '1.2345678901234567e2' }),
    cells('more-numbers', { popularity: '0x10', danceability: '  0.25', energy: '0.1e-30', loudness: '1e300', tempo: '007.50', key: '-0' }),
    cells('precise', { danceability: '0.30000000000000004', energy: '123456789012345678', acousticness: '9007199254740993', valence: '0.1234567890123456789' }),
    cells('blank-number', { energy: ' ' }),
    cells('explicit-true', { explicit: 'True' }),
    cells('explicit-false', { explicit: 'False' }),
    cells('explicit-bad', { explicit: 'yes' }),
    cells('pop-nan', { popularity: 'n/a' }),
    cells('pop-high', { popularity: '130' }),
    cells('pop-frac', { popularity: '55.5' }),
    cells('dur-frac', { duration_ms: '1.5' }),
    cells('dur-neg', { duration_ms: '-1' }),
    cells('dur-huge', { duration_ms: '2147483648' }),
    cells('key-big', { key: '128' }),
    cells('key-frac', { key: '1.5' }),
    cells('feature-inf', { tempo: 'Infinity' }),
    cells('feature-empty', { liveness: '' }),
    cells('', { name: 'no id' }),
    cells('bad-artists', { artists: '"A, B"' }),
    cells('bad-id-artists', { id_artists: "['unclosed]" }),
    cells('trailing-text', { artists: "['a'] x" }),
    'short,row,only',
    cells('too-many') + ',extra',
    '',
    cells('after-blank'),
  ];
  const text = '\ufeff' + header + '\n' + lines.join('\n') + '\r\n' + cells('crlf-end') + '\r' + cells('lone-cr') + '\n';
  // \u0001 marks where invalid bytes go: a lone continuation byte and a truncated 3-byte sequence, and
  // a 2-byte sequence cut by a closing quote (the decoder must see the quote between its bytes).
  const withBadBytes = (line: string, bytes: number[][]): Buffer => {
    const parts = line.split('\u0001').map((part) => Buffer.from(part, 'utf8'));
    return Buffer.concat(parts.flatMap((part, i) => (i < bytes.length ? [part, Buffer.from(bytes[i])] : [part])));
  };
  return Buffer.concat([
    Buffer.from(text, 'utf8'),
    withBadBytes(cells('bad-utf8', { name: 'X\u0001Y' }) + '\n', [[0x80, 0xe2, 0x82]]),
    withBadBytes(cells('bad-utf8-quote', { name: '"ab\u0001"\u0001' }) + '\n', [[0xc3], [0xa9]]),
    withBadBytes(cells('bad-utf8-artist', { artists: "['\u0001']" }) + '\n', [[0xff]]),
    Buffer.from(cells('last-no-newline'), 'utf8'),
  ]);
}
