import { HitcastError } from '@hitcast/core';
import { reservedTokens, words, WordPieceTokenizer, YEAR_MAX, YEAR_MIN } from './tokenizer.ts';

/**
 * Word counts in bounded memory: when the table reaches 2·maxWords entries it keeps the maxWords most
 * frequent (ties by string order), so 586k titles never hold more than 2·maxWords words. Rare words
 * dropped this way would only have fed merges that the vocabulary budget cannot afford anyway.
 */
export class WordCounter {
  private counts = new Map<string, number>();
  pruned = 0;
  texts = 0;

  constructor(readonly maxWords = 100_000) {}

  add(text: string): void {
    this.texts++;
    for (const word of words(text)) this.counts.set(word, (this.counts.get(word) ?? 0) + 1);
    if (this.counts.size >= 2 * this.maxWords) {
      this.counts = new Map(this.top(this.maxWords));
      this.pruned++;
    }
  }

  /** The `n` most frequent words, most frequent first, ties in string order. */
  top(n = this.maxWords): [string, number][] {
    return [...this.counts].sort((x, y) => y[1] - x[1] || compare(x[0], y[0])).slice(0, n);
  }
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export interface TrainOptions {
  /** Most entries in the vocabulary, reserved tokens included. */
  vocabSize: number;
  maxLength: number;
  /** Share of character occurrences the base alphabet must cover; rarer characters become [UNK]. */
  characterCoverage?: number;
  /** Pairs seen fewer times than this are never merged (no piece for a one-off word). */
  minPairCount?: number;
  /** Kept in the tokenizer's training record (e.g. which rows it was trained on). */
  record?: Record<string, unknown>;
}

/**
 * Trains a WordPiece vocabulary from word counts the way Hugging Face's WordPieceTrainer does: start
 * from the characters (word-initial "c" and continuing "##c"), then repeatedly merge the most frequent
 * adjacent pair, adding the merged piece, until the vocabulary is full or no pair is frequent enough.
 * Deterministic: ties go to the pair whose (left, right) strings sort first.
 */
export function trainWordPiece(counter: WordCounter, options: TrainOptions): WordPieceTokenizer {
  const coverage = options.characterCoverage ?? 0.9995;
  const minPairCount = options.minPairCount ?? 2;
  const reserved = reservedTokens(YEAR_MIN, YEAR_MAX);
  const counted = counter.top();

  // Base alphabet: the most frequent characters covering `coverage` of all character occurrences, but
  // at most a quarter of the free vocabulary (each character may need "c" and "##c"), so thousands of
  // rare Han characters cannot crowd out the merged pieces; the rest become [UNK].
  const maxAlphabet = Math.floor((options.vocabSize - reserved.length) / 4);
  const charCounts = new Map<string, number>();
  let totalChars = 0;
  for (const [word, n] of counted) {
    for (const c of word) {
      charCounts.set(c, (charCounts.get(c) ?? 0) + n);
      totalChars += n;
    }
  }
  const alphabet = new Set<string>();
  let covered = 0;
  for (const [c, n] of [...charCounts].sort((x, y) => y[1] - x[1] || compare(x[0], y[0]))) {
    if (covered >= coverage * totalChars || alphabet.size >= maxAlphabet) break;
    alphabet.add(c);
    covered += n;
  }

  // Symbols are small integers; `tokens` maps them back to strings, `symbolOf` is the reverse.
  const tokens: string[] = [];
  const symbolOf = new Map<string, number>();
  const symbol = (token: string) => {
    let s = symbolOf.get(token);
    if (s === undefined) {
      s = tokens.length;
      tokens.push(token);
      symbolOf.set(token, s);
    }
    return s;
  };
  // Words as symbol sequences; a word with a character outside the alphabet cannot teach merges.
  const wordSymbols: number[][] = [];
  const wordCounts: number[] = [];
  for (const [word, n] of counted) {
    const chars = [...word];
    if (!chars.every((c) => alphabet.has(c))) continue;
    wordSymbols.push(chars.map((c, i) => symbol(i === 0 ? c : `##${c}`)));
    wordCounts.push(n);
  }
  const vocab = [...reserved, ...[...tokens].sort(compare)];
  const inVocab = new Set(vocab);
  if (vocab.length > options.vocabSize) {
    throw new HitcastError(`vocabSize ${options.vocabSize} is too small: ${reserved.length} reserved tokens and ${tokens.length} characters already need ${vocab.length}`, {
      fix: 'raise vocabSize in params.json',
    });
  }

  // Pair counts, which words hold each pair, and a max-heap of (count, pair) with lazy deletion.
  const SHIFT = 2 ** 21; // symbols stay below 2^21, so a·SHIFT + b is an exact pair key
  const pairCounts = new Map<number, number>();
  const pairWords = new Map<number, Set<number>>();
  const heap = new PairHeap(tokens, SHIFT);
  const change = (a: number, b: number, delta: number, word: number) => {
    const key = a * SHIFT + b;
    const n = (pairCounts.get(key) ?? 0) + delta;
    pairCounts.set(key, n);
    if (delta > 0) {
      let holders = pairWords.get(key);
      if (!holders) pairWords.set(key, (holders = new Set()));
      holders.add(word);
    }
    heap.push(n, key);
  };
  wordSymbols.forEach((s, w) => {
    for (let i = 0; i + 1 < s.length; i++) change(s[i], s[i + 1], wordCounts[w], w);
  });

  let merges = 0;
  while (vocab.length < options.vocabSize) {
    const best = heap.popValid(pairCounts);
    if (!best || best.count < minPairCount) break;
    const a = Math.floor(best.key / SHIFT);
    const b = best.key % SHIFT;
    const right = tokens[b];
    const merged = symbol(tokens[a] + (right.startsWith('##') ? right.slice(2) : right));
    if (tokens.length >= SHIFT) throw new Error('tokenizer training: too many symbols');
    for (const w of [...(pairWords.get(best.key) ?? [])].sort((x, y) => x - y)) {
      const s = wordSymbols[w];
      let holds = false;
      for (let i = 0; i + 1 < s.length && !holds; i++) holds = s[i] === a && s[i + 1] === b;
      if (!holds) continue;
      for (let i = 0; i + 1 < s.length; i++) change(s[i], s[i + 1], -wordCounts[w], w);
      const next: number[] = [];
      for (let i = 0; i < s.length; i++) {
        if (i + 1 < s.length && s[i] === a && s[i + 1] === b) {
          next.push(merged);
          i++;
        } else next.push(s[i]);
      }
      wordSymbols[w] = next;
      for (let i = 0; i + 1 < next.length; i++) change(next[i], next[i + 1], wordCounts[w], w);
    }
    pairWords.delete(best.key);
    merges++;
    if (!inVocab.has(tokens[merged])) {
      inVocab.add(tokens[merged]);
      vocab.push(tokens[merged]);
    }
  }

  return new WordPieceTokenizer({
    format: 'hitcast-wordpiece',
    version: 1,
    maxLength: options.maxLength,
    yearMin: YEAR_MIN,
    yearMax: YEAR_MAX,
    vocab,
    training: {
      texts: counter.texts,
      distinctWordsKept: counted.length,
      countTablePrunes: counter.pruned,
      alphabet: alphabet.size,
      alphabetCoverage: totalChars ? covered / totalChars : 1,
      characterCoverage: coverage,
      merges,
      requestedVocabSize: options.vocabSize,
      ...options.record,
    },
  });
}

/** Binary max-heap of (count, pair key); ties go to the pair whose strings sort first. Stale entries are skipped on pop. */
class PairHeap {
  private readonly counts: number[] = [];
  private readonly keys: number[] = [];

  constructor(
    private readonly tokens: string[],
    private readonly shift: number,
  ) {}

  private before(i: number, j: number): boolean {
    if (this.counts[i] !== this.counts[j]) return this.counts[i] > this.counts[j];
    const ai = Math.floor(this.keys[i] / this.shift);
    const aj = Math.floor(this.keys[j] / this.shift);
    if (ai !== aj) return this.tokens[ai] < this.tokens[aj];
    return this.tokens[this.keys[i] % this.shift] < this.tokens[this.keys[j] % this.shift];
  }

  private swap(i: number, j: number): void {
    [this.counts[i], this.counts[j]] = [this.counts[j], this.counts[i]];
    [this.keys[i], this.keys[j]] = [this.keys[j], this.keys[i]];
  }

  push(count: number, key: number): void {
    if (count <= 0) return;
    this.counts.push(count);
    this.keys.push(key);
    for (let i = this.counts.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (!this.before(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  /** Pops until the top entry still matches its pair's current count. */
  popValid(current: Map<number, number>): { count: number; key: number } | null {
    while (this.counts.length) {
      const count = this.counts[0];
      const key = this.keys[0];
      const last = this.counts.length - 1;
      this.swap(0, last);
      this.counts.pop();
      this.keys.pop();
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let top = i;
        if (l < this.counts.length && this.before(l, top)) top = l;
        if (r < this.counts.length && this.before(r, top)) top = r;
        if (top === i) break;
        this.swap(i, top);
        i = top;
      }
      if (current.get(key) === count) return { count, key };
    }
    return null;
  }
}
