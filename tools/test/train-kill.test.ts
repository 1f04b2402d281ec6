import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAtomicLeftover } from '@hitcast/core';
import { killProcessTree, runningProcesses } from './nx-workspace.ts';

/**
 * "SIGKILL a training mid-epoch on the wasm backend: `--resume` reaches exactly the weights of an
 * uninterrupted run." `hitcast train-cnn` trains cnn-pretrained (augmentation, dropout, each batch in 2
 * shards on 2 threads, as the committed parameters have it) on the committed sample with tiny inputs; one
 * run is SIGKILLed in the middle of epoch 2, after epoch 1's checkpoint, and resumed with `--resume`; its
 * model, checkpoint, predictions and history must equal those of a run never interrupted, bit for bit.
 */

const repo = path.resolve(import.meta.dirname, '../..');
const RUN = 'cnn-pretrained';
const EPOCHS = 4;
const work = mkdtempSync(path.join(tmpdir(), 'hitcast-train-kill-'));
const songs = path.join(work, 'data-spectrogram', 'songs.arrow');
const params = path.join(work, 'params.json');
// The committed sample, whatever HITCAST_DATA says.
const { HITCAST_DATA: _dataRoot, ...inherited } = process.env;
const env = { ...inherited, NO_COLOR: '1', HITCAST_BACKEND: 'wasm' };

const json = (file: string) => JSON.parse(readFileSync(file, 'utf8'));

afterAll(() => rmSync(work, { recursive: true, force: true }));

beforeAll(() => {
  // The merged set of the committed sample, as the data stages write it.
  const stage = (...args: string[]) => {
    const result = spawnSync(process.execPath, ['packages/core/bin/run-stage.mjs', ...args], { cwd: repo, encoding: 'utf8', env });
    if (result.status !== 0) throw new Error(`run-stage ${args.join(' ')}: ${result.stderr}`);
  };
  stage('packages/data-spotify', '--out', path.join(work, 'data-spotify'));
  stage('packages/data-spectrogram', '--out', path.join(work, 'data-spectrogram'), '--tracks', path.join(work, 'data-spotify', 'tracks.arrow'));
  // Tiny inputs and batches of 4, so an epoch has about 20 batches (a line after the 10th) and takes ~1 s.
  const committed = json(path.join(repo, 'packages/model-cnn/params.json'));
  writeFileSync(params, JSON.stringify({ ...committed, epochs: EPOCHS, patience: EPOCHS, inputHeight: 16, inputWidth: 64, batchSize: 4, shards: 2, workers: 2 }));
}, 120_000);

function trainCnn(out: string, ...extra: string[]) {
  return spawn(process.execPath, ['packages/cli/bin/hitcast.mjs', 'train-cnn', '--songs', songs, '--out', out, '--params', params, '--run', RUN, '--backend', 'wasm', ...extra], {
    cwd: repo,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
}

/** Runs train-cnn to its end; rejects unless it exits 0. Resolves with what it printed. */
async function trainToEnd(out: string, ...extra: string[]): Promise<string> {
  const child = trainCnn(out, ...extra);
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const [code] = await once(child, 'exit');
  if (code !== 0) throw new Error(`train-cnn ${extra.join(' ')} exited with ${code}:\n${output}`);
  return output;
}

/** Starts train-cnn and SIGKILLs it (all its threads: the workers are threads of the same process) once `line` is printed. */
async function trainUntil(out: string, line: RegExp): Promise<string> {
  const child = trainCnn(out);
  let output = '';
  const exited = once(child, 'exit');
  const seen = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk;
      if (line.test(output)) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then(() => reject(new Error(`train-cnn ended before printing ${line}:\n${output}`)));
  });
  await seen;
  const killed = await killProcessTree(child.pid!);
  await exited;
  expect(killed).toContain(child.pid);
  expect(runningProcesses(killed)).toEqual([]);
  expect(child.signalCode).toBe('SIGKILL');
  return output;
}

const withoutSeconds = (history: { seconds: number }[]) => history.map(({ seconds, ...rest }) => rest);
const files = (dir: string) => readdirSync(dir, { recursive: true }).map(String).sort();

describe('a training killed mid-epoch (wasm backend, 2 shards on 2 threads)', () => {
  it('resumes with --resume to exactly the weights, checkpoint, predictions and history of an uninterrupted run', { timeout: 180_000 }, async () => {
    const whole = path.join(work, 'whole');
    const killed = path.join(work, 'killed');
    const run = (out: string, file: string) => path.join(out, RUN, file);

    // The uninterrupted run trains meanwhile (the kill waits for a line, so a slower machine only delays it).
    const uninterrupted = trainToEnd(whole);
    uninterrupted.catch(() => undefined); // awaited below; a failure before that is reported there

    // Killed after the 10th batch of epoch 2: epoch 1's checkpoint is on disk, epoch 2 is half trained.
    const log = await trainUntil(killed, new RegExp(`${RUN}: epoch 2/${EPOCHS}, batch 10,`));
    expect(log).toContain(`${RUN}: epoch 1/${EPOCHS}: train loss`);
    expect(log).not.toContain(`${RUN}: epoch 2/${EPOCHS}: train loss`);
    expect(json(run(killed, 'checkpoint/state.json')).epochsDone).toBe(1);
    for (const unfinished of ['model', 'metrics.json', 'predictions.arrow']) expect(existsSync(run(killed, unfinished)), unfinished).toBe(false);
    expect(existsSync(path.join(killed, 'manifest.json'))).toBe(false);

    const resumed = await trainToEnd(killed, '--resume');
    expect(resumed).toContain(`${RUN}: resumed after epoch 1`);
    expect(resumed).toContain(`${RUN}: each batch in 2 shards on 2 threads`);
    expect(await uninterrupted).toContain(`${RUN}: each batch in 2 shards on 2 threads`);
    expect(resumed).not.toContain(`${RUN}: epoch 1/${EPOCHS}:`);

    // The same files, nothing left over from the kill, and the same bytes: the model (the best epoch's
    // weights) and the checkpoint (the last epoch's weights, Adam's state), both trained after the kill.
    expect(files(killed).filter((name) => name.split(path.sep).some(isAtomicLeftover))).toEqual([]);
    expect(files(killed)).toEqual(files(whole));
    for (const file of ['model/weights.bin', 'model/model.json', 'predictions.arrow', 'run.json', ...readdirSync(run(whole, 'checkpoint')).filter((f) => f !== 'state.json').map((f) => `checkpoint/${f}`)]) {
      expect(readFileSync(run(killed, file)).equals(readFileSync(run(whole, file))), file).toBe(true);
    }
    const [state, wholeState] = [json(run(killed, 'checkpoint/state.json')), json(run(whole, 'checkpoint/state.json'))];
    expect({ ...state, history: withoutSeconds(state.history) }).toEqual({ ...wholeState, history: withoutSeconds(wholeState.history) });

    const [metrics, wholeMetrics] = [json(run(killed, 'metrics.json')), json(run(whole, 'metrics.json'))];
    expect(withoutSeconds(metrics.fit.history)).toEqual(withoutSeconds(wholeMetrics.fit.history));
    expect(metrics.fit.history.map((e: { epoch: number }) => e.epoch)).toEqual([1, 2, 3, 4]);
    expect({ ...metrics.fit, history: [], resumedFromEpoch: 0 }).toEqual({ ...wholeMetrics.fit, history: [] });
    expect(metrics.fit.resumedFromEpoch).toBe(1);
    for (const key of ['params', 'metrics', 'meanBaseline', 'backend']) expect(metrics[key], key).toEqual(wholeMetrics[key]);
    expect(metrics.backend).toBe('wasm');
  });
});
