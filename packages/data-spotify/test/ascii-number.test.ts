import { describe, expect, it } from 'vitest';
import { parseDecimalBytes } from '../src/ascii-number.ts';

const parse = (text: string) => {
  const bytes = Buffer.from(`x${text}y`, 'utf8'); // offsets inside a bigger buffer, as in the reader
  return parseDecimalBytes(bytes, 1, bytes.length - 1);
};

/** A deterministic stream of pseudo-random numbers in [0, 1). */
function random(seed: number): () => number {
  let state = seed;
  return () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32);
}

describe('parseDecimalBytes', () => {
  it.each(['0', '-0', '+7', '42', '007.50', '.5', '5.', '-7.2', '120.0', '8.13e-06', '1E5', '1e+2', '-0.0', '0e999', '1e22', '1e23', '1e-22', '1e-23',
    '0.30000000000000004', '123456789012345', '1234567890123456', '9007199254740993', '1e400', '-1e400', '1e-400', '0.000813', '2147483647', '2147483648',
    '1.7976931348623157e308', '5e-324', '0.1234567890123456789'])('%s gives Number(text)', (text) => {
    expect(Object.is(parse(text), Number(text))).toBe(true);
  });

  it.each(['', ' ', ' 5', '5 ', '.', '-', '+', 'e5', '1e', '1e+', '0x10', '0b1', 'Infinity', '-Infinity', 'NaN', '1_000', '1,5', '--1', '1.2.3', '١'])(
    '%j is not a plain decimal (NaN: the string rules decide)',
    (text) => expect(parse(text)).toBeNaN(),
  );

  it('agrees with Number on 20,000 random decimals like those in tracks.csv', () => {
    const next = random(1921);
    const digits = (count: number) => Array.from({ length: count }, () => Math.floor(next() * 10)).join('');
    for (let k = 0; k < 20_000; k++) {
      const sign = next() < 0.3 ? '-' : '';
      const whole = digits(Math.floor(next() * 4));
      const fraction = next() < 0.8 ? `.${digits(Math.floor(next() * 19))}` : '';
      const exponent = next() < 0.2 ? `e${next() < 0.5 ? '-' : '+'}${digits(1 + Math.floor(next() * 2))}` : '';
      const text = sign + (whole || (fraction.length > 1 ? '' : '0')) + fraction + exponent;
      expect(Object.is(parse(text), Number(text)), text).toBe(true);
    }
  });
});
