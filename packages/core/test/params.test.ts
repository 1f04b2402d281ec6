import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readParams } from '../src/params.ts';

function file(text: string): string {
  const f = path.join(mkdtempSync(path.join(tmpdir(), 'hitcast-params-')), 'params.json');
  writeFileSync(f, text);
  return f;
}

const defaults = { epochs: 10, name: 'x', augment: true };

describe('readParams', () => {
  it('fills defaults, keeps given values and leaves "$comment" keys out', () => {
    expect(readParams(file('{"$comment": "docs", "epochs": 3}'), defaults)).toEqual({ epochs: 3, name: 'x', augment: true });
  });

  it('refuses unknown keys, wrong types and broken JSON, naming the file', () => {
    expect(() => readParams(file('{"epoch": 3}'), defaults)).toThrow(/params\.json: unknown parameter "epoch"/);
    expect(() => readParams(file('{"epochs": "3"}'), defaults)).toThrow(/parameter "epochs" must be a number, got "3"/);
    expect(() => readParams(file('{"epochs": 3,}'), defaults)).toThrow(/params\.json is not valid JSON/);
    expect(() => readParams(file('[1]'), defaults)).toThrow(/must hold a JSON object/);
    expect(() => readParams('/nonexistent/params.json', defaults)).toThrow(/cannot read parameters file/);
  });
});
