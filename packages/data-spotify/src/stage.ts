import { checks, DATA_ROOT_LAYOUT, defineStage } from '@hitcast/core/stage';
import { SPOTIFY_DEFAULTS, type SpotifyParams } from './params.ts';

/** Stage data-spotify: the Kaggle tracks.csv → tracks.arrow (+ rejects.csv). */
export const stage = defineStage<SpotifyParams>({
  name: 'data-spotify',
  params: {
    file: 'packages/data-spotify/params.json',
    defaults: SPOTIFY_DEFAULTS,
    speedOnly: ['batchRows'], // the record-batch layout of tracks.arrow, not its rows
    dataPaths: { csv: DATA_ROOT_LAYOUT.tracksCsv },
    check: (p) => [...checks.positiveInteger('batchRows', p.batchRows), ...(p.csv ? [] : ['csv must name the Kaggle tracks.csv'])],
  },
  inputs: {},
  out: 'artifacts/data-spotify',
  usesBackend: false,
  load: () => import('./stage-run.ts'),
});
