/**
 * One song through a bundle: which inputs its kind needs, their checks and preparation, and the
 * prediction record the CLI prints. Everything but the model call is here, so the single-song command
 * and the CSV batch share it.
 */
import path from 'node:path';
import { HitcastError } from '@hitcast/core/errors';
import { inputsOf, type BundleKind, type BundleManifest } from './bundle-format.ts';
import { checkSongText, readSpectrogram, type PreparedSpectrogram, type SongRequest, type SongText } from './inputs.ts';

export type SongField = keyof SongRequest;
const TEXT_FIELDS: SongField[] = ['artist', 'title', 'year'];

/** The fields a kind of bundle reads. */
export function fieldsOf(kind: BundleKind): SongField[] {
  const reads = inputsOf(kind);
  return [...(reads.spectrogram ? (['spectrogram'] as SongField[]) : []), ...(reads.text ? TEXT_FIELDS : [])];
}

const KIND_NAME: Record<BundleKind, string> = { fusion: 'fusion', text: 'text', cnn: 'CNN' };

const OTHER_BUNDLE: Record<BundleKind, string> = {
  fusion: 'or use a text bundle (e.g. trained_models/text-pretrained) for artist, title and year alone, or a CNN bundle (trained_models/cnn-pretrained) for the spectrogram alone',
  text: 'or use the fusion bundle (trained_models/fusion-pretrained), which reads the spectrogram too',
  cnn: 'or use the fusion bundle (trained_models/fusion-pretrained), which reads artist, title and year too',
};

/**
 * Checks that a song has every field the bundle's kind reads (throws, naming the missing ones) and
 * returns the given fields it does not read, which are ignored.
 */
export function checkFields(kind: BundleKind, given: readonly SongField[]): SongField[] {
  const needed = fieldsOf(kind);
  const missing = needed.filter((field) => !given.includes(field));
  if (missing.length) {
    throw new HitcastError(`a ${KIND_NAME[kind]} bundle needs ${describeFields(needed)}; missing: ${missing.join(', ')}`, {
      fix: `give the ${missing.join(', the ')}, ${OTHER_BUNDLE[kind]}`,
    });
  }
  return given.filter((field) => !needed.includes(field));
}

function describeFields(fields: SongField[]): string {
  const names = fields.map((f) => (f === 'spectrogram' ? 'a spectrogram' : f));
  return names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

/** What a kind ignores, said once: "a text bundle reads no spectrogram: spectrogram ignored". */
export function ignoredNote(kind: BundleKind, ignored: readonly SongField[]): string | undefined {
  if (!ignored.length) return undefined;
  const what = inputsOf(kind).spectrogram ? 'artist, title or year' : 'spectrogram';
  return `a ${KIND_NAME[kind]} bundle reads no ${what}: ${ignored.join(', ')} ignored`;
}

/** The checked text of a song, and notes on how the tokenizer will read it. */
export function songText(manifest: BundleManifest, request: SongRequest): { text: SongText; notes: string[] } {
  const text = checkSongText(request);
  const notes: string[] = [];
  const spec = manifest.inputs.text;
  if (spec && (text.year > spec.yearMax || text.year < spec.yearMin)) {
    const read = Math.min(spec.yearMax, Math.max(spec.yearMin, text.year));
    notes.push(`the tokenizer has year tokens for ${spec.yearMin}–${spec.yearMax} only: ${text.year} is read as ${read}`);
  }
  return { text, notes };
}

/** The spectrogram of a song, prepared for the bundle's CNN; `baseDir` resolves relative paths (a CSV file's folder). */
export function songSpectrogram(manifest: BundleManifest, file: string, baseDir?: string): Promise<PreparedSpectrogram> {
  const resolved = baseDir ? path.resolve(baseDir, file) : file;
  return readSpectrogram(resolved, manifest.inputs.spectrogram!, file);
}

/** Popularity as printed: clamped to the 0–100 scale, and the model's raw value. */
export interface Popularity {
  popularity: number;
  raw: number;
}

export function popularityOf(raw: number): Popularity {
  return { popularity: Math.min(100, Math.max(0, raw)), raw };
}
