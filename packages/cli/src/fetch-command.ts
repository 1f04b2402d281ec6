import path from 'node:path';
import { Argument, Command } from 'commander';
import { HitcastError } from '@hitcast/core/errors';
import { DATA_ROOT_ENV, DATA_ROOT_LAYOUT, dataRoot } from '@hitcast/core/stage/data-root';
import { fetchKaggleDataset, KAGGLE_DATASETS } from '@hitcast/kaggle';

/**
 * `hitcast fetch spotify|spectrograms [--dest DIR]`: downloads a Kaggle dataset with the kaggle CLI. Without
 * --dest it downloads under the data root (HITCAST_DATA), where the data stages then read it.
 */
export function registerFetchCommand(program: Command): void {
  program
    .command('fetch')
    .description(`download a Kaggle dataset with the kaggle CLI (needs \`pip install kaggle\` and an API token) into ${DATA_ROOT_ENV} or --dest`)
    .addArgument(new Argument('<dataset>', 'which dataset').choices(Object.keys(KAGGLE_DATASETS)))
    .option('--dest <dir>', `folder to download and unzip into (default: $${DATA_ROOT_ENV}/${DATA_ROOT_LAYOUT.downloads.spotify} or /${DATA_ROOT_LAYOUT.downloads.spectrograms}, where the pipeline reads it)`)
    .option('--force', 'download again even if DIR already holds a complete copy')
    .action(async (key: keyof typeof KAGGLE_DATASETS, options: { dest?: string; force?: boolean }) => {
      const dataset = KAGGLE_DATASETS[key];
      const root = dataRoot();
      const dest = options.dest ?? (root ? path.join(root, DATA_ROOT_LAYOUT.downloads[key]) : undefined);
      if (!dest) {
        throw new HitcastError('where to download? Neither --dest nor the data root is set', {
          fix: `set ${DATA_ROOT_ENV}=/path/to/data (the pipeline then reads the download from there too), or pass --dest DIR`,
        });
      }
      const result = await fetchKaggleDataset({ dataset, dest, force: options.force, onOutput: (line) => console.error(line) });
      console.log(
        result.skipped
          ? `${dataset.slug}: already complete in ${result.dest} (${result.files} files); use --force to download again`
          : `${dataset.slug}: downloaded to ${result.dest} (${result.files} files checked)`,
      );
      if (root && options.dest === undefined) console.log(`the data stages read it from ${DATA_ROOT_ENV}=${root}: npx nx run-many -t build,train,report`);
    });
}
