import path from 'node:path';

/**
 * One setting for real data: `HITCAST_DATA=/some/dir` points the data stages at the Kaggle downloads under
 * that folder instead of the committed sample in `datasets/`, and `hitcast fetch` downloads there by
 * default. The layout under the root, shared by the fetch command and the stage definitions:
 *
 *   <root>/spotify/tracks.csv                        hitcast fetch spotify        (Kaggle: tracks.csv …)
 *   <root>/billboard/spectrograms/<year>/<A>_-_<T>.png  hitcast fetch spectrograms  (Kaggle: spectrograms/…)
 */
export const DATA_ROOT_ENV = 'HITCAST_DATA';

export const DATA_ROOT_LAYOUT = {
  /** Where `hitcast fetch <dataset>` unzips each Kaggle archive. */
  downloads: { spotify: 'spotify', spectrograms: 'billboard' },
  tracksCsv: 'spotify/tracks.csv',
  spectrogramFolder: 'billboard/spectrograms',
} as const;

/** The data root from the environment, absolute, or undefined when unset (the committed sample is used). */
export function dataRoot(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env[DATA_ROOT_ENV]?.trim();
  return value ? path.resolve(value) : undefined;
}

/**
 * Parameters naming data files, moved under the data root when one is set and the parameter still names
 * the committed sample (its default): a path the user wrote into params.json themselves is kept.
 */
export function applyDataRoot<P extends object>(params: P, defaults: P, dataPaths: Partial<Record<keyof P & string, string>> | undefined, env: NodeJS.ProcessEnv = process.env): P {
  const root = dataRoot(env);
  if (!root || !dataPaths) return params;
  const out = { ...params } as Record<string, unknown>;
  for (const [key, relative] of Object.entries(dataPaths) as [string, string][]) {
    if (out[key] === (defaults as Record<string, unknown>)[key]) out[key] = path.join(root, relative);
  }
  return out as P;
}
