/**
 * Text normalisation for matching Billboard spectrogram file names to Spotify rows. The same song is
 * spelled differently in the two sources (case, accents, punctuation, "&" vs "and", "feat." credits,
 * "(Remastered 2009)" suffixes); these functions map the spellings of one song to one key, while
 * keeping different songs apart (nothing here drops a word that belongs to the actual title).
 */

/** Lower case, accents removed (é → e, ø → o), "&" and "+" as "and", punctuation as spaces, spaces collapsed. */
export function normalizeText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '') // combining marks left by NFKD: accents
    .toLowerCase()
    .replace(/[øØ]/g, 'o')
    .replace(/æ/g, 'ae')
    .replace(/œ/g, 'oe')
    .replace(/ß/g, 'ss')
    .replace(/ł/g, 'l')
    .replace(/đ/g, 'd')
    .replace(/\$/g, 's') // Ke$ha, A$AP
    .replace(/\s*[&+]\s*/g, ' and ')
    .replace(/['’‘`´]/g, '') // apostrophes join: "don't" → "dont", "Guns N' Roses" → "guns n roses"
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** Words that introduce a featured-artist credit. */
const FEATURING = /\s+(?:feat\.?|ft\.?|featuring|duet with|with)\s+/i;

/**
 * Suffixes that mark a version of a song rather than another song: "(Remastered 2009)",
 * "- 2011 Remaster", "[Live]", "- Single Version", "(feat. X)", "- From the film …".
 * Only parenthesised/bracketed parts and " - " tails are removed, and only when they carry a version word.
 */
const VERSION_WORDS =
  /\b(?:remaster(?:ed)?|re-?master|live|version|edit|mix|remix|mono|stereo|single|album|radio|demo|acoustic|instrumental|feat\.?|ft\.?|featuring|with|from|original|explicit|clean|bonus|deluxe|anniversary|recorded|soundtrack|theme|take|extended|short|long|reprise)\b|\b(?:19|20)\d\d\b/i;

export function stripVersionSuffixes(title: string): string {
  let result = title;
  // Parenthesised or bracketed parts holding a version word, anywhere after the first word.
  result = result.replace(/\s*[([]([^)\]]*)[)\]]/g, (part, inner: string) => (VERSION_WORDS.test(inner) ? '' : part));
  // " - 2011 Remaster", " - Live at …", " - From "Samurai""
  const dash = result.search(/\s[-–—]\s/);
  if (dash > 0 && VERSION_WORDS.test(result.slice(dash))) result = result.slice(0, dash);
  // A bare trailing "feat. X" in the title.
  const featuring = result.search(/\s(?:feat\.?|ft\.?|featuring)\s/i);
  if (featuring > 0) result = result.slice(0, featuring);
  return result.trim() || title.trim();
}

/** The key a title is matched on: version suffixes removed, then normalised. */
export function titleKey(title: string): string {
  return normalizeText(stripVersionSuffixes(title));
}

/**
 * The credited artists of a Billboard-style artist string: "Mark Ronson featuring Bruno Mars" →
 * ["mark ronson", "bruno mars"]. The first entry is the main artist. The whole string is kept too
 * (first), because some single artists contain "&" or "and" ("Simon & Garfunkel", "Earth, Wind & Fire").
 */
export function creditedArtists(artist: string): string[] {
  const whole = artistKey(artist);
  const parts = artist
    .split(FEATURING)
    .flatMap((part) => part.split(/\s*,\s*|\s+&\s+|\s+and\s+/i))
    .map(artistKey)
    .filter(Boolean);
  return [...new Set([whole, ...parts])];
}

/** One artist name as a key: normalised, without a leading "the" ("The Beatles" = "Beatles"). */
export function artistKey(artist: string): string {
  return normalizeText(artist).replace(/^the /, '');
}
