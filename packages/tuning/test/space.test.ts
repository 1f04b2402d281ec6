import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SeededRng, HitcastError } from '@hitcast/core';
import { contains, parseSearchSpace, readSearchSpace, sampleUniform, searchSpaceToJson } from '../src/space.ts';
import { errorOf } from './helpers.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'hitcast-space-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));


describe('search space', () => {
  it('reads the three kinds with Optuna defaults filled in', () => {
    const space = parseSearchSpace(
      {
        $comment: 'documentation keys are skipped',
        lr: { type: 'float', low: 1e-5, high: 0.1, log: true },
        dropout: { type: 'float', low: 0, high: 0.5, step: 0.05 },
        batch: { type: 'int', low: 8, high: 64, step: 8 },
        units: { type: 'int', low: 1, high: 512, log: true },
        opt: { type: 'categorical', choices: ['adam', 'sgd', null, 3, true] },
      },
      'params.json',
    );
    expect(space.params.map((p) => p.name)).toEqual(['lr', 'dropout', 'batch', 'units', 'opt']);
    expect(searchSpaceToJson(space)).toEqual({
      lr: { type: 'float', low: 1e-5, high: 0.1, log: true },
      dropout: { type: 'float', low: 0, high: 0.5, log: false, step: 0.05 },
      batch: { type: 'int', low: 8, high: 64, log: false, step: 8 },
      units: { type: 'int', low: 1, high: 512, log: true, step: 1 },
      opt: { type: 'categorical', choices: ['adam', 'sgd', null, 3, true] },
    });
    const rng = new SeededRng('uniform');
    for (let i = 0; i < 300; i++) {
      for (const p of space.params) expect(contains(p, sampleUniform(p, rng))).toBe(true);
    }
    // grid values come out clean, not 0.15000000000000002
    const dropout = space.params[1];
    const seen = new Set(Array.from({ length: 300 }, () => sampleUniform(dropout, rng)));
    for (const v of seen) expect(String(v).length).toBeLessThanOrEqual(4);
  });

  const bad: [string, unknown, RegExp][] = [
    ['not an object', [1, 2], /must be a JSON object of parameters/],
    ['empty', {}, /declares no parameters/],
    ['unknown type', { lr: { type: 'loguniform', low: 1, high: 2 } }, /parameter "lr": unknown type "loguniform"/],
    ['unknown key', { lr: { type: 'float', low: 1e-5, high: 1, logg: true } }, /parameter "lr": unknown key "logg"/],
    ['missing bound', { lr: { type: 'float', low: 1e-5 } }, /parameter "lr": "high" must be a finite number/],
    ['low above high', { lr: { type: 'float', low: 1, high: 0.1 } }, /parameter "lr": low \(1\) is above high \(0.1\)/],
    ['log from 0', { lr: { type: 'float', low: 0, high: 1, log: true } }, /parameter "lr": "log": true needs low > 0/],
    ['log and step', { lr: { type: 'float', low: 0.1, high: 1, log: true, step: 0.1 } }, /cannot have both "log": true and a "step"/],
    ['step off the grid', { dropout: { type: 'float', low: 0, high: 0.52, step: 0.05 } }, /parameter "dropout": high \(0.52\) is not low \(0\) plus a whole number of steps/],
    ['negative step', { n: { type: 'int', low: 1, high: 9, step: -2 } }, /parameter "n": "step" must be a positive number/],
    ['fractional int', { n: { type: 'int', low: 1.5, high: 9 } }, /parameter "n": an int parameter needs integer bounds/],
    ['int log with step', { n: { type: 'int', low: 1, high: 9, log: true, step: 2 } }, /parameter "n": an int on a log scale must have step 1/],
    ['int log from 0', { n: { type: 'int', low: 0, high: 9, log: true } }, /parameter "n": "log": true needs low ≥ 1/],
    ['no choices', { opt: { type: 'categorical', choices: [] } }, /parameter "opt": "choices" must be a non-empty array/],
    ['object choice', { opt: { type: 'categorical', choices: [{ name: 'adam' }] } }, /parameter "opt": choice .* is not a string, number, boolean or null/],
    ['duplicate choice', { opt: { type: 'categorical', choices: ['adam', 'adam'] } }, /parameter "opt": choice "adam" is listed twice/],
    ['declaration not an object', { lr: 0.001 }, /parameter "lr" must be an object with a "type"/],
  ];
  for (const [what, spec, message] of bad) {
    it(`refuses a malformed space (${what}) naming the file and the parameter, with a fix`, () => {
      const error = errorOf(() => parseSearchSpace(spec, 'packages/tuning/params.json'));
      expect(error.message).toMatch(/^packages\/tuning\/params\.json: /);
      expect(error.message).toMatch(message);
      expect(error.fix).toBeTruthy();
    });
  }

  it('suggests the nearest grid value when high is off the grid', () => {
    expect(errorOf(() => parseSearchSpace({ b: { type: 'int', low: 8, high: 60, step: 8 } }, 'f')).fix).toMatch(/set high to 56/);
    expect(errorOf(() => parseSearchSpace({ d: { type: 'float', low: 0.1, high: 0.52, step: 0.05 } }, 'f')).fix).toMatch(/set high to 0.5 /);
  });

  it('reads a file, or one key of a params file, naming the file in errors', () => {
    const file = path.join(dir, 'params.json');
    writeFileSync(file, JSON.stringify({ nTrials: 20, space: { lr: { type: 'float', low: 1e-4, high: 1e-1, log: true } } }));
    expect(readSearchSpace(file, 'space').params[0].name).toBe('lr');
    writeFileSync(file, JSON.stringify({ space: { lr: { type: 'float', low: 0, high: 1e-1, log: true } } }));
    const error = errorOf(() => readSearchSpace(file, 'space'));
    expect(error.message).toContain(`${file} (key "space"): parameter "lr"`);
    expect(errorOf(() => readSearchSpace(file, 'searchSpace')).message).toContain(`${file} has no "searchSpace" key`);
    writeFileSync(file, '{"lr": {"type": "float",}}');
    expect(errorOf(() => readSearchSpace(file)).message).toContain(`${file} is not valid JSON`);
    expect(errorOf(() => readSearchSpace(path.join(dir, 'missing.json'))).message).toContain('missing.json (ENOENT)');
  });
});
