import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { removeAtomicLeftovers, writeFileAtomic } from '../atomic.ts';
import { defaultLog } from '../log.ts';
import { writeStageManifest } from '../manifest.ts';
import { backendFromEnvironment, type BackendName } from '../tf/backend-names.ts';
import { resultParams, speedParams, type StageDefinition, type StageResult } from './definition.ts';
import { readStageParams } from './read-stage-params.ts';

export interface RunStageOptions<P> {
  /** Parameters file; without one, the defaults. */
  params?: string;
  /** Overrides of parameters from the command line (e.g. `--workers`). */
  overrides?: Partial<P>;
  /** Upstream artifact paths that differ from the definition's. */
  inputs?: Record<string, string | undefined>;
  out?: string;
  /** Forced backend; else HITCAST_BACKEND, else the best that loads. */
  backend?: BackendName;
  resume?: boolean;
  /** Stage-specific options, passed to its run function. */
  options?: Record<string, unknown>;
  log?: (line: string) => void;
}

/**
 * Runs a stage as its definition says: parameters read and checked, the backend selected (training
 * stages), the manifest of an earlier run and the leftovers of a killed one removed from `out`, the stage's
 * module loaded and run, its result-changing parameters written to `<out>/params.json`, and its manifest
 * written last — so a manifest means the stage finished. The same path serves the Nx target
 * (`core/bin/run-stage.mjs`) and the CLI subcommand.
 */
export async function runStage<P extends object>(definition: StageDefinition<P>, options: RunStageOptions<P> = {}): Promise<StageResult> {
  const log = options.log ?? defaultLog;
  const params = readStageParams(definition, options.params, options.overrides);
  const inputs = { ...definition.inputs };
  for (const [name, value] of Object.entries(options.inputs ?? {})) if (value !== undefined) inputs[name] = value;
  const out = options.out ?? definition.out;
  let backend: string | undefined;
  if (definition.usesBackend) {
    const { selectBackend } = await import('../tf/backend.ts');
    backend = (await selectBackend(options.backend ?? backendFromEnvironment(), { log })).name;
  }
  // A run killed part-way must not pass for a finished one: the manifest of an earlier run goes before
  // any output is replaced, and what the killed run's atomic writes left behind is removed, so it ends
  // up neither beside this run's outputs nor in the cache entry Nx stores from them.
  await rm(path.join(out, 'manifest.json'), { force: true });
  await removeAtomicLeftovers(out);
  const module = await definition.load();
  const result = await module.run({ params, inputs, out, backend, resume: Boolean(options.resume), options: options.options ?? {}, log });
  // The result-changing parameters beside the outputs: a stage downstream reads them as an artifact
  // (e.g. fusion builds the backbones' architectures from them) instead of another stage's params file.
  const paramsFile = path.join(out, 'params.json');
  await writeFileAtomic(paramsFile, `${JSON.stringify(resultParams(definition, params), null, 2)}\n`);
  await writeStageManifest(out, {
    stage: definition.name,
    params: { ...resultParams(definition, params), ...(backend ? { backend } : {}), speed: speedParams(definition, params) },
    inputs: result.inputs,
    outputs: [...result.outputs, paramsFile],
    summary: result.summary,
  });
  return result;
}

/** A CLI subcommand's action: loads the stage's definition module (light) and runs the stage. */
export async function runStageCommand<P extends object>(load: () => Promise<{ stage: StageDefinition<P> }>, options: RunStageOptions<P>): Promise<void> {
  const { stage } = await load();
  // Without --params, the committed parameters file when run from the checkout (as the Nx target uses it),
  // else the built-in defaults.
  const params = options.params ?? (existsSync(stage.params.file) ? stage.params.file : undefined);
  await runStage(stage, { ...options, params });
}
