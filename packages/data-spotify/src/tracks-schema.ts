import { Bool, Field, Float32, Int16, Int32, Int8, Utf8 } from 'apache-arrow';
import { utf8ListType, type ArtifactSpec } from '@hitcast/core';

/** The 20 columns of the Kaggle "Spotify 1921–2020, 600k+ tracks" tracks.csv, in file order. */
export const TRACKS_CSV_COLUMNS = [
  'id',
  'name',
  'popularity',
  'duration_ms',
  'explicit',
  'artists',
  'id_artists',
  'release_date',
  'danceability',
  'energy',
  'key',
  'loudness',
  'mode',
  'speechiness',
  'acousticness',
  'instrumentalness',
  'liveness',
  'valence',
  'tempo',
  'time_signature',
] as const;

export type TracksCsvColumn = (typeof TRACKS_CSV_COLUMNS)[number];

/** Audio features stored as Float32 (Spotify gives them as decimals). */
export const FLOAT_FEATURES = [
  'danceability',
  'energy',
  'loudness',
  'speechiness',
  'acousticness',
  'instrumentalness',
  'liveness',
  'valence',
  'tempo',
] as const;

/** Small integer features stored as Int8. */
export const INT8_FEATURES = ['key', 'mode', 'time_signature'] as const;

/** tracks.arrow: one row per accepted tracks.csv row. `source_line` points back to the CSV line for debugging. */
export const TRACKS_SPEC: ArtifactSpec = {
  name: 'tracks',
  version: 1,
  fields: [
    new Field('id', new Utf8(), false),
    new Field('name', new Utf8(), false),
    new Field('artists', utf8ListType(), false),
    new Field('id_artists', utf8ListType(), false),
    new Field('release_date', new Utf8(), false),
    new Field('release_year', new Int16(), false),
    new Field('popularity', new Float32(), false),
    new Field('duration_ms', new Int32(), false),
    new Field('explicit', new Bool(), false),
    ...FLOAT_FEATURES.map((name) => new Field(name, new Float32(), false)),
    ...INT8_FEATURES.map((name) => new Field(name, new Int8(), false)),
    new Field('source_line', new Int32(), false),
  ],
};
