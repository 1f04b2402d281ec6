/**
 * CLI: write a synthetic Kaggle-layout tracks.csv.
 *
 *   npx tsx tools/synth/make-tracks.ts --rows 586672 --seed 1921 --out artifacts/synth/tracks.csv
 *   npx tsx tools/synth/make-tracks.ts --rows 4000 --seed 1921 --out datasets/spotify/tracks.csv \
 *       --readme datasets/spotify/README.md        # the committed sample and its README
 *
 * Same --seed and --rows give a byte-identical file. Progress goes to stderr, the summary to stdout.
 */
import { promises as fs } from 'node:fs';
import { parseArgs } from 'node:util';
import { HitcastError, describeError, writeFileAtomic } from '@hitcast/core';
import { sampleCommand, sampleReadme } from './tracks-report.ts';
import { REAL_TRACKS_ROWS } from './tracks.ts';
import { writeTracksCsv } from './write-tracks.ts';

const USAGE = `usage: npx tsx tools/synth/make-tracks.ts --out FILE [--rows N] [--seed S] [--readme FILE] [--quiet]
  --rows N       rows to write (default ${REAL_TRACKS_ROWS}, the size of the real file)
  --seed S       generator seed, any text (default 1921)
  --out FILE     CSV to write (created atomically)
  --readme FILE  also write a README documenting the file (used for datasets/spotify/)
  --quiet        no progress on stderr`;

function parseCli(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      options: {
        rows: { type: 'string', default: String(REAL_TRACKS_ROWS) },
        seed: { type: 'string', default: '1921' },
        out: { type: 'string' },
        readme: { type: 'string' },
        quiet: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }).values;
  } catch (error) {
    throw new HitcastError((error as Error).message, { fix: USAGE });
  }
}

async function main(argv: string[]): Promise<void> {
  const values = parseCli(argv);
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (!values.out) throw new HitcastError('--out FILE is required', { fix: USAGE });
  const rows = Number(values.rows);
  if (!Number.isSafeInteger(rows) || rows < 0) {
    throw new HitcastError(`--rows must be a whole number >= 0, got "${values.rows}"`, { fix: USAGE });
  }

  const started = performance.now();
  const report = await writeTracksCsv(values.out, { rows, seed: values.seed, progress: !values.quiet });
  const seconds = (performance.now() - started) / 1000;
  const { size } = await fs.stat(values.out);

  if (values.readme) {
    // The command is written out canonically (not from argv) so the README is reproducible.
    const command = sampleCommand({ rows, seed: values.seed, out: values.out, readme: values.readme });
    await writeFileAtomic(values.readme, sampleReadme(report, { seed: values.seed, command }));
  }

  const s = report.summary();
  console.log(
    `wrote ${values.out}: ${rows} rows, ${(size / 2 ** 20).toFixed(1)} MiB in ${seconds.toFixed(2)} s; ` +
      `popularity mean ${s.mean.toFixed(2)} sd ${s.sd.toFixed(2)} quartiles ${s.q1}/${s.median}/${s.q3} ` +
      `zeros ${(100 * s.zeroShare).toFixed(1)}% r(year) ${report.yearCorrelation().toFixed(3)}`,
  );
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(describeError(error));
  process.exitCode = error instanceof HitcastError ? 2 : 1;
});
