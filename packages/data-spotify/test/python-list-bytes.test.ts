import { describe, expect, it } from 'vitest';
import { parsePythonStringList, readPlainPythonStringList } from '../src/python-list-literal.ts';

function readPlain(text: string): string[] | null {
  const bytes = Buffer.from(`"${text}"`, 'utf8');
  const items: string[] = [];
  const sink = { appendBytes: (source: Buffer, start: number, end: number) => items.push(source.toString('utf8', start, end)) };
  return readPlainPythonStringList(bytes, 1, bytes.length - 1, sink) ? items : null;
}

function parseOrNull(text: string): string[] | null {
  try {
    return parsePythonStringList(text);
  } catch {
    return null;
  }
}

describe('readPlainPythonStringList', () => {
  it.each([
    "['Lady Gaga']",
    "['Jay Sean', 'Sean Paul', 'Lil Jon']",
    `["Guns N' Roses"]`,
    `["John O'Callaghan", 'John Askew']`,
    "['A, B & C', 'D']",
    `['He said "hi"']`,
    "['μ', '夢 夢', '🎵']",
    '[]',
    ' [ ] ',
    "[ 'spaced' ,  'out' , ]",
    "\t['tab']\r\n",
  ])('reads %s as parsePythonStringList does', (text) => {
    expect(readPlain(text)).toEqual(parsePythonStringList(text));
  });

  it.each([
    `['It\\'s "both"']`,
    "['back\\\\slash']",
    "['Beyonc\\xe9']",
    "'Lady Gaga'",
    "['unclosed]",
    "['a' 'b']",
    '[1, 2]',
    "['a'] trailing",
    '[',
    "['a',",
    '',
  ])('leaves %s to parsePythonStringList', (text) => {
    expect(readPlain(text)).toBeNull();
  });

  it('never accepts what parsePythonStringList refuses, nor reads it differently', () => {
    const pieces = ['[', ']', "'", '"', ',', ' ', 'a', 'é', '\\', "'x'", '"y"'];
    let state = 7;
    for (let k = 0; k < 20_000; k++) {
      let text = '';
      const length = 1 + (k % 9);
      for (let p = 0; p < length; p++) text += pieces[(state = (Math.imul(state, 1103515245) + 12345) >>> 0) % pieces.length];
      const plain = readPlain(text);
      if (plain !== null) expect(plain, text).toEqual(parseOrNull(text));
    }
  });
});
