import type { RecordBatch } from 'apache-arrow';
import { ArtifactReader, artifactSchema, takeRows, writeArtifact } from '@hitcast/core';
import { TRACKS_SPEC } from '@hitcast/data-spotify';
import type { SongSet } from '../match/matcher.ts';
import { TEXT_SPEC } from '../songs-schema.ts';

/** Step 5: text.arrow, every Spotify row that is not a song of the merged set, in any version. Returns its row count. */
export async function writeTextSet(tracksFile: string, textFile: string, merged: SongSet, excludedSongs: number): Promise<number> {
  let textRows = 0;
  const tracks = await ArtifactReader.open(tracksFile, TRACKS_SPEC);
  try {
    const textSchema = artifactSchema(TEXT_SPEC, { 'hitcast.excluded_songs': String(excludedSongs) });
    async function* textBatches(): AsyncGenerator<RecordBatch> {
      for await (const batch of tracks.batches()) {
        const names = batch.getChild('name')!;
        const artists = batch.getChild('artists')!;
        const keep: number[] = [];
        for (let i = 0; i < batch.numRows; i++) {
          if (!merged.has({ name: names.get(i) as string, artists: [...(artists.get(i) as Iterable<string>)] })) keep.push(i);
        }
        textRows += keep.length;
        yield takeRows(batch, keep, textSchema);
      }
    }
    await writeArtifact(textFile, textSchema, textBatches());
  } finally {
    await tracks.close();
  }
  return textRows;
}
