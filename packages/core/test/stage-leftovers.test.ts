import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isAtomicLeftover, removeAtomicLeftovers, temporaryPathFor } from '../src/atomic.ts';
import { defineStage, runStage, type StageContext, type StageResult } from '../src/stage/index.ts';

const work = mkdtempSync(path.join(tmpdir(), 'hitcast-leftovers-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** What a run killed part-way leaves in a stage's output folder, beside an earlier run's outputs. */
function killedRun(out: string): string[] {
  mkdirSync(path.join(out, 'run-a', 'checkpoint'), { recursive: true });
  writeFileSync(path.join(out, 'manifest.json'), '{"stage":"an earlier run"}');
  writeFileSync(path.join(out, 'result.txt'), 'earlier');
  writeFileSync(path.join(out, 'run-a', 'checkpoint', 'state.json'), '{}');
  const leftovers = [
    temporaryPathFor(path.join(out, 'result.txt')), // withAtomicFile
    temporaryPathFor(path.join(out, 'run-a', 'checkpoint')), // saveCheckpoint (a folder)
    path.join(out, 'run-a', '.model.tmp-4242-0123abcd'), // saveModel
    path.join(out, 'run-a', '.model.old-4242-89abcdef'),
  ];
  writeFileSync(leftovers[0], 'half');
  for (const dir of leftovers.slice(1)) {
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'weights.bin'), 'half');
  }
  return leftovers;
}

function stageWriting(content: string | Error, seen: { at?: string[] } = {}) {
  return defineStage<{ value: number }>({
    name: 'leftovers',
    params: { file: 'none.json', defaults: { value: 1 }, speedOnly: [] },
    inputs: {},
    out: 'unused',
    usesBackend: false,
    load: async () => ({
      run: async ({ out }: StageContext<{ value: number }>): Promise<StageResult> => {
        seen.at = readdirSync(out, { recursive: true }).map(String).sort();
        if (content instanceof Error) throw content;
        writeFileSync(path.join(out, 'result.txt'), content);
        return { inputs: [], outputs: [path.join(out, 'result.txt')], summary: {} };
      },
    }),
  });
}

describe("leftovers of a killed stage run", () => {
  it('are named apart from every output', () => {
    expect(isAtomicLeftover(path.basename(temporaryPathFor('/a/tracks.arrow')))).toBe(true);
    expect(isAtomicLeftover(path.basename(temporaryPathFor('/a/run/checkpoint')))).toBe(true);
    expect(isAtomicLeftover('.model.tmp-12-0123abcd')).toBe(true);
    expect(isAtomicLeftover('.model.old-12-0123abcd')).toBe(true);
    for (const name of ['tracks.arrow', 'manifest.json', 'checkpoint', 'checkpoint.old', '.gitkeep', 'inputs-64x256.arrow', 'a.tmp', '.a.tmp']) {
      expect(isAtomicLeftover(name), name).toBe(false);
    }
  });

  it('are removed, with the earlier manifest, before the stage runs; its other outputs stay until replaced', async () => {
    const out = path.join(work, 'ok');
    const leftovers = killedRun(out);
    const seen: { at?: string[] } = {};
    await runStage(stageWriting('new', seen), { out, log: () => {} });
    // What the stage's code found: the earlier run's outputs and checkpoint, no leftover, no manifest.
    expect(seen.at).toEqual(['result.txt', 'run-a', path.join('run-a', 'checkpoint'), path.join('run-a', 'checkpoint', 'state.json')]);
    for (const file of leftovers) expect(existsSync(file), file).toBe(false);
    expect(readdirSync(out).sort()).toEqual(['manifest.json', 'params.json', 'result.txt', 'run-a']);
  });

  it('a run that fails (as a killed one) leaves no manifest to pass for finished', async () => {
    const out = path.join(work, 'failed');
    killedRun(out);
    await expect(runStage(stageWriting(new Error('killed')), { out, log: () => {} })).rejects.toThrow('killed');
    expect(existsSync(path.join(out, 'manifest.json'))).toBe(false);
    expect(readdirSync(out).filter(isAtomicLeftover)).toEqual([]);
  });

  it('are searched a few folders deep only, and an absent folder is no error', async () => {
    const deep = path.join(work, 'deep', 'a', 'b', 'c', 'd');
    mkdirSync(deep, { recursive: true });
    writeFileSync(path.join(deep, '.x.1.0123abcd.tmp'), '');
    writeFileSync(path.join(work, 'deep', 'a', 'b', 'c', '.x.1.0123abcd.tmp'), '');
    expect(await removeAtomicLeftovers(path.join(work, 'deep'))).toEqual([path.join(work, 'deep', 'a', 'b', 'c', '.x.1.0123abcd.tmp')]);
    expect(await removeAtomicLeftovers(path.join(work, 'absent'))).toEqual([]);
  });
});
