import { promises as fs } from 'node:fs';
import { HitcastError } from '@hitcast/core/errors';
import { writeFileAtomic } from '@hitcast/core/atomic';

/**
 * WordPiece tokenizer for artist and title strings, plus dedicated release-year tokens.
 *
 * Sequence: [CLS] decade year [SEP] artist pieces [SEP] title pieces [SEP] [PAD]…, exactly maxLength ids.
 * Words are split greedily into the longest pieces in the vocabulary (BERT's WordPiece); a piece that
 * continues a word is written "##piece". A character outside the vocabulary becomes [UNK] on its own, so
 * the rest of its word still gets pieces. Training lives in tokenizer-train.ts.
 */

export const PAD = 0;
export const UNK = 1;
export const CLS = 2;
export const SEP = 3;
export const SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]'] as const;

/** Release years are clamped into this range; each gets a year token and a decade token. */
export const YEAR_MIN = 1900;
export const YEAR_MAX = 2029;

export const decadeToken = (decade: number) => `[${decade}s]`;
export const yearToken = (year: number) => `[${year}]`;

/** Specials, then one token per decade, then one per year: the fixed head of every vocabulary. */
export function reservedTokens(yearMin = YEAR_MIN, yearMax = YEAR_MAX): string[] {
  const tokens: string[] = [...SPECIAL_TOKENS];
  for (let d = Math.floor(yearMin / 10) * 10; d <= yearMax; d += 10) tokens.push(decadeToken(d));
  for (let y = yearMin; y <= yearMax; y++) tokens.push(yearToken(y));
  return tokens;
}

/** NFKC + lower case. Accents and non-Latin letters are kept: "Beyoncé" and "夢" are words too. */
export function normalize(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

// Runs of letters/marks/digits are words; every other non-space character is a word on its own.
// Han and kana characters are words on their own too (no spaces between them), as BERT does for CJK.
const WORD = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]|[\p{L}\p{M}\p{N}]+|[^\s\p{L}\p{M}\p{N}]/gu;
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;

/** Normalised words of a string (the unit the vocabulary is trained on and pieces never cross). */
export function words(text: string): string[] {
  const normalized = normalize(text);
  const out: string[] = [];
  for (const match of normalized.matchAll(WORD)) {
    const word = match[0];
    // A letter run may still hold CJK characters mixed with Latin ones ("ok夢"): split them off.
    if (word.length > 1 && CJK.test(word)) for (const part of word.split(/([\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}])/u)) part && out.push(part);
    else out.push(word);
  }
  return out;
}

/** Text fields of one song as the tokenizer sees them. */
export interface SongText {
  artists: readonly string[];
  title: string;
  year: number;
}

export interface TokenizerJson {
  format: 'hitcast-wordpiece';
  version: 1;
  maxLength: number;
  yearMin: number;
  yearMax: number;
  /** Every token, its id being its index. */
  vocab: string[];
  /** How it was trained (for the record; not needed to encode). */
  training?: Record<string, unknown>;
}

/** Bounds a tokenizer.json must keep: the reserved tokens are built from yearMin…yearMax before the vocabulary is checked. */
const MAX_YEAR_SPAN = 1000;
const MAX_SEQUENCE = 65_536;

/** What is wrong with the fields of a parsed tokenizer.json, or undefined: checked before they size anything. */
function tokenizerJsonProblem(json: TokenizerJson): string | undefined {
  const { maxLength, yearMin, yearMax, vocab } = json;
  // [CLS] decade year [SEP] [SEP] [SEP] take 6 places; encode() needs at least those.
  if (!Number.isInteger(maxLength) || maxLength < 6 || maxLength > MAX_SEQUENCE) return `maxLength must be a whole number from 6 to ${MAX_SEQUENCE}, got ${shortJson(maxLength)}`;
  if (!Number.isInteger(yearMin) || !Number.isInteger(yearMax) || yearMin > yearMax || yearMax - yearMin > MAX_YEAR_SPAN) {
    return `yearMin and yearMax must be whole numbers at most ${MAX_YEAR_SPAN} years apart, got ${shortJson(yearMin)} and ${shortJson(yearMax)}`;
  }
  if (!Array.isArray(vocab)) return `vocab must be a list of tokens, got ${shortJson(vocab)}`;
  const bad = vocab.findIndex((token) => typeof token !== 'string' || token === '');
  if (bad >= 0) return `vocab entry ${bad} must be a non-empty string, got ${shortJson(vocab[bad])}`;
  return undefined;
}

function shortJson(value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    return `a deeply nested ${Array.isArray(value) ? 'array' : typeof value}`;
  }
  if (text === undefined) return String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

const MAX_WORD_CHARS = 100;
const WORD_CACHE_LIMIT = 200_000;

export class WordPieceTokenizer {
  readonly vocab: readonly string[];
  private readonly ids: Map<string, number>;
  private readonly longestPiece: number;
  private readonly cache = new Map<string, number[]>();

  constructor(readonly json: TokenizerJson) {
    this.vocab = json.vocab;
    this.ids = new Map(json.vocab.map((token, id) => [token, id]));
    if (this.ids.size !== json.vocab.length) throw new HitcastError('tokenizer vocabulary holds a token twice');
    const reserved = reservedTokens(json.yearMin, json.yearMax);
    reserved.forEach((token, id) => {
      if (json.vocab[id] !== token) throw new HitcastError(`tokenizer vocabulary must start with the reserved tokens; id ${id} is "${json.vocab[id]}", expected "${token}"`);
    });
    // A loop, not Math.max(...pieces): spreading a vocabulary of 100K+ tokens overflows the call stack.
    this.longestPiece = json.vocab.slice(reserved.length).reduce((longest, t) => Math.max(longest, [...t.replace(/^##/, '')].length), 1);
  }

  get vocabSize(): number {
    return this.vocab.length;
  }

  get maxLength(): number {
    return this.json.maxLength;
  }

  idOf(token: string): number | undefined {
    return this.ids.get(token);
  }

  /** [decade, year] token ids; years outside yearMin…yearMax are clamped. */
  yearIds(year: number): [number, number] {
    const y = Math.min(this.json.yearMax, Math.max(this.json.yearMin, Math.round(year)));
    return [this.ids.get(decadeToken(Math.floor(y / 10) * 10))!, this.ids.get(yearToken(y))!];
  }

  /** Piece ids of a free text (artist or title). */
  pieces(text: string): number[] {
    const out: number[] = [];
    for (const word of words(text)) for (const id of this.wordPieces(word)) out.push(id);
    return out;
  }

  /** Greedy longest-match-first split of one normalised word. */
  private wordPieces(word: string): number[] {
    const cached = this.cache.get(word);
    if (cached) return cached;
    const chars = [...word];
    const out: number[] = [];
    if (chars.length > MAX_WORD_CHARS) out.push(UNK);
    else {
      let start = 0;
      while (start < chars.length) {
        let end = Math.min(chars.length, start + this.longestPiece);
        let id: number | undefined;
        for (; end > start; end--) {
          const piece = chars.slice(start, end).join('');
          id = this.ids.get(start > 0 ? `##${piece}` : piece);
          if (id !== undefined) break;
        }
        if (id === undefined) {
          out.push(UNK); // this one character is unknown; carry on after it
          start += 1;
        } else {
          out.push(id);
          start = end;
        }
      }
    }
    if (this.cache.size >= WORD_CACHE_LIMIT) this.cache.clear();
    this.cache.set(word, out);
    return out;
  }

  /**
   * Exactly maxLength ids: [CLS] decade year [SEP] artists [SEP] title [SEP], then [PAD]s. When artists
   * and title do not fit, the longer of the two loses its last piece until they do (artists and title
   * both keep their beginnings). Artists are joined by ", ".
   */
  encode(song: SongText, out: Int32Array = new Int32Array(this.json.maxLength)): Int32Array {
    const maxLength = this.json.maxLength;
    const artist = this.pieces(song.artists.join(', '));
    const title = this.pieces(song.title);
    const budget = maxLength - 6;
    let a = artist.length;
    let t = title.length;
    while (a + t > budget) {
      if (a > t) a--;
      else t--;
    }
    out.fill(PAD);
    let i = 0;
    out[i++] = CLS;
    const [decade, year] = this.yearIds(song.year);
    out[i++] = decade;
    out[i++] = year;
    out[i++] = SEP;
    for (let k = 0; k < a; k++) out[i++] = artist[k];
    out[i++] = SEP;
    for (let k = 0; k < t; k++) out[i++] = title[k];
    out[i++] = SEP;
    return out;
  }

  /** Tokens of an encoding, without padding (for reading and tests). */
  decode(ids: ArrayLike<number>): string[] {
    return Array.from(ids).filter((id) => id !== PAD).map((id) => this.vocab[id] ?? '[?]');
  }

  /** Number of pieces artists + title need before truncation (to choose maxLength). */
  length(song: SongText): number {
    return 6 + this.pieces(song.artists.join(', ')).length + this.pieces(song.title).length;
  }

  toJSON(): TokenizerJson {
    return this.json;
  }

  async save(file: string): Promise<void> {
    await writeFileAtomic(file, `${JSON.stringify(this.json)}\n`);
  }

  static async load(file: string): Promise<WordPieceTokenizer> {
    let json: TokenizerJson;
    try {
      json = JSON.parse(await fs.readFile(file, 'utf8')) as TokenizerJson;
    } catch (error) {
      throw new HitcastError(`cannot read tokenizer ${file}: ${(error as Error).message}`, { fix: 'run `hitcast train-text` to write it', cause: error });
    }
    const rewrite = 'run `hitcast train-text` again to rewrite it';
    if (typeof json !== 'object' || json === null || json.format !== 'hitcast-wordpiece' || json.version !== 1) {
      throw new HitcastError(`${file} is not a hitcast WordPiece tokenizer (version 1)`, { fix: rewrite });
    }
    const problem = tokenizerJsonProblem(json);
    if (problem) throw new HitcastError(`tokenizer ${file} is damaged: ${problem}`, { fix: rewrite });
    try {
      return new WordPieceTokenizer(json);
    } catch (error) {
      if (!(error instanceof HitcastError)) throw error;
      throw new HitcastError(`tokenizer ${file} is damaged: ${error.message.replace(/^tokenizer /, '')}`, { fix: rewrite, cause: error });
    }
  }
}
