import { describe, expect, it } from 'vitest';
import { formatTarget, targetVerdict } from '../../src/bench/targets.ts';

describe('bench target lines', () => {
  it('judges times against a ceiling and rates against a floor', () => {
    const time = { work: 'w', hitcast: 13, referenceName: 'PyTorch', reference: 10 };
    expect(targetVerdict({ ...time, goal: { max: 1.3 } }).verdict).toBe('met');
    expect(targetVerdict({ ...time, goal: { max: 1.2 } }).verdict).toBe('not met');
    expect(targetVerdict({ ...time, goal: { min: 1.0 } }).verdict).toBe('met');
    expect(targetVerdict({ ...time, hitcast: 9, goal: { min: 1.0 } }).verdict).toBe('not met');
  });

  it('says when the reference could not run instead of inventing a ratio', () => {
    const line = { work: 'CNN train', hitcast: 20, referenceName: 'PyTorch', reference: undefined, goal: { max: 1.3 }, note: 'python3-torch not installed' };
    expect(targetVerdict(line)).toEqual({ ratio: undefined, verdict: 'no reference' });
    expect(formatTarget(line)).toMatch(/^TARGET no reference .*\| CNN train \| hitcast 20\.0 \| PyTorch — \| — \| goal ≤ 1\.30× \(python3-torch not installed\)$/);
  });

  it('reports a ratio that has no goal without calling it met', () => {
    expect(formatTarget({ work: 'y', hitcast: 180, referenceName: 'PyTorch', reference: 92 })).toBe('TARGET reported     | y | hitcast 180 | PyTorch 92.0 | 1.96× | no goal');
  });

  it('prints the ratio as hitcast ÷ reference', () => {
    expect(formatTarget({ work: 'x', hitcast: 31.1, referenceName: 'PyTorch', reference: 15.9, goal: { max: 1.3 } }))
      .toBe('TARGET not met      | x | hitcast 31.1 | PyTorch 15.9 | 1.96× | goal ≤ 1.30×');
  });
});
