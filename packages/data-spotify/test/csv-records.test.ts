import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CsvChunkParser, readCsvRecords, type CsvRecord } from '../src/csv-records.ts';

async function readAll(text: string, chunkBytes: number): Promise<CsvRecord[]> {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'hitcast-csv-')), 'in.csv');
  writeFileSync(file, text);
  const out: CsvRecord[] = [];
  for await (const records of readCsvRecords(file, { chunkBytes })) out.push(...records);
  return out;
}

const tricky =
  '\ufeffid,name,artists\n' +
  '1,"Hey, Soul Sister","[\'Train\']"\n' +
  '2,"Moongil Kaadugalae (From ""Samurai"")",[\'Harris\']\r\n' +
  '3,"first line\nsecond line","[""Guns N\' Roses""]"\n' +
  '4,,[]\n' +
  '5,Beyoncé – Halo ☂,"[\'Beyoncé\', \'MØ\']"';

describe('readCsvRecords', () => {
  it('reads quoted commas, doubled quotes, newlines in quotes, CRLF, a BOM and a last line without newline', async () => {
    const records = await readAll(tricky, 1 << 20);
    expect(records.map((r) => r.fields)).toEqual([
      ['id', 'name', 'artists'],
      ['1', 'Hey, Soul Sister', "['Train']"],
      ['2', 'Moongil Kaadugalae (From "Samurai")', "['Harris']"],
      ['3', 'first line\nsecond line', `["Guns N' Roses"]`],
      ['4', '', '[]'],
      ['5', 'Beyoncé – Halo ☂', "['Beyoncé', 'MØ']"],
    ]);
    // Record 3 spans lines 5–6, so record 4 starts on line 7.
    expect(records.map((r) => r.line)).toEqual([1, 2, 3, 4, 6, 7]);
  });

  it('gives the same records whatever the chunk size (splits inside quotes, escapes, CRLF and multi-byte characters)', async () => {
    const whole = await readAll(tricky, 1 << 20);
    for (const chunkBytes of [1, 2, 3, 5, 7, 13]) {
      expect(await readAll(tricky, chunkBytes)).toEqual(whole);
    }
  });

  it('names the line of an unterminated quote instead of swallowing the rest of the file', () => {
    const parser = new CsvChunkParser('broken.csv');
    expect(() => parser.push('id,name\n1,ok\n2,"never closed\n3,x\n', true)).toThrow(/broken\.csv: line 3: a quoted field .* is never closed/);
  });

  it('keeps text after a closing quote, as pandas does', () => {
    const parser = new CsvChunkParser();
    expect(parser.push('"ab"cd,e\n', true)[0].fields).toEqual(['abcd', 'e']);
  });
});
