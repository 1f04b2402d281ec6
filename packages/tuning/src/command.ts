import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { parseBackendOption, type BackendName } from '@hitcast/core/tf/backends';
import { TUNED_MODELS, type TunedModel } from './models.ts';

/** Registers `hitcast tune` and `hitcast tune apply`; the tuning code loads only when one runs. */
export function registerTuneCommands(program: Command): void {
  const tune = program
    .command('tune')
    .enablePositionalOptions() // options after `apply` are apply's own
    .description('add Optuna-style trials (TPE + median pruning) to a model\'s study until it holds N finished or pruned trials; search spaces and budgets in packages/tuning/params.json')
    .option('--model <model>', `the model to tune (${TUNED_MODELS.join(', ')})`, parseModel)
    .option('--trials <n>', 'complete + pruned trials the study should hold (default: the budget in packages/tuning/params.json)', positiveInteger)
    .option('--study <file>', 'the study journal, shared by every process tuning it (default: artifacts/tuning/<model>/study-<space>.jsonl)')
    .option('--timeout <seconds>', 'start no new trial after this long', positiveInteger)
    .option('--params <file>', 'search spaces and budgets (default: packages/tuning/params.json)')
    .option('--artifacts <dir>', "the pipeline's artifacts folder (default: artifacts)")
    .option('--backend <name>', 'tfjs backend (tensorflow-gpu, webgpu, tensorflow, wasm, cpu; webgpu also runs on a software adapter when named); default: $HITCAST_BACKEND, else the best that loads', parseBackendOption)
    .action(async (o: { model?: TunedModel; trials?: number; study?: string; timeout?: number; params?: string; artifacts?: string; backend?: BackendName }) => {
      if (!o.model) tune.error(`error: required option '--model <model>' not specified (one of ${TUNED_MODELS.join(', ')})`);
      const { runTuneCommand } = await import('./tune-command.ts');
      await runTuneCommand({ ...o, model: o.model! });
    });
  tune
    .command('apply')
    .description("write the best trial's parameters into the model's params.json (git diff shows the change; Nx re-trains what it affects)")
    .requiredOption('--model <model>', `the tuned model (${TUNED_MODELS.join(', ')})`, parseModel)
    .option('--study <file>', 'the study journal (default: the last study `hitcast tune` ran for the model)')
    .option('--artifacts <dir>', "the pipeline's artifacts folder (default: artifacts)")
    .action(async (o: { model: TunedModel; study?: string; artifacts?: string }) => {
      const { applyBestParams } = await import('./tune.ts');
      await applyBestParams(o.model, { studyFile: o.study, artifacts: o.artifacts, log: (line) => console.log(line) });
    });
}

function parseModel(value: string): TunedModel {
  if ((TUNED_MODELS as readonly string[]).includes(value)) return value as TunedModel;
  throw new InvalidArgumentError(`must be one of ${TUNED_MODELS.join(', ')}`);
}

function positiveInteger(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new InvalidArgumentError('must be a positive whole number');
  return value;
}
