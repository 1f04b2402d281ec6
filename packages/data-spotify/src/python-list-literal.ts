/**
 * Parses the Python list-of-strings literals that tracks.csv stores in `artists` and `id_artists`,
 * e.g. `['A, B & C', "Guns N' Roses", 'Beyonc\xe9']`. Python's repr picks single quotes unless the
 * string holds a single quote and no double quote, and escapes backslashes and unprintable characters,
 * so a proper string-literal reader is needed; splitting on commas mangles real names.
 */
export class PythonLiteralError extends Error {
  constructor(message: string, readonly position: number) {
    super(message);
    this.name = 'PythonLiteralError';
  }
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  n: '\n',
  r: '\r',
  t: '\t',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
};

export function parsePythonStringList(text: string): string[] {
  let i = skipSpace(text, 0);
  if (text[i] !== '[') throw new PythonLiteralError(`expected "[" at position ${i}`, i);
  i = skipSpace(text, i + 1);
  const items: string[] = [];
  if (text[i] === ']') return end(text, i + 1, items);
  for (;;) {
    const quote = text[i];
    if (quote !== "'" && quote !== '"') {
      throw new PythonLiteralError(`expected a quoted string at position ${i}, found ${JSON.stringify(text.slice(i, i + 10))}`, i);
    }
    const [value, next] = readString(text, i + 1, quote);
    items.push(value);
    i = skipSpace(text, next);
    if (text[i] === ',') {
      i = skipSpace(text, i + 1);
      if (text[i] === ']') return end(text, i + 1, items); // trailing comma
      continue;
    }
    if (text[i] === ']') return end(text, i + 1, items);
    throw new PythonLiteralError(`expected "," or "]" at position ${i}`, i);
  }
}

function end(text: string, i: number, items: string[]): string[] {
  const rest = skipSpace(text, i);
  if (rest !== text.length) throw new PythonLiteralError(`unexpected text after "]" at position ${rest}`, rest);
  return items;
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  return i;
}

/** Reads a string literal body after its opening quote; returns the value and the index after the closing quote. */
function readString(text: string, start: number, quote: string): [string, number] {
  let value = '';
  let i = start;
  for (;;) {
    const close = text.indexOf(quote, i);
    const backslash = text.indexOf('\\', i);
    if (close < 0) throw new PythonLiteralError(`string opened at position ${start - 1} is never closed`, start - 1);
    if (backslash < 0 || close < backslash) {
      return [value + text.slice(i, close), close + 1];
    }
    value += text.slice(i, backslash);
    const [decoded, next] = readEscape(text, backslash);
    value += decoded;
    i = next;
  }
}

function readEscape(text: string, at: number): [string, number] {
  const kind = text[at + 1];
  if (kind === undefined) throw new PythonLiteralError(`dangling backslash at position ${at}`, at);
  if (Object.hasOwn(SIMPLE_ESCAPES, kind)) return [SIMPLE_ESCAPES[kind], at + 2];
  if (kind === '\n') return ['', at + 2]; // line continuation
  const hexDigits = kind === 'x' ? 2 : kind === 'u' ? 4 : kind === 'U' ? 8 : 0;
  if (hexDigits) {
    const hex = text.slice(at + 2, at + 2 + hexDigits);
    if (hex.length !== hexDigits || !/^[0-9a-fA-F]+$/.test(hex)) {
      throw new PythonLiteralError(`bad \\${kind} escape at position ${at}`, at);
    }
    const code = parseInt(hex, 16);
    if (code > 0x10ffff) throw new PythonLiteralError(`escape \\${kind}${hex} is beyond Unicode at position ${at}`, at);
    return [String.fromCodePoint(code), at + 2 + hexDigits];
  }
  const octal = /^[0-7]{1,3}/.exec(text.slice(at + 1, at + 4));
  if (octal) return [String.fromCodePoint(parseInt(octal[0], 8)), at + 1 + octal[0].length];
  // Python keeps unknown escapes verbatim (with a warning).
  return ['\\' + kind, at + 2];
}

const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const COMMA = 44;
const SINGLE_QUOTE = 39;
const DOUBLE_QUOTE = 34;
const BACKSLASH = 92;

/** Where the byte-level reader puts each list item: its UTF-8 bytes, copied as they are. */
export interface StringItemSink {
  appendBytes(source: Buffer, start: number, end: number): void;
}

function skipSpaceBytes(bytes: Buffer, i: number, end: number): number {
  while (i < end) {
    const c = bytes[i];
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) break;
    i++;
  }
  return i;
}

/**
 * `parsePythonStringList` on UTF-8 bytes for the common case, items without backslash escapes: each
 * item's bytes go to `items` as they are. Returns false, having possibly appended some items, for
 * anything else (an escape, or text that is no list); the caller then discards them and uses
 * `parsePythonStringList` on the text, which also words the error.
 */
export function readPlainPythonStringList(bytes: Buffer, start: number, end: number, items: StringItemSink): boolean {
  let i = skipSpaceBytes(bytes, start, end);
  if (i >= end || bytes[i] !== OPEN_BRACKET) return false;
  i = skipSpaceBytes(bytes, i + 1, end);
  if (i < end && bytes[i] === CLOSE_BRACKET) return skipSpaceBytes(bytes, i + 1, end) === end;
  for (;;) {
    if (i >= end) return false;
    const quote = bytes[i];
    if (quote !== SINGLE_QUOTE && quote !== DOUBLE_QUOTE) return false;
    const itemStart = i + 1;
    let close = itemStart;
    for (;;) {
      if (close >= end) return false;
      const c = bytes[close];
      if (c === quote) break;
      if (c === BACKSLASH) return false;
      close++;
    }
    items.appendBytes(bytes, itemStart, close);
    i = skipSpaceBytes(bytes, close + 1, end);
    if (i < end && bytes[i] === COMMA) {
      i = skipSpaceBytes(bytes, i + 1, end);
      if (i < end && bytes[i] === CLOSE_BRACKET) return skipSpaceBytes(bytes, i + 1, end) === end; // trailing comma
      continue;
    }
    if (i < end && bytes[i] === CLOSE_BRACKET) return skipSpaceBytes(bytes, i + 1, end) === end;
    return false;
  }
}
