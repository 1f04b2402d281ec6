export { convertTracksCsv, type ConvertTracksOptions, type TracksSummary } from './tracks-stage.ts';
export { TRACKS_CSV_COLUMNS, TRACKS_SPEC } from './tracks-schema.ts';
export { parsePythonStringList, PythonLiteralError } from './python-list-literal.ts';
export { parseReleaseYear } from './release-year.ts';
