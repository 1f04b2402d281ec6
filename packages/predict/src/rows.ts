/**
 * Rows of a batch whose text is already checked and tokenised: read, decode and down-sample each
 * spectrogram, then run the model on every row that has its inputs. Shared by the main thread and the
 * prediction workers.
 */
import { isHitcastError } from '@hitcast/core/errors';
import { readSpectrogram } from './inputs.ts';
import type { ModelInputs, Predictor } from './predictor.ts';

export interface RowInput {
  /** The spectrogram file (absolute or relative to the working folder) and how the user wrote it. */
  file?: string;
  shownAs?: string;
  tokens?: Int32Array;
}

export type RowOutcome = { raw: number } | { error: string; fix?: string };

export async function predictRows(predictor: Predictor, rows: readonly RowInput[]): Promise<RowOutcome[]> {
  const spec = predictor.bundle.manifest.inputs.spectrogram;
  const prepared = await Promise.all(
    rows.map(async (row): Promise<ModelInputs | RowOutcome> => {
      if (!spec || row.file === undefined) return { tokens: row.tokens };
      try {
        return { tokens: row.tokens, pixels: (await readSpectrogram(row.file, spec, row.shownAs ?? row.file)).pixels };
      } catch (error) {
        if (!isHitcastError(error)) throw error;
        return { error: error.message, ...(error.fix ? { fix: error.fix } : {}) };
      }
    }),
  );
  const ready = prepared.filter((p): p is ModelInputs => !('error' in p));
  const raw = predictor.predict(ready);
  let k = 0;
  return prepared.map((p) => ('error' in p ? (p as RowOutcome) : { raw: raw[k++] }));
}
