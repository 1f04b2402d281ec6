/**
 * Numbers read straight from CSV bytes, with exactly the value `Number(text)` gives, so the byte-level
 * reader needs no substring per field. Plain decimals (`-7.2`, `120.0`, `8.13e-06`) with at most 15
 * significant digits and a small exponent are exact with one IEEE multiply or divide (Clinger's fast
 * path); longer ones go through `Number` on the (ASCII) text. Anything else (empty, spaces, hex,
 * `Infinity`) gives NaN: the caller then judges the row with the string rules.
 */

const ZERO = 48;
const NINE = 57;
const PLUS = 43;
const MINUS = 45;
const DOT = 46;
const LOWER_E = 101;
const UPPER_E = 69;

/** Powers of ten that are exact doubles (10^22 is the largest). */
const EXACT_POWERS_OF_TEN = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));
/** Below 10^15 every digit string is an exact double (< 2^53). */
const MAX_FAST_DIGITS = 15;

export function parseDecimalBytes(bytes: Buffer, start: number, end: number): number {
  let i = start;
  let negative = false;
  if (i < end) {
    const sign = bytes[i];
    if (sign === MINUS) {
      negative = true;
      i++;
    } else if (sign === PLUS) {
      i++;
    }
  }
  let mantissa = 0;
  let significantDigits = 0;
  let mantissaDigits = 0;
  let scale = 0; // power of ten the mantissa is multiplied by
  for (; i < end; i++) {
    const c = bytes[i];
    if (c < ZERO || c > NINE) break;
    mantissaDigits++;
    if (mantissa !== 0 || c !== ZERO) {
      significantDigits++;
      mantissa = mantissa * 10 + (c - ZERO);
    }
  }
  if (i < end && bytes[i] === DOT) {
    for (i++; i < end; i++) {
      const c = bytes[i];
      if (c < ZERO || c > NINE) break;
      mantissaDigits++;
      scale--;
      if (mantissa !== 0 || c !== ZERO) {
        significantDigits++;
        mantissa = mantissa * 10 + (c - ZERO);
      }
    }
  }
  if (mantissaDigits === 0) return NaN;
  if (i < end && (bytes[i] === LOWER_E || bytes[i] === UPPER_E)) {
    i++;
    let exponentNegative = false;
    if (i < end && (bytes[i] === MINUS || bytes[i] === PLUS)) exponentNegative = bytes[i++] === MINUS;
    let exponent = 0;
    let exponentDigits = 0;
    for (; i < end; i++) {
      const c = bytes[i];
      if (c < ZERO || c > NINE) break;
      exponentDigits++;
      if (exponent < 1e6) exponent = exponent * 10 + (c - ZERO); // beyond this the result is 0 or Infinity either way
    }
    if (exponentDigits === 0) return NaN;
    scale += exponentNegative ? -exponent : exponent;
  }
  if (i !== end) return NaN;
  if (mantissa === 0) return negative ? -0 : 0;
  if (significantDigits > MAX_FAST_DIGITS || scale < -22 || scale > 22) {
    // Exact but rare: let the engine round it. The bytes are all ASCII here, so latin1 is the text.
    return Number(bytes.toString('latin1', start, end));
  }
  const magnitude = scale < 0 ? mantissa / EXACT_POWERS_OF_TEN[-scale] : mantissa * EXACT_POWERS_OF_TEN[scale];
  return negative ? -magnitude : magnitude;
}
