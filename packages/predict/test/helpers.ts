import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BundleManifest } from '../src/bundle-format.ts';

export const repo = path.resolve(import.meta.dirname, '../../..');
export const bin = path.join(repo, 'node_modules', '.bin', 'hitcast');
export const trainedModels = path.join(repo, 'trained_models');
/** The bundles shipped in trained_models/, trained on the committed sample. */
export const SHIPPED = ['fusion-pretrained', 'text-pretrained', 'cnn-pretrained'] as const;

export const bundleDir = (name: string) => path.join(trainedModels, name);
export const manifestOf = (dir: string): BundleManifest => JSON.parse(readFileSync(path.join(dir, 'bundle.json'), 'utf8'));

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the installed `hitcast` bin exactly as `npx hitcast` would (asynchronously, so tests can run several at once). */
export function hitcast(args: string[], options: { cwd?: string } = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(bin, args, { cwd: options.cwd ?? repo, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 1 << 24 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

export function tempDir(tag: string): string {
  return mkdtempSync(path.join(tmpdir(), `hitcast-${tag}-`));
}

/** A copy of a shipped bundle that a test may break. */
export function bundleCopy(name: string): string {
  const dir = path.join(tempDir('bundle'), name);
  cpSync(bundleDir(name), dir, { recursive: true });
  return dir;
}
