import { Argument, Command } from 'commander';
import { fetchKaggleDataset, KAGGLE_DATASETS } from '@hitcast/kaggle';

/** `hitcast fetch spotify|spectrograms --dest DIR`: downloads a Kaggle dataset with the kaggle CLI. */
export function registerFetchCommand(program: Command): void {
  program
    .command('fetch')
    .description('download a Kaggle dataset with the kaggle CLI (needs `pip install kaggle` and an API token)')
    .addArgument(new Argument('<dataset>', 'which dataset').choices(Object.keys(KAGGLE_DATASETS)))
    .requiredOption('--dest <dir>', 'folder to download and unzip into')
    .option('--force', 'download again even if DIR already holds a complete copy')
    .action(async (key: keyof typeof KAGGLE_DATASETS, options: { dest: string; force?: boolean }) => {
      const dataset = KAGGLE_DATASETS[key];
      const result = await fetchKaggleDataset({
        dataset,
        dest: options.dest,
        force: options.force,
        onOutput: (line) => console.error(line),
      });
      console.log(
        result.skipped
          ? `${dataset.slug}: already complete in ${result.dest} (${result.files} files); use --force to download again`
          : `${dataset.slug}: downloaded to ${result.dest} (${result.files} files checked)`,
      );
    });
}
