import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendLine, copyWorkspace, editJson, makeModelsTiny, runNx, runTarget } from './nx-workspace.ts';

const json = (root: string, file: string) => JSON.parse(readFileSync(path.join(root, file), 'utf8'));
const ALL = ['data-spectrogram:build', 'data-spotify:build', 'eval:report', 'model-cnn:train', 'model-fusion:train', 'model-text:train'];

/**
 * The stage contract: every stage's cache key is exact. Each case edits a temporary copy of the workspace
 * and reads from Nx's own record of the run which tasks ran and which were restored. The models are made
 * tiny here (one epoch, small inputs) so that the re-runs are cheap; what is tested is which tasks run.
 */
describe('the cache keys of the pipeline stages', () => {
  it('re-run exactly the stages whose code, result-changing parameters, data, upstream artifacts or backend changed', { timeout: 600_000 }, () => {
    const root = copyWorkspace();
    makeModelsTiny(root);

    expect(runTarget(root, 'report').ran).toEqual(ALL);
    expect(runTarget(root, 'report')).toMatchObject({ ran: [], cached: ALL });

    // Code that no stage runs: a help text, the kaggle client, the pickle reader.
    const help = path.join(root, 'packages/model-cnn/src/command.ts');
    editText(help, 'train the spectrogram CNN on songs.arrow', 'train the CNN of spectrograms on songs.arrow');
    appendLine(path.join(root, 'packages/kaggle/src/kaggle.ts'), 'export const KAGGLE_EDITED = true;');
    appendLine(path.join(root, 'packages/pickle/src/unpickle.ts'), 'export const PICKLE_EDITED = true;');
    expect(runTarget(root, 'report').ran).toEqual([]);

    // Parameters that change no result: a comment, the worker counts (the model stages' shards give the
    // same weights on one thread as on two, see fit-shards.test.ts).
    editJson(path.join(root, 'packages/model-cnn/params.json'), { $comment: 'edited', workers: 1 });
    editJson(path.join(root, 'packages/model-text/params.json'), { workers: 1 });
    editJson(path.join(root, 'packages/model-fusion/params.json'), { workers: 1 });
    editJson(path.join(root, 'packages/data-spectrogram/params.json'), { workers: 1 });
    expect(runTarget(root, 'report').ran).toEqual([]);

    // A result-changing parameter of eval: eval only.
    editJson(path.join(root, 'packages/eval/params.json'), { bootstrapSeed: 2 });
    expect(runTarget(root, 'report').ran).toEqual(['eval:report']);

    // A behaviour change in model-cnn's training code: model-cnn, fusion (which imports model-cnn) and eval.
    appendLine(path.join(root, 'packages/model-cnn/src/train-cnn.ts'), 'export const TRAINING_EDITED = true;');
    expect(runTarget(root, 'report').ran).toEqual(['eval:report', 'model-cnn:train', 'model-fusion:train']);

    // The code fusion itself runs from model-cnn (the network it builds for the combined run).
    appendLine(path.join(root, 'packages/model-cnn/src/cnn.ts'), 'export const NETWORK_EDITED = true;');
    expect(runTarget(root, 'report').ran).toContain('model-fusion:train');

    // The resampler: data-spectrogram and everything after it, with no stored row reused.
    appendLine(path.join(root, 'packages/data-spectrogram/src/resample/zoom.ts'), 'export const RESAMPLER_EDITED = true;');
    expect(runTarget(root, 'report')).toMatchObject({ ran: ALL.filter((t) => t !== 'data-spotify:build'), cached: ['data-spotify:build'] });
    expect(json(root, 'artifacts/data-spectrogram/manifest.json').summary).toMatchObject({ reused: 0, resampled: 100 });

    // Tuning: a study on the sample, its best values applied to params.json, then exactly the affected stages re-run.
    const tuningParams = json(root, 'packages/tuning/params.json');
    tuningParams.models.fusion = { ...tuningParams.models.fusion, trials: 3 };
    writeFileSync(path.join(root, 'packages/tuning/params.json'), JSON.stringify(tuningParams, null, 2));
    expect(runNx(root, ['run', 'tuning:tune-fusion']).ran).toEqual(['tuning:tune-fusion']);
    const summary = json(root, 'artifacts/tuning/fusion/summary.json');
    expect(summary.trials.filter((t: { state: string }) => t.state === 'complete' || t.state === 'pruned')).toHaveLength(3);
    const before = json(root, 'packages/model-fusion/params.json');
    execFileSync(process.execPath, ['packages/cli/bin/hitcast.mjs', 'tune', 'apply', '--model', 'fusion'], { cwd: root, stdio: 'pipe' });
    const after = json(root, 'packages/model-fusion/params.json');
    expect(after).toEqual({ ...before, ...summary.bestParams });
    expect(runTarget(root, 'report').ran).toEqual(['eval:report', 'model-fusion:train']);
    expect(readFileSync(path.join(root, 'artifacts/eval/report.html'), 'utf8')).not.toContain('No tuning study has been run yet');

    // Another backend is another cache entry: its outputs never stand in for the default backend's, nor the reverse.
    const text = (backend?: string) => runNx(root, ['run', 'model-text:train'], backend ? { HITCAST_BACKEND: backend } : {});
    expect(text('cpu').ran).toEqual(['model-text:train']);
    expect(json(root, 'artifacts/model-text/text-only/metrics.json').backend).toBe('cpu');
    expect(text().cached).toContain('model-text:train');
    expect(json(root, 'artifacts/model-text/text-only/metrics.json').backend).toBe('wasm');
    expect(text('cpu').cached).toContain('model-text:train');
    expect(json(root, 'artifacts/model-text/text-only/metrics.json').backend).toBe('cpu');
  });
});

function editText(file: string, from: string, to: string): void {
  const text = readFileSync(file, 'utf8');
  if (!text.includes(from)) throw new Error(`${file} does not contain "${from}"`);
  writeFileSync(file, text.replace(from, to));
}
