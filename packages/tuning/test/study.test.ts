import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HitcastError } from '@hitcast/core';
import { MedianPruner, NopPruner } from '../src/pruners.ts';
import { runTrials, TrialPruned } from '../src/run.ts';
import { RandomSampler } from '../src/samplers.ts';
import { parseSearchSpace } from '../src/space.ts';
import { Study, type StudyOptions } from '../src/study.ts';
import { errorOf } from './helpers.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'hitcast-study-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let counter = 0;
const journalPath = () => path.join(dir, `study-${++counter}`, 'journal.jsonl');

const space = parseSearchSpace(
  { lr: { type: 'float', low: 1e-5, high: 1e-1, log: true }, layers: { type: 'int', low: 1, high: 8 }, opt: { type: 'categorical', choices: ['adam', 'sgd'] } },
  'test space',
);

function open(file: string, options: StudyOptions = {}) {
  const warnings: string[] = [];
  const study = Study.open(file, { space, sampler: new RandomSampler({ seed: 1 }), warn: (m) => warnings.push(m), ...options });
  return { study, warnings };
}


function records(file: string): Record<string, unknown>[] {
  return readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
}

describe('median pruner on a scripted study', () => {
  it('prunes exactly the trials whose best value so far is worse than the median of complete trials at that step', async () => {
    // Validation-loss curves by trial number (minimise). Medians of trials 0–4 by step: 1.0, 0.8, 0.6, 0.5.
    const curves: number[][] = [
      [1.0, 0.8, 0.6, 0.5],
      [0.9, 0.7, 0.5, 0.4],
      [1.2, 1.0, 0.9, 0.8], // worse than the median so far, but within the 5 start-up trials: runs on
      [0.8, 0.6, 0.4, 0.3],
      [1.1, 0.9, 0.7, 0.6],
      [1.05, 0.5, 0.4, 0.3], // step 0: 1.05 > 1.0 → pruned
      [1.0, 0.85, 0.5, 0.45], // step 0: 1.0 is not worse than 1.0; step 1: best 0.85 > 0.8 → pruned
      [0.95, 0.75, 0.55, 0.35], // never worse: complete. Medians with it: 0.975, 0.775, 0.575, 0.45
      [0.7, 0.9, 0.9, 0.9], // best so far 0.7 carries it through step 1; step 2: 0.7 > 0.575 → pruned
      [NaN, 0.1, 0.1, 0.1], // NaN at step 0 → pruned
      [0.5, NaN, 0.45, 0.44], // a NaN among real values does not prune: complete
    ];
    const { study } = open(journalPath(), { pruner: new MedianPruner() });
    const prunedAt = new Map<number, number>();
    await runTrials({
      study,
      nTrials: curves.length,
      objective: (trial) => {
        const curve = curves[trial.number];
        for (const [step, value] of curve.entries()) {
          trial.report(step, value);
          if (trial.shouldPrune()) {
            prunedAt.set(trial.number, step);
            throw new TrialPruned();
          }
        }
        return curve[curve.length - 1];
      },
    });
    expect(Object.fromEntries(prunedAt)).toEqual({ 5: 0, 6: 1, 8: 2, 9: 0 });
    const trials = study.trials;
    expect(trials.map((t) => t.state)).toEqual(curves.map((_, n) => (prunedAt.has(n) ? 'pruned' : 'complete')));
    // A pruned trial's value is its last intermediate value (as in Optuna); NaN gives none.
    expect(trials[6].value).toBe(0.85);
    expect(trials[9].value).toBeUndefined();
    expect(study.bestTrial?.number).toBe(3);
    study.close();
  });
});

describe('study and journal', () => {
  it('records create, params, reports, heartbeats and results, and replays them on open', async () => {
    const file = journalPath();
    const { study } = open(file, { heartbeatSeconds: 0.05, staleAfterSeconds: 10 });
    const trial = study.ask();
    expect(trial.number).toBe(0);
    expect(trial.suggestFloat('lr')).toBe(trial.params.lr);
    trial.report(0, 0.5);
    trial.report(1, Infinity);
    await new Promise((r) => setTimeout(r, 150)); // a few heartbeats
    study.tell(trial, 0.25);
    const failed = study.ask();
    study.tell(failed, NaN); // NaN fails, as in Optuna
    const ops = records(file).map((r) => r.op);
    expect(ops.slice(0, 5)).toEqual(['create_study', 'create_trial', 'set_params', 'report', 'report']);
    expect(ops.filter((op) => op === 'heartbeat').length).toBeGreaterThanOrEqual(1);
    expect(records(file).find((r) => r.op === 'report' && r.step === 1)?.value).toBe('Infinity');

    const { study: again } = open(file);
    expect(again.trials).toEqual(study.trials);
    expect(again.trials.map((t) => t.state)).toEqual(['complete', 'failed']);
    expect(again.trials[1].failReason).toBe('the objective returned NaN');
    expect([...again.trials[0].intermediateValues]).toEqual([
      [0, 0.5],
      [1, Infinity],
    ]);
    expect(again.bestTrial?.value).toBe(0.25);
    study.close();
  });

  it('warns about a repeated step or a result for a finished trial, and refuses undeclared parameters', () => {
    const { study, warnings } = open(journalPath());
    const trial = study.ask();
    trial.report(0, 1);
    trial.report(0, 2);
    expect(trial.frozen.intermediateValues.get(0)).toBe(1);
    expect(errorOf(() => trial.suggestFloat('momentum')).message).toMatch(/parameter "momentum" is not in the search space/);
    expect(errorOf(() => trial.suggestFloat('layers')).fix).toMatch(/suggestInt/);
    study.tell(trial, 1);
    study.tell(trial, 2);
    expect(study.trials[0].value).toBe(1);
    expect(warnings.join('\n')).toMatch(/already reported step 0[\s\S]*already complete/);
    study.close();
  });

  it('keeps the space and direction it was created with', () => {
    const file = journalPath();
    open(file).study.close();
    const other = parseSearchSpace({ lr: { type: 'float', low: 1e-6, high: 1e-1, log: true }, layers: { type: 'int', low: 1, high: 8 }, opt: { type: 'categorical', choices: ['adam', 'sgd'] } }, 'x');
    const error = errorOf(() => open(file, { space: other }));
    expect(error.message).toContain(file);
    expect(error.message).toContain('parameter "lr"');
    expect(errorOf(() => open(file, { direction: 'maximize' })).message).toMatch(/created to minimize, not to maximize/);
    expect(Study.open(file, { warn: () => {} }).space.params.map((p) => p.name)).toEqual(['lr', 'layers', 'opt']); // space from the journal
    expect(errorOf(() => Study.open(path.join(dir, 'none', 'journal.jsonl'))).message).toMatch(/holds no study yet, and no search space was given/);
  });

  it('names the file and the line of a malformed journal line', () => {
    const file = journalPath();
    const { study } = open(file);
    study.tell(study.ask(), 1);
    study.close();
    const lines = readFileSync(file, 'utf8').split('\n');
    const cases: [string, RegExp][] = [
      ['{"op":"report","trial":', /line 3: not valid JSON/],
      ['[1,2]', /line 3: not a JSON object/],
      ['{"op":"rename","trial":"x"}', /line 3: refers to trial "x"/],
      [JSON.stringify({ ...JSON.parse(lines[2]), op: 'rename' }), /line 3: unknown record "op": "rename"/],
      [JSON.stringify({ ...JSON.parse(lines[2]), params: { lr: 5 } }), /line 3: parameter "lr" = 5 is outside its declared range/],
    ];
    for (const [line, message] of cases) {
      const broken = [...lines];
      broken[2] = line;
      writeFileSync(file, broken.join('\n'));
      const error = errorOf(() => open(file));
      expect(error.message).toContain(`tuning journal ${file}, line 3`);
      expect(error.message).toMatch(message);
      expect(error.fix).toBeTruthy();
    }
    writeFileSync(file, '{"op":"create_trial"}\n');
    expect(errorOf(() => open(file)).message).toMatch(/line 1: expected the "create_study" record/);
  });

  it('leaves an incomplete last line to readers and cuts it off, with a warning, at the next write', () => {
    const file = journalPath();
    const { study } = open(file);
    study.tell(study.ask(), 1);
    study.close();
    appendFileSync(file, '{"op":"finish","trial":"abc","sta'); // a writer died mid-line
    const { study: reopened, warnings } = open(file);
    expect(reopened.trials).toHaveLength(1);
    expect(warnings).toEqual([]);
    reopened.tell(reopened.ask(), 2);
    expect(warnings.join()).toMatch(/removed an incomplete last line \(line 5, 33 bytes\)/); // after 4 whole lines
    expect(open(file).study.trials.map((t) => t.value)).toEqual([1, 2]);
    reopened.close();
  });

  it('breaks a lock left by a dead process at once, and an old one from another host after lockStaleSeconds', () => {
    const file = journalPath();
    open(file).study.close();
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(`${file}.lock`, JSON.stringify({ host: hostname(), pid: Number(dead.stdout), token: 'x' }));
    const { study, warnings } = open(file);
    const started = Date.now();
    study.tell(study.ask(), 1);
    expect(Date.now() - started).toBeLessThan(10_000); // not the 30 s an unknown holder gets
    expect(warnings.join()).toMatch(new RegExp(`broke the lock .* of pid ${dead.stdout}.*has exited`));

    writeFileSync(`${file}.lock`, JSON.stringify({ host: 'elsewhere', pid: 1, token: 'y' }));
    const old = (Date.now() - 60_000) / 1000;
    utimesSync(`${file}.lock`, old, old);
    study.tell(study.ask(), 2);
    expect(warnings.join()).toMatch(/broke the lock .* on elsewhere: it is \d+\.\d s old/);
    expect(existsSync(`${file}.lock`)).toBe(false);
    study.close();
  });

  it('marks a running trial failed once its heartbeat is older than the grace period, and carries on', async () => {
    const file = journalPath();
    const { study: gone } = open(file, { heartbeatSeconds: 0.05, staleAfterSeconds: 0.3 });
    gone.ask(); // its process "stops": no more heartbeats
    gone.close();
    const { study, warnings } = open(file, { heartbeatSeconds: 0.05, staleAfterSeconds: 0.3, pruner: new NopPruner() });
    const result = await runTrials({ study, nTrials: 3, pollSeconds: 0.05, objective: (t) => t.number });
    expect(result.stoppedBy).toBe('nTrials');
    const trials = study.trials;
    expect(trials.map((t) => t.state)).toEqual(['failed', 'complete', 'complete', 'complete']);
    expect(trials[0].failReason).toMatch(/no heartbeat for \d+\.\d s \(stale after 0.3 s\)/);
    expect(warnings.join()).toMatch(/trial 0 .* marked failed/);
    study.close();
  });

  it('runTrials: a pruned or failing objective, catchErrors, and a timeout', async () => {
    const { study } = open(journalPath(), { pruner: new NopPruner() });
    await expect(runTrials({ study, nTrials: 5, objective: () => Promise.reject(new Error('out of memory')) })).rejects.toThrow('out of memory');
    expect(study.trials[0].failReason).toBe('out of memory');
    const result = await runTrials({
      study,
      nTrials: 4,
      catchErrors: true,
      objective: (t) => {
        if (t.number % 3 === 1) throw new Error('diverged');
        if (t.number % 3 === 2) throw new TrialPruned();
        return t.number;
      },
    });
    // trials 1–6: failed, pruned, complete, failed, pruned, complete → 4 complete or pruned: done
    expect(result.trials.map((t) => t.state)).toEqual(['failed', 'pruned', 'complete', 'failed', 'pruned', 'complete']);
    const timed = await runTrials({ study, nTrials: 100, timeoutSeconds: 0.2, objective: () => new Promise<number>((r) => setTimeout(() => r(1), 60)) });
    expect(timed.stoppedBy).toBe('timeout');
    expect(timed.trials.length).toBeGreaterThanOrEqual(1);
    expect(timed.trials.length).toBeLessThanOrEqual(5);
    study.close();
  });
});
