import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Journal } from '../src/journal.ts';
import { errorOf } from './helpers.ts';

describe('a damaged tuning journal', () => {
  it('refuses a line nested 100,000 levels deep instead of overflowing the stack when it is printed', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'hitcast-journal-damage-')), 'journal.jsonl');
    const deep = '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000);
    writeFileSync(file, `{"op":"create_study"}\n{"op":"report","value":${deep}}\n`);
    const journal = new Journal(file, { lockStaleSeconds: 30, warn: () => undefined });
    const error = errorOf(() => journal.readNew());
    expect(error.message).toMatch(new RegExp(`tuning journal ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, line 2: values nested more than 32 levels deep`));
    expect(error.fix).toMatch(/restore the line/);
  });
});
