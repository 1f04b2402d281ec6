import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HitcastError } from '@hitcast/core/errors';
import { WordPieceTokenizer } from '../src/tokenizer.ts';

const shipped = JSON.parse(readFileSync(path.join(import.meta.dirname, '../../../trained_models/text-pretrained/tokenizer.json'), 'utf8'));
const dir = mkdtempSync(path.join(tmpdir(), 'hitcast-tokenizer-damage-'));
let n = 0;

async function loadWith(change: Record<string, unknown>): Promise<unknown> {
  const file = path.join(dir, `tokenizer-${++n}.json`);
  writeFileSync(file, JSON.stringify({ ...shipped, ...change }));
  return WordPieceTokenizer.load(file).then(
    () => undefined,
    (error: unknown) => {
      expect(error).toBeInstanceOf(HitcastError);
      expect((error as HitcastError).message).toContain(file);
      expect((error as HitcastError).fix).toMatch(/train-text/);
      return error;
    },
  );
}

describe('damaged tokenizer.json', () => {
  it('refuses a year range of 10^12 years before building a token for each year', async () => {
    expect(await loadWith({ yearMax: 1e12 })).toHaveProperty('message', expect.stringMatching(/yearMin and yearMax must be whole numbers at most 1000 years apart/));
  });

  it('refuses a maxLength too short for the fixed tokens, on which encode() would never end', async () => {
    expect(await loadWith({ maxLength: 3 })).toHaveProperty('message', expect.stringMatching(/maxLength must be a whole number from 6/));
  });

  it('refuses a vocabulary entry that is not a string', async () => {
    const vocab = [...shipped.vocab];
    vocab[1854] = -1e308;
    expect(await loadWith({ vocab })).toHaveProperty('message', expect.stringMatching(/vocab entry 1854 must be a non-empty string, got -1e\+308/));
  });

  it('names the file when the reserved tokens are wrong', async () => {
    const vocab = [...shipped.vocab];
    vocab[140] = 'x';
    expect(await loadWith({ vocab })).toHaveProperty('message', expect.stringMatching(/is damaged: vocabulary must start with the reserved tokens; id 140/));
  });

  it('loads a vocabulary of 200,000 tokens (no spread of the whole vocabulary onto the call stack)', async () => {
    const vocab = [...shipped.vocab, ...Array.from({ length: 200_000 }, (_, i) => `tok${i}`)];
    expect(await loadWith({ vocab })).toBeUndefined();
  });
});
