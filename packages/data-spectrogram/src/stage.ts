import { checks, DATA_ROOT_LAYOUT, defineStage } from '@hitcast/core/stage';
import { SPECTROGRAM_DEFAULTS, type SpectrogramParams } from './params.ts';

/** Stage data-spectrogram: spectrogram PNGs → the merged set (songs.arrow) and the text set (text.arrow). */
export const stage = defineStage<SpectrogramParams>({
  name: 'data-spectrogram',
  params: {
    file: 'packages/data-spectrogram/params.json',
    defaults: SPECTROGRAM_DEFAULTS,
    speedOnly: ['workers'],
    dataPaths: { src: DATA_ROOT_LAYOUT.spectrogramFolder },
    check: (p) => [
      ...checks.positiveInteger('width', p.width),
      ...checks.positiveInteger('height', p.height),
      ...checks.nonNegativeInteger('yearsBefore', p.yearsBefore),
      ...checks.nonNegativeInteger('yearsAfter', p.yearsAfter),
      ...checks.positiveInteger('workers', p.workers),
      ...(['{year}', '{artist}', '{title}'].every((part) => p.filePattern.includes(part)) ? [] : ['filePattern must contain {year}, {artist} and {title}']),
    ],
  },
  inputs: { tracks: 'artifacts/data-spotify/tracks.arrow' },
  out: 'artifacts/data-spectrogram',
  usesBackend: false,
  load: () => import('./stage-run.ts'),
});
