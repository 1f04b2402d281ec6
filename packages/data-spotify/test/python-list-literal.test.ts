import { describe, expect, it } from 'vitest';
import { parsePythonStringList, PythonLiteralError } from '../src/python-list-literal.ts';

describe('parsePythonStringList', () => {
  it.each([
    ["['Lady Gaga']", ['Lady Gaga']],
    ["['Jay Sean', 'Sean Paul', 'Lil Jon']", ['Jay Sean', 'Sean Paul', 'Lil Jon']],
    [`["Guns N' Roses"]`, ["Guns N' Roses"]],
    [`["John O'Callaghan", 'John Askew']`, ["John O'Callaghan", 'John Askew']],
    ["['A, B & C', 'D']", ['A, B & C', 'D']],
    [`['He said "hi"']`, ['He said "hi"']],
    [`['It\\'s "both"']`, [`It's "both"`]],
    ["['back\\\\slash']", ['back\\slash']],
    ["['Beyonc\\xe9', 'M\\u00d8', '\\U0001F3B5']", ['Beyoncé', 'MØ', '🎵']],
    ["['tab\\there']", ['tab\there']],
    ["['μ\\'s']", ["μ's"]],
    ['[]', []],
    ["[ 'spaced' ,  'out' , ]", ['spaced', 'out']],
  ])('%s', (text, expected) => {
    expect(parsePythonStringList(text)).toEqual(expected);
  });

  it.each([
    ["'Lady Gaga'", /expected "\["/],
    ["['unclosed]", /never closed/],
    ["['a' 'b']", /expected "," or "\]"/],
    ['[1, 2]', /expected a quoted string/],
    ["['a'] trailing", /unexpected text after/],
    ["['bad \\x4']", /bad \\x escape/],
  ])('refuses %s', (text, message) => {
    expect(() => parsePythonStringList(text)).toThrow(PythonLiteralError);
    expect(() => parsePythonStringList(text)).toThrow(message);
  });
});
