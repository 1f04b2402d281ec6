import path from 'node:path';
import { writeFileAtomic } from './atomic.ts';
import { fingerprintFile, type FileFingerprint } from './file-hash.ts';

/**
 * What a stage ran, on which inputs, with which parameters, and what it wrote: the per-stage record
 * (like a DVC lock entry) that lets a person diff two runs. Written last, so its presence means the
 * stage finished.
 */
export interface StageManifest {
  stage: string;
  command: string;
  finishedAt: string;
  params: Record<string, unknown>;
  inputs: FileFingerprint[];
  outputs: FileFingerprint[];
  summary: Record<string, unknown>;
}

export async function writeStageManifest(
  outDir: string,
  entry: { stage: string; params: Record<string, unknown>; inputs: string[]; outputs: string[]; summary: Record<string, unknown> },
): Promise<StageManifest> {
  const manifest: StageManifest = {
    stage: entry.stage,
    command: process.argv.slice(1).map((a) => path.basename(a) === a ? a : path.relative(process.cwd(), a) || a).join(' '),
    finishedAt: new Date().toISOString(),
    params: entry.params,
    inputs: await Promise.all(entry.inputs.map(fingerprintFile)),
    outputs: await Promise.all(entry.outputs.map(fingerprintFile)),
    summary: entry.summary,
  };
  await writeFileAtomic(path.join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
