import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HitcastError } from '../src/errors.ts';
import { readParams } from '../src/params.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'hitcast-params-damage-'));
const defaults = { seed: 42, src: 'datasets' };

function errorFor(text: string): HitcastError {
  const file = path.join(dir, `params-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, text);
  try {
    readParams(file, defaults);
  } catch (error) {
    expect(error).toBeInstanceOf(HitcastError);
    expect((error as HitcastError).message).toContain(file);
    return error as HitcastError;
  }
  throw new Error('expected a HitcastError');
}

describe('damaged params files', () => {
  it('says how to fix a parameter of the wrong type', () => {
    expect(errorFor('{"seed": true}').fix).toBe('give "seed" a number, like its default 42');
  });

  it('says how to fix a file that holds no object', () => {
    const error = errorFor('2147483648');
    expect(error.message).toMatch(/must hold a JSON object of parameters, not 2147483648/);
    expect(error.fix).toMatch(/one JSON object/);
  });

  it('describes a deeply nested value instead of overflowing the stack printing it', () => {
    const deep = '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000);
    expect(errorFor(`{"src": ${deep}}`).message).toMatch(/parameter "src" must be a string, got a deeply nested object/);
  });
});
