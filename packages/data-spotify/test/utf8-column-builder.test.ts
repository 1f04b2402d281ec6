import { describe, expect, it } from 'vitest';
import { utf8Column, utf8ListColumn } from '@hitcast/core';
import { Utf8ColumnBuilder, Utf8ListColumnBuilder } from '../src/utf8-column-builder.ts';

const buffers = (data: { valueOffsets?: Int32Array; values?: Uint8Array; children: { valueOffsets?: Int32Array; values?: Uint8Array }[] }) => ({
  offsets: Array.from(data.valueOffsets ?? []),
  values: Array.from(data.values ?? []),
  children: data.children.map((child) => ({ offsets: Array.from(child.valueOffsets ?? []), values: Array.from(child.values ?? []) })),
});

describe('Utf8ColumnBuilder and Utf8ListColumnBuilder', () => {
  const strings = ['', 'a', 'Beyoncé', '夢 夢', '🎵', 'x'.repeat(100), 'line\nbreak'];

  it('build the buffers of core utf8Column, from bytes or strings, batch after batch, after discarded rows', () => {
    const builder = new Utf8ColumnBuilder(2, 1); // small, so it has to grow
    for (let batch = 0; batch < 2; batch++) {
      strings.forEach((value, i) => {
        const bytes = Buffer.from(`,${value},`, 'utf8');
        if (i % 2) builder.appendString(value);
        else builder.appendBytes(bytes, 1, bytes.length - 1);
      });
      expect(buffers(builder.finish() as never)).toEqual(buffers(utf8Column(strings) as never));
    }
  });

  it('build the buffers of core utf8ListColumn, dropping a row left open', () => {
    const rows = [[], ['A', 'B, C'], ['Beyoncé'], ['🎵', '', 'x']];
    const builder = new Utf8ListColumnBuilder(2);
    for (const row of rows) {
      builder.items.appendString('dropped');
      builder.discardOpenRow();
      for (const item of row) builder.items.appendString(item);
      builder.endRow();
    }
    expect(buffers(builder.finish() as never)).toEqual(buffers(utf8ListColumn(rows) as never));
  });
});
