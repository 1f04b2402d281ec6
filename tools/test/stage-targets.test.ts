import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadStageDefinition } from '@hitcast/core/stage';

const repo = path.resolve(import.meta.dirname, '../..');
const STAGES = { 'data-spotify': 'build', 'data-spectrogram': 'build', 'model-text': 'train', 'model-cnn': 'train', 'model-fusion': 'train', eval: 'report' } as const;

type Input = string | { runtime?: string; dependentTasksOutputFiles?: string; externalDependencies?: string[] };

/**
 * Each stage's Nx target and its definition (src/stage.ts) describe the same stage: the target runs the
 * definition through the one entry point, caches the definition's output folder, keys on its code, its
 * dependencies' code and the stage-key tool (result parameters, data, backend), and on every upstream
 * artifact file the definition reads.
 */
describe('stage targets agree with the stage definitions', () => {
  for (const [name, target] of Object.entries(STAGES)) {
    it(name, async () => {
      const definition = await loadStageDefinition(path.join(repo, 'packages', name));
      const project = JSON.parse(readFileSync(path.join(repo, 'packages', name, 'project.json'), 'utf8'));
      const task = project.targets[target];
      expect(definition.name).toBe(name);
      expect(task.options.command).toBe(`node packages/core/bin/run-stage.mjs packages/${name}`);
      expect(task.outputs).toEqual([`{workspaceRoot}/${definition.out}`]);
      expect(task.cache).toBe(true);
      const inputs = task.inputs as Input[];
      expect(inputs).toContain('code');
      expect(inputs).toContain('^code');
      expect(inputs).toContainEqual({ runtime: `node --import tsx tools/nx/stage-key.ts packages/${name}` });
      expect(inputs.some((i) => typeof i === 'object' && i.externalDependencies)).toBe(true);
      // No parameters file hashed whole: its $comment and speed-only keys would re-run the stage.
      expect(inputs.filter((i) => typeof i === 'string' && i.includes('params'))).toEqual([]);
      const globs = inputs.flatMap((i) => (typeof i === 'object' && i.dependentTasksOutputFiles ? [i.dependentTasksOutputFiles] : []));
      for (const [input, file] of Object.entries(definition.inputs)) {
        if (definition.untrackedInputs?.includes(input) || !path.extname(file)) continue; // folders: checked by the contract test
        expect(globs.some((g) => path.matchesGlob(file, g)), `${input} (${file}) is not among the target's upstream outputs`).toBe(true);
      }
      const declaredUpstream = new Set(Object.values(definition.inputs).map((file) => file.split('/')[1]).filter((stage) => stage && stage !== name));
      const dependsOn = new Set((task.dependsOn ?? []).flatMap((d: { projects: string[] }) => d.projects));
      if (name === 'data-spectrogram') dependsOn.add('data-spotify'); // via targetDefaults: build dependsOn ^build
      for (const stage of declaredUpstream) if (stage !== 'tuning' && stage !== undefined && STAGES[stage as keyof typeof STAGES]) expect(dependsOn.has(stage), `${name} reads ${stage}'s artifacts`).toBe(true);
    });
  }
});
