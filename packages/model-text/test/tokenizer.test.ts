import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLS, PAD, reservedTokens, SEP, UNK, words, WordPieceTokenizer, YEAR_MAX, YEAR_MIN } from '../src/tokenizer.ts';
import { trainWordPiece, WordCounter } from '../src/tokenizer-train.ts';

const CORPUS = [
  ['The Beatles', 'Hey Jude'],
  ['The Beatles', 'Let It Be - Remastered 2009'],
  ['Beyoncé', 'Halo'],
  ['Beyoncé', 'Crazy in Love'],
  ['Mark Ronson, Bruno Mars', 'Uptown Funk'],
  ['Bruno Mars', 'Just the Way You Are'],
  ['Céline Dion', 'My Heart Will Go On'],
  ['夢 夢', '夜大丈夫'],
  ['The Rolling Stones', 'Paint It Black'],
  ['The Rolling Stones', 'Love in Vain - Live'],
  ['Love', 'Alone Again Or'],
];

function train(corpus = CORPUS, vocabSize = 400, repeat = 3): WordPieceTokenizer {
  const counter = new WordCounter();
  for (let r = 0; r < repeat; r++) for (const [artist, title] of corpus) {
    counter.add(artist);
    counter.add(title);
  }
  return trainWordPiece(counter, { vocabSize, maxLength: 24 });
}

describe('normalisation and words', () => {
  it('lower-cases with NFKC, keeps accents and non-Latin letters, splits punctuation and CJK characters', () => {
    expect(words('Beyoncé – HALO (Live)')).toEqual(['beyoncé', '–', 'halo', '(', 'live', ')']);
    expect(words('ﬁne Ｔｏｋｙｏ')).toEqual(['fine', 'tokyo']); // NFKC: ligature and full-width letters
    expect(words("Don't")).toEqual(['don', "'", 't']);
    expect(words('夜大丈夫 ok夢')).toEqual(['夜', '大', '丈', '夫', 'ok', '夢']);
    expect(words('Ещё Раз')).toEqual(['ещё', 'раз']);
    // Composed and decomposed é are one word after NFKC.
    expect(words('Beyonce\u0301')).toEqual(words('Beyoncé'));
  });
});

describe('WordPiece training', () => {
  it('is deterministic and independent of the order of equal counts', () => {
    const a = train();
    const b = train();
    expect(b.vocab).toEqual(a.vocab);
    const reversed = train([...CORPUS].reverse());
    expect(reversed.vocab).toEqual(a.vocab);
  });

  it('starts with [PAD]=0 [UNK] [CLS] [SEP], then decade and year tokens', () => {
    const tokenizer = train();
    expect(tokenizer.vocab.slice(0, 4)).toEqual(['[PAD]', '[UNK]', '[CLS]', '[SEP]']);
    expect([PAD, UNK, CLS, SEP]).toEqual([0, 1, 2, 3]);
    const reserved = reservedTokens();
    expect(tokenizer.vocab.slice(0, reserved.length)).toEqual(reserved);
    expect(tokenizer.idOf('[1960s]')).toBeDefined();
    expect(tokenizer.idOf('[1968]')).toBeDefined();
  });

  it('learns whole-word pieces for frequent words and respects vocabSize', () => {
    const tokenizer = train();
    expect(tokenizer.vocabSize).toBeLessThanOrEqual(400);
    for (const word of ['the', 'beatles', 'stones', 'love']) expect(tokenizer.decode(tokenizer.pieces(word))).toEqual([word]);
    const small = train(CORPUS, reservedTokens().length + 90);
    expect(small.vocabSize).toBeLessThanOrEqual(reservedTokens().length + 90);
    expect(small.vocabSize).toBeLessThan(tokenizer.vocabSize);
  });

  it('refuses a vocabSize smaller than the reserved tokens and the alphabet', () => {
    expect(() => train(CORPUS, 50)).toThrow(/vocabSize 50 is too small/);
  });

  it('caps the alphabet so a long tail of rare characters cannot fill the vocabulary', () => {
    const counter = new WordCounter();
    for (let i = 0; i < 50; i++) counter.add('love songs');
    for (let c = 0; c < 400; c++) counter.add(String.fromCodePoint(0x4e00 + c)); // 400 Han characters, once each
    const vocabSize = reservedTokens().length + 100;
    const tokenizer = trainWordPiece(counter, { vocabSize, maxLength: 16 });
    expect(tokenizer.json.training?.alphabet).toBe(25);
    expect(tokenizer.decode(tokenizer.pieces('love songs'))).toEqual(['love', 'songs']);
    expect(tokenizer.decode(tokenizer.pieces(String.fromCodePoint(0x4e00 + 399)))).toEqual(['[UNK]']);
  });

  it('keeps the word counts bounded', () => {
    const counter = new WordCounter(10);
    for (let i = 0; i < 1000; i++) counter.add(`common word${i} common`);
    expect(counter.top().length).toBeLessThanOrEqual(10);
    expect(counter.top()[0]).toEqual(['common', expect.any(Number)]);
    expect(counter.pruned).toBeGreaterThan(0);
  });
});

describe('encoding', () => {
  const tokenizer = train();

  it('lays out [CLS] decade year [SEP] artists [SEP] title [SEP] and pads to maxLength', () => {
    const ids = tokenizer.encode({ artists: ['The Beatles'], title: 'Hey Jude', year: 1968 });
    expect(ids).toBeInstanceOf(Int32Array);
    expect(ids.length).toBe(24);
    expect(tokenizer.decode(ids)).toEqual(['[CLS]', '[1960s]', '[1968]', '[SEP]', 'the', 'beatles', '[SEP]', 'hey', 'jude', '[SEP]']);
    expect(Array.from(ids.slice(10))).toEqual(new Array(14).fill(PAD));
  });

  it('joins several artists with a comma', () => {
    const tokens = tokenizer.decode(tokenizer.encode({ artists: ['Mark Ronson', 'Bruno Mars'], title: 'Uptown Funk', year: 2014 }));
    expect(tokens.slice(4, 10)).toEqual(['mark', 'ronson', ',', 'bruno', 'mars', '[SEP]']);
  });

  it('clamps years outside the range to its ends', () => {
    expect(tokenizer.yearIds(1850)).toEqual(tokenizer.yearIds(YEAR_MIN));
    expect(tokenizer.yearIds(2100)).toEqual(tokenizer.yearIds(YEAR_MAX));
    expect(tokenizer.decode(tokenizer.yearIds(2021))).toEqual(['[2020s]', '[2021]']);
  });

  it('splits unknown words into known pieces and unknown characters into [UNK]', () => {
    const pieces = tokenizer.decode(tokenizer.pieces('Beatlove'));
    expect(pieces.join('').replace(/##/g, '')).toBe('beatlove');
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.slice(1).every((p) => p.startsWith('##'))).toBe(true);
    // "q" and "x" never occur in the corpus: each becomes [UNK] on its own, the rest keeps its pieces.
    const [first, ...rest] = tokenizer.decode(tokenizer.pieces('qlove'));
    expect(first).toBe('[UNK]');
    expect(rest.every((p) => p.startsWith('##'))).toBe(true);
    expect(rest.join('').replace(/##/g, '')).toBe('love');
    expect(tokenizer.decode(tokenizer.pieces('xxx'))).toEqual(['[UNK]', '[UNK]', '[UNK]']);
  });

  it('handles non-ASCII letters', () => {
    expect(tokenizer.decode(tokenizer.pieces('Beyoncé'))).toEqual(['beyoncé']);
    expect(tokenizer.decode(tokenizer.pieces('CÉLINE'))).toEqual(['céline']);
    expect(tokenizer.decode(tokenizer.pieces('夜大丈夫'))).toEqual(['夜', '大', '丈', '夫']);
  });

  it('truncates the longer of artists and title first, keeping every [SEP]', () => {
    const title = Array.from({ length: 40 }, () => 'love').join(' ');
    const ids = tokenizer.encode({ artists: ['The Beatles'], title, year: 1970 });
    const tokens = tokenizer.decode(ids);
    expect(tokens.length).toBe(24);
    expect(tokens.filter((t) => t === '[SEP]').length).toBe(3);
    expect(tokens.at(-1)).toBe('[SEP]');
    expect(tokens.slice(4, 7)).toEqual(['the', 'beatles', '[SEP]']);
  });

  it('saves and loads to identical encodings', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'hitcast-tok-')), 'tokenizer.json');
    await tokenizer.save(file);
    const loaded = await WordPieceTokenizer.load(file);
    expect(loaded.vocab).toEqual(tokenizer.vocab);
    const songs = [...CORPUS.map(([artist, title], i) => ({ artists: [artist], title, year: 1950 + i * 5 })), { artists: ['Xavier Q'], title: 'Ещё Раз', year: 2001 }];
    for (const song of songs) expect(loaded.encode(song)).toEqual(tokenizer.encode(song));
  });
});
