/**
 * Text forms that the real Kaggle tracks.csv uses, because it was written by pandas:
 *  - floats as Python `repr(float)` (`0.0`, `0.588`, `8.13e-06`), not as JavaScript prints them
 *    (`0`, `0.00000813`);
 *  - list columns as Python `repr(list[str])` (`['A', 'B']`, `["O'Brien"]`);
 *  - CSV fields quoted the way Python's csv module does with QUOTE_MINIMAL.
 * Getting these byte-for-byte right is the point of the synthetic file: the product's parser has
 * to survive the real quirks, so the generator must reproduce them.
 */

/**
 * Python's `repr(float)`: the shortest digits that round-trip (same digits as JavaScript's
 * `toExponential()` without an argument), positional when 1e-4 <= |x| < 1e16, otherwise
 * scientific with a signed, at-least-two-digit exponent; integral values keep a `.0`.
 */
export function pythonFloat(x: number): string {
  if (!Number.isFinite(x)) throw new Error(`pythonFloat: not finite: ${x}`);
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(x);
  if (abs >= 1e-4 && abs < 1e16) {
    // Fast path: in this range JavaScript also prints positionally, with the same shortest digits.
    const text = String(x);
    return text.includes('.') ? text : `${text}.0`;
  }
  // Scientific: JavaScript writes 8.13e-6 / 1e+21, Python 8.13e-06 / 1e+21.
  const [mantissa, exponentText] = abs.toExponential().split('e');
  const exponent = Number(exponentText);
  const e = `${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  return `${x < 0 ? '-' : ''}${mantissa}e${e}`;
}

/** Rounds to `n` significant digits (how Spotify reports most audio features: 0.0438, 8.13e-06). */
export function roundSignificant(x: number, n = 3): number {
  return x === 0 ? 0 : Number(x.toPrecision(n));
}

/** Rounds to `n` decimals (danceability, loudness and tempo are reported with 3 decimals). */
export function roundDecimals(x: number, n = 3): number {
  const r = Number(x.toFixed(n));
  return r === 0 ? 0 : r; // never print "-0.0"
}

// Characters Python 3's str.isprintable() rejects (control, format, separators other than the
// ASCII space, unassigned, private use, surrogates): repr() writes them as escapes.
const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

/**
 * Python's `repr(str)`: single quotes, unless the text has a single quote and no double quote
 * (then double quotes, which is why `["Guns N' Roses"]` appears in the real file).
 */
const NEEDS_ESCAPE_OR_QUOTE_CHOICE = /['"\\\p{C}\p{Zl}\p{Zp}]|(?! )\p{Zs}/u;

export function pythonStrRepr(text: string): string {
  if (!NEEDS_ESCAPE_OR_QUOTE_CHOICE.test(text)) return `'${text}'`; // the common case
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of text) {
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch !== ' ' && NON_PRINTABLE.test(ch)) {
      const code = ch.codePointAt(0)!;
      if (code < 0x100) out += `\\x${code.toString(16).padStart(2, '0')}`;
      else if (code < 0x10000) out += `\\u${code.toString(16).padStart(4, '0')}`;
      else out += `\\U${code.toString(16).padStart(8, '0')}`;
    } else out += ch;
  }
  return out + quote;
}

/** Python's `repr(list[str])`: `['A', "B's", 'C']`. */
export function pythonListRepr(items: readonly string[]): string {
  return `[${items.map(pythonStrRepr).join(', ')}]`;
}

/** One CSV field as Python's csv writer (QUOTE_MINIMAL) writes it: quoted only when needed, `"` doubled. */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
