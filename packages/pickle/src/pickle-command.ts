import path from 'node:path';
import { HitcastError } from '@hitcast/core';

export interface PickleCommandOptions {
  out: string;
}

/** `hitcast pickle`: one pickle to one Arrow file. */
export async function runPickleCommand(file: string, options: PickleCommandOptions): Promise<void> {
  if (path.resolve(file) === path.resolve(options.out)) throw new HitcastError('--out must differ from the input file');
  const { convertPickle } = await import('./index.ts');
  const summary = await convertPickle({ input: file, output: options.out, log: (line) => console.error(line) });
  console.log(`${file}: ${summary.kind}, ${summary.rows} rows → ${options.out}`);
  for (const column of summary.columns) {
    console.log(`  ${column.name}: ${column.type}${column.shape ? ` shape [${column.shape.join(', ')}]` : ''}`);
  }
}
