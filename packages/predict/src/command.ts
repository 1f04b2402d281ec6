import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { parseBackendOption } from '@hitcast/core/tf/backends';
import type { ExportCommandOptions } from './export-command.ts';
import type { PredictCommandOptions } from './predict-command.ts';

const PREDICT_HELP = `
Output (stdout, JSON only; the backend line and notes go to stderr):
  one song: one JSON object {"popularity", "raw", "bundle": {name, kind, version, path}, "backend", "input", "notes"};
    popularity is the model's raw value clamped to 0–100.
  --csv:    one JSON object per row, in row order: {"row", "line", "input", "popularity", "raw"} or, for a row
    that could not be predicted, {"row", "line", "input", "error", "fix"}; with --out FILE.csv, the input
    columns followed by popularity, raw, error.

Inputs: a fusion bundle reads the spectrogram and artist, title, year; a text bundle only artist, title,
year; a CNN bundle only the spectrogram (inputs a bundle does not read are ignored, with a note).
The spectrogram may be a raw Kaggle PNG (any width; down-sampled to 1024×256 as the data stage does, then
to the CNN's input size as model-cnn does) or one already down-sampled to 1024×256 (only the second step).
Several artists: one string, separated by ", " (e.g. "Queen, David Bowie"). Year: 1900–2100.

--csv FILE: a header row naming the columns spectrogram, artist, title, year (those the bundle reads;
other columns are passed through), one song per row, spectrogram paths relative to FILE's folder.
A bad row (missing or corrupt PNG, empty title, year out of range, wrong field count) is reported on
stderr and in the output, and the other rows are still predicted.

Exit status: 0 every song predicted; 1 nothing predicted (bad bundle, bad arguments, unreadable CSV, or
the one song's input is bad); 2 (--csv only) some rows failed — the others are in the output.

Examples:
  npx hitcast predict --model trained_models/fusion-pretrained --spectrogram song.png --artist "Queen" --title "Under Pressure" --year 1981
  npx hitcast predict --model trained_models/text-pretrained --artist "Queen" --title "Under Pressure" --year 1981
  npx hitcast predict --model trained_models/fusion-pretrained --csv songs.csv --out predictions.csv`;

/** Registers `hitcast predict` and `hitcast export`; their code loads only when one runs, so other commands start fast. */
export function registerPredictCommands(program: Command): void {
  program
    .command('predict')
    .description("predict a song's popularity (0–100) with a model bundle (e.g. trained_models/fusion-pretrained): one song, or every row of a CSV file")
    .requiredOption('--model <dir>', 'model bundle folder (written by `hitcast export`; shipped: trained_models/fusion-pretrained, text-pretrained, cnn-pretrained)')
    .option('--spectrogram <file.png>', 'the song\'s CWT spectrogram: a raw Kaggle PNG or one down-sampled to 1024×256')
    .option('--artist <name>', 'artist(s) as Spotify credits them; several separated by ", "')
    .option('--title <title>', 'song title')
    .option('--year <year>', 'release year, 1900–2100')
    .option('--csv <file>', 'predict every row of this CSV file (columns spectrogram, artist, title, year; header row)')
    .option('--out <file>', 'with --csv: write the results to FILE.jsonl or FILE.csv instead of stdout')
    .option('--workers <n>', 'with --csv of 64 rows or more: worker threads that read the spectrograms and run the model, each with its own copy (0: all on the main thread; default: one per core)', nonNegativeInteger)
    .option('--backend <name>', 'tfjs backend (tensorflow-gpu, tensorflow, wasm, cpu; not webgpu, which cannot read results synchronously in Node); default: the best that loads, as in training', parseBackendOption)
    .addHelpText('after', PREDICT_HELP)
    .action(async (options: PredictCommandOptions) => {
      const { runPredictCommand } = await import('./predict-command.ts');
      await runPredictCommand(options);
    });

  program
    .command('export')
    .description('write a model bundle (model, tokenizer, input sizes, parameters, test metrics, reference songs) from a training run')
    .requiredOption('--run <stage/run>', 'the run to export, e.g. model-fusion/fusion-pretrained, model-text/text-pretrained, model-cnn/cnn-pretrained')
    .requiredOption('--out <dir>', 'bundle folder to write, e.g. trained_models/fusion-pretrained (replaced whole if it is a bundle)')
    .option('--artifacts <dir>', 'folder holding the stages\' outputs', 'artifacts')
    .option('--references <n>', 'reference songs to store (their run predictions are checked on export and by the tests)', positiveInteger, 5)
    .option('--backend <name>', 'tfjs backend for the reference check (tensorflow-gpu, tensorflow, wasm, cpu); default: the best that loads', parseBackendOption)
    .action(async (options: ExportCommandOptions) => {
      const { runExportCommand } = await import('./export-command.ts');
      await runExportCommand(options);
    });
}

function nonNegativeInteger(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new InvalidArgumentError('must be a whole number, 0 or more');
  return value;
}

function positiveInteger(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new InvalidArgumentError('must be a positive whole number');
  return value;
}
