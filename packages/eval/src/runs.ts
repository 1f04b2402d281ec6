import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { ArtifactReader, HitcastError } from '@hitcast/core';
import { PREDICTIONS_SPEC, type EpochRecord, type Split } from '@hitcast/core/training';
import type { EntryKind, SongPrediction } from './types.ts';

/** A trained run the evaluation reads: where it lives and how the report names it. */
export interface RunSpec {
  stage: 'model-text' | 'model-cnn' | 'model-fusion';
  run: string;
  kind: Exclude<EntryKind, 'baseline'>;
  label: string;
  /** The original study's ±15 share for the same configuration, on its own data (0–1). */
  originalWithin15?: number;
}

/**
 * The study's four configurations, then the two pre-trained backbones on their own. The original
 * figures are those the study reported (its only test metric), beside ours for reference: they were
 * measured on its own 3,195-song data and split, not on these songs.
 */
export const EVALUATED_RUNS: readonly RunSpec[] = [
  { stage: 'model-text', run: 'text-only', kind: 'configuration', label: '1. text only (naive)' },
  { stage: 'model-cnn', run: 'cnn-only', kind: 'configuration', label: '2. CNN only (naive)', originalWithin15: 0.3208 },
  { stage: 'model-fusion', run: 'combined-naive', kind: 'configuration', label: '3. combined, end to end (naive)', originalWithin15: 0.6042 },
  { stage: 'model-fusion', run: 'fusion-pretrained', kind: 'configuration', label: '4. pre-trained, frozen (fusion head trained)', originalWithin15: 0.6208 },
  { stage: 'model-text', run: 'text-pretrained', kind: 'backbone', label: 'Transformer pre-trained on the text set', originalWithin15: 0.6522 },
  { stage: 'model-cnn', run: 'cnn-pretrained', kind: 'backbone', label: 'CNN trained with augmentation' },
];

export interface LoadedRun {
  spec: RunSpec;
  predictions: SongPrediction[];
  history: EpochRecord[];
  bestEpoch?: number;
  backend?: string;
}

/** Reads a run's predictions.arrow and metrics.json from `<runsDir>/<stage>/<run>/`. */
export async function loadRun(runsDir: string, spec: RunSpec): Promise<LoadedRun> {
  const dir = path.join(runsDir, spec.stage, spec.run);
  const predictionsFile = path.join(dir, 'predictions.arrow');
  if (!existsSync(predictionsFile)) {
    throw new HitcastError(`run ${spec.stage}/${spec.run} has no predictions (${predictionsFile} is missing)`, {
      fix: `train it first: npx nx run ${spec.stage}:train`,
    });
  }
  const reader = await ArtifactReader.open(predictionsFile, PREDICTIONS_SPEC);
  const predictions: SongPrediction[] = [];
  try {
    for await (const batch of reader.batches()) {
      const [ids, splits, predicted, actual] = ['id', 'split', 'predicted', 'actual'].map((name) => batch.getChild(name)!);
      for (let i = 0; i < batch.numRows; i++) {
        predictions.push({ id: ids.get(i) as string, split: splits.get(i) as Split, predicted: predicted.get(i) as number, actual: actual.get(i) as number });
      }
    }
  } finally {
    await reader.close();
  }
  const metricsFile = path.join(dir, 'metrics.json');
  let report: { fit?: { history?: EpochRecord[]; bestEpoch?: number }; backend?: string } = {};
  try {
    report = JSON.parse(await fs.readFile(metricsFile, 'utf8'));
  } catch (error) {
    throw new HitcastError(`cannot read ${metricsFile}: ${(error as Error).message}`, { fix: `re-run npx nx run ${spec.stage}:train` });
  }
  return { spec, predictions, history: report.fit?.history ?? [], bestEpoch: report.fit?.bestEpoch, backend: report.backend };
}

/**
 * Lines a run's predictions up with the merged set's songs (in `ids` order), clamped to 0–100 (some runs
 * store raw outputs, which may stray outside the scale; clamping never increases an error). A run that lacks a song
 * or disagrees on its split or popularity was trained on another songs.arrow: judging it on these test
 * songs would mix two data sets, so that is an error.
 */
export function alignPredictions(run: LoadedRun, ids: readonly string[], splits: readonly Split[], popularity: ArrayLike<number>): Float64Array {
  const byId = new Map(run.predictions.map((p) => [p.id, p]));
  const name = `${run.spec.stage}/${run.spec.run}`;
  const stale = (why: string) =>
    new HitcastError(`run ${name} does not fit the current merged set: ${why}`, {
      fix: `re-train it on the current songs.arrow: npx nx run ${run.spec.stage}:train --skip-nx-cache`,
    });
  if (run.predictions.length !== ids.length) throw stale(`it predicted ${run.predictions.length} songs, the merged set has ${ids.length}`);
  return Float64Array.from(ids, (id, i) => {
    const p = byId.get(id);
    if (!p) throw stale(`song ${id} has no prediction`);
    if (p.split !== splits[i]) throw stale(`song ${id} is in its ${p.split} split but in the ${splits[i]} split now`);
    if (Math.abs(p.actual - popularity[i]) > 1e-3) throw stale(`song ${id} has popularity ${p.actual} there but ${popularity[i]} now`);
    return Math.min(100, Math.max(0, p.predicted)); // popularity is 0–100: scored as `hitcast predict` reports it
  });
}
