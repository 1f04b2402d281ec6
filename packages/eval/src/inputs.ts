import type { Vector } from 'apache-arrow';
import { ArtifactReader, Progress, type ArtifactSpec } from '@hitcast/core';
import { splitOf, type Split } from '@hitcast/core/training';
import { songsSpec, TEXT_SPEC } from '@hitcast/data-spectrogram';
import { ArtistHistoryBuilder, type ArtistHistory, type BaselineSong } from './baselines.ts';

/** Only the named columns of an artifact are checked and read (whatever else it holds). */
function columnsOf(spec: ArtifactSpec, names: string[]): ArtifactSpec {
  return { ...spec, fields: spec.fields.filter((f) => names.includes(f.name)) };
}

export interface MergedSongs {
  ids: string[];
  splits: Split[];
  popularity: Float64Array;
  /** What the baselines see of each song. */
  songs: BaselineSong[];
}

/** The merged set's text columns (spectrograms are dropped batch by batch), with each song's split. */
export async function readMergedSongs(songsFile: string): Promise<MergedSongs> {
  const reader = await ArtifactReader.open(songsFile, columnsOf(songsSpec(1024, 256), ['id', 'artists', 'year', 'popularity']));
  const songs: BaselineSong[] = [];
  const splits: Split[] = [];
  try {
    for await (const batch of reader.batches()) {
      const [ids, artists, years, popularity] = ['id', 'artists', 'year', 'popularity'].map((name) => batch.getChild(name) as Vector);
      for (let i = 0; i < batch.numRows; i++) {
        const id = ids.get(i) as string;
        const split = splitOf(id);
        splits.push(split);
        songs.push({ id, artists: [...(artists.get(i) as Iterable<string>)], year: years.get(i) as number, popularity: popularity.get(i) as number, isTrain: split === 'train' });
      }
    }
  } finally {
    await reader.close();
  }
  return { ids: songs.map((s) => s.id), splits, popularity: Float64Array.from(songs, (s) => s.popularity), songs };
}

/** One pass over text.arrow (586k rows at full scale), keeping sums only for the merged set's artists. */
export async function readArtistHistory(textFile: string, wanted: ReadonlySet<string>, showProgress = true): Promise<ArtistHistory> {
  const reader = await ArtifactReader.open(textFile, columnsOf(TEXT_SPEC, ['artists', 'popularity']));
  const builder = new ArtistHistoryBuilder(wanted);
  const progress = new Progress({ label: 'artist history from the text set', unit: 'rows', enabled: showProgress });
  try {
    for await (const batch of reader.batches()) {
      const artists = batch.getChild('artists') as Vector;
      const popularity = batch.getChild('popularity') as Vector;
      for (let i = 0; i < batch.numRows; i++) builder.add([...(artists.get(i) as Iterable<string>)], popularity.get(i) as number);
      progress.tick(batch.numRows);
    }
  } finally {
    await reader.close();
  }
  progress.finish();
  return builder.build();
}
