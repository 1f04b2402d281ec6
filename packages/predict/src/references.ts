/**
 * A bundle's reference songs: each one's inputs (its 256 × 1024 spectrogram in reference/, artist,
 * title, year) and the prediction its training run made for it. A bundle that loads and reproduces
 * them within `referenceTolerance` popularity points predicts as its run did.
 */
import path from 'node:path';
import type { ReferenceSong } from './bundle-format.ts';
import { readSpectrogram } from './inputs.ts';
import type { ModelInputs, Predictor } from './predictor.ts';
import { popularityOf } from './song.ts';

export interface ReferenceCheck {
  id: string;
  title: string;
  /** The run's prediction and the bundle's, both clamped to 0–100 (text runs wrote theirs clamped). */
  expected: number;
  got: number;
  difference: number;
  ok: boolean;
}

/** The model inputs of a reference song, its spectrogram read from `dir` (default: the predictor's bundle). */
export async function referenceInputs(predictor: Predictor, song: ReferenceSong, dir = predictor.bundle.dir): Promise<ModelInputs> {
  const { manifest } = predictor.bundle;
  const inputs: ModelInputs = {};
  if (manifest.inputs.spectrogram) {
    if (!song.spectrogram) throw new Error(`reference song ${song.id} has no spectrogram`);
    inputs.pixels = (await readSpectrogram(path.join(dir, song.spectrogram), manifest.inputs.spectrogram)).pixels;
  }
  if (manifest.inputs.text) inputs.tokens = predictor.tokenize(song);
  return inputs;
}

/** Predicts every reference song (one batch) and compares with the run's predictions. */
export async function checkReferences(predictor: Predictor): Promise<ReferenceCheck[]> {
  const { references, referenceTolerance } = predictor.bundle.manifest;
  const inputs = await Promise.all(references.map((song) => referenceInputs(predictor, song)));
  const raw = predictor.predict(inputs);
  return references.map((song, i) => {
    const expected = popularityOf(song.predicted).popularity;
    const got = popularityOf(raw[i]).popularity;
    const difference = Math.abs(got - expected);
    return { id: song.id, title: song.title, expected, got, difference, ok: difference <= referenceTolerance };
  });
}
