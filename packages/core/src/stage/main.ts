import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { describeError, HitcastError, isHitcastError } from '../errors.ts';
import { parseBackendOption } from '../tf/backend-names.ts';
import type { StageDefinition } from './definition.ts';
import { runStage } from './run-stage.ts';

/** Imports `<packageDir>/src/stage.ts` and returns the stage definition it exports as `stage`. */
export async function loadStageDefinition(packageDir: string): Promise<StageDefinition<object>> {
  const file = path.resolve(packageDir, 'src', 'stage.ts');
  if (!existsSync(file)) throw new HitcastError(`${packageDir} declares no stage (${file} is missing)`, { fix: 'name a stage package, e.g. packages/model-cnn' });
  const module = (await import(pathToFileURL(file).href)) as { stage?: StageDefinition<object> };
  if (!module.stage) throw new HitcastError(`${file} does not export a stage definition named "stage"`);
  return module.stage;
}

/**
 * The Nx entry point of every stage: `node packages/core/bin/run-stage.mjs packages/<stage> [--<input> PATH]
 * [--params FILE] [--out DIR] [--backend NAME] [--resume]`. With no options it runs the stage as the
 * pipeline does: the committed parameters file and the definition's artifact paths. It imports nothing
 * but core and the stage's own code, so the stage's Nx hash covers exactly the code that runs.
 */
export async function runStageMain(argv: string[]): Promise<number> {
  try {
    const [packageDir, ...rest] = argv;
    if (!packageDir) throw new HitcastError('no stage given', { fix: 'usage: run-stage.mjs packages/<stage> [--params FILE] [--out DIR] [--<input> PATH] [--backend NAME] [--resume]' });
    const definition = await loadStageDefinition(packageDir);
    const inputNames = Object.keys(definition.inputs);
    const { values } = parseArgs({
      args: rest,
      strict: true,
      options: {
        params: { type: 'string' },
        out: { type: 'string' },
        backend: { type: 'string' },
        resume: { type: 'boolean' },
        ...Object.fromEntries(inputNames.map((name) => [name, { type: 'string' as const }])),
      },
    });
    const inputs = Object.fromEntries(inputNames.map((name) => [name, (values as Record<string, unknown>)[name] as string | undefined]));
    await runStage(definition, {
      params: (values.params as string | undefined) ?? definition.params.file,
      out: values.out as string | undefined,
      inputs,
      backend: values.backend === undefined ? undefined : parseBackendOption(values.backend as string),
      resume: Boolean(values.resume),
    });
    return 0;
  } catch (error) {
    console.error(describeError(error instanceof TypeError && (error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS') ? new HitcastError(error.message) : error));
    return isHitcastError(error) && error.exitCode !== undefined ? error.exitCode : 1;
  }
}
