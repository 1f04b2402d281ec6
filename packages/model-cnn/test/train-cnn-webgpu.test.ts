import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertTracksCsv } from '@hitcast/data-spotify';
import { buildMergedDataset } from '@hitcast/data-spectrogram';
import { webgpuUnavailable } from '../../core/test/tf/webgpu-helpers.ts';

/**
 * `hitcast train-cnn --backend webgpu` as a user runs it, on whatever adapter Dawn finds (Mesa's lavapipe
 * on a machine without a GPU), beside the same command on the cpu backend: the committed sample's merged
 * set, the study CNN (grouped convolutions, batch norm, dropout, Adam, 2 shards) at 8 × 32 (the smallest
 * input its three poolings take: the cpu run sets the test's time), one epoch of 10 batches. Same seed,
 * same batches, same dropout masks: the losses may differ only by float32 rounding in other orders.
 * Tolerance: 1e-3 relative. Seen on lavapipe: 2e-8 on the training loss and 8e-6 on the validation loss
 * at 8 × 32; 3e-7 and 2e-4 at 16 × 64, where wasm against cpu differs as much.
 */
const TOLERANCE = 1e-3;
const repo = path.resolve(import.meta.dirname, '../../..');
const work = mkdtempSync(path.join(tmpdir(), 'hitcast-cnn-webgpu-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function hitcast(...args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(repo, 'packages/cli/bin/hitcast.mjs'), ...args], {
      cwd: repo,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

interface RunMetrics {
  backend: string;
  fit: { history: { trainLoss: number; validationLoss: number }[] };
}

if (webgpuUnavailable) console.log(`train-cnn-webgpu.test.ts skipped: ${webgpuUnavailable}`);

describe.skipIf(webgpuUnavailable !== null)('hitcast train-cnn --backend webgpu', () => {
  let songs: string;
  beforeAll(async () => {
    const { tracksFile } = await convertTracksCsv({ csv: path.join(repo, 'datasets/spotify/tracks.csv'), outDir: work, showProgress: false });
    const merged = await buildMergedDataset({
      src: path.join(repo, 'datasets/spectrograms'), tracksFile, outDir: work, filePattern: '{year}/{artist}_-_{title}.png',
      width: 1024, height: 256, yearsBefore: 2, yearsAfter: 1, workers: 2, showProgress: false,
    });
    songs = merged.songsFile;
  }, 120_000);

  it('trains on the adapter it names, with the losses of the cpu backend', async () => {
    const params = path.join(work, 'cnn.json');
    writeFileSync(params, JSON.stringify({ epochs: 1, inputHeight: 8, inputWidth: 32 }));
    const train = (backend: string, ...more: string[]) =>
      hitcast('train-cnn', '--songs', songs, '--params', params, '--out', path.join(work, backend), '--run', 'cnn-only', '--backend', backend, ...more);
    // webgpu with the stage's default workers (2): fit starts none on a device backend.
    const [gpu, cpu] = await Promise.all([train('webgpu'), train('cpu', '--workers', '1')]);
    expect(gpu.code, gpu.stderr).toBe(0);
    expect(cpu.code, cpu.stderr).toBe(0);
    expect(gpu.stderr).toMatch(/^tfjs backend: webgpu \(Dawn\) on .+\(asked for\)$/m);
    expect(gpu.stderr).toMatch(/^cnn-only: each batch in 2 shards on 1 thread$/m);

    const metrics = (backend: string) => JSON.parse(readFileSync(path.join(work, backend, 'cnn-only', 'metrics.json'), 'utf8')) as RunMetrics;
    const [g, c] = [metrics('webgpu'), metrics('cpu')];
    expect(g.backend).toBe('webgpu');
    expect(g.fit.history).toHaveLength(1);
    const relative = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
    expect(relative(g.fit.history[0].trainLoss, c.fit.history[0].trainLoss)).toBeLessThan(TOLERANCE);
    expect(relative(g.fit.history[0].validationLoss, c.fit.history[0].validationLoss)).toBeLessThan(TOLERANCE);

    // Every song's prediction (popularity, 0–100) from the restored best weights: within 0.05 points.
    const predicted = (backend: string) =>
      tableFromIPC(readFileSync(path.join(work, backend, 'cnn-only', 'predictions.arrow'))).getChild('predicted')!.toArray() as Float32Array;
    const [pg, pc] = [predicted('webgpu'), predicted('cpu')];
    expect(pg.length).toBe(100);
    expect(Math.max(...pg.map((v, i) => Math.abs(v - pc[i])))).toBeLessThan(0.05);
  });
});
