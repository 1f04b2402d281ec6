import { promises as fs } from 'node:fs';
import type { RecordBatch } from 'apache-arrow';
import { ArtifactReader } from '@hitcast/core';
import { resampleSignature, songsSpec } from './songs-schema.ts';

/**
 * The songs.arrow of the previous run, used as the per-file cache: a file whose SHA-256 is already in
 * it (resampled with the same parameters) is copied from there instead of being decoded and resampled
 * again. Anything unreadable or made with other parameters counts as no cache at all.
 */
export class PreviousSongs {
  private lastBatch: { index: number; batch: RecordBatch } | null = null;

  private constructor(
    private readonly reader: ArtifactReader | null,
    private readonly location: Map<string, { batch: number; row: number }>,
    private readonly size: number,
  ) {}

  static async open(file: string, width: number, height: number): Promise<PreviousSongs> {
    const none = new PreviousSongs(null, new Map(), width * height);
    try {
      await fs.access(file);
    } catch {
      return none;
    }
    let reader: ArtifactReader;
    try {
      reader = await ArtifactReader.open(file, songsSpec(width, height));
    } catch {
      return none;
    }
    if (reader.metadata.get('hitcast.resample') !== resampleSignature(width, height)) {
      await reader.close();
      return none;
    }
    const location = new Map<string, { batch: number; row: number }>();
    for (let b = 0; b < reader.numBatches; b++) {
      const hashes = (await reader.readBatch(b)).getChild('source_sha256')!;
      for (let row = 0; row < hashes.length; row++) location.set(hashes.get(row) as string, { batch: b, row });
    }
    return new PreviousSongs(reader, location, width * height);
  }

  get count(): number {
    return this.location.size;
  }

  has(sha256: string): boolean {
    return this.location.has(sha256);
  }

  /**
   * The stored spectrogram of the file with this hash (fastest when asked in stored order). Calls are
   * queued so that overlapping calls for rows of one batch read that batch once.
   */
  pixels(sha256: string): Promise<Uint8Array> {
    const read = this.reading.then(() => this.read(sha256));
    this.reading = read.catch(() => undefined);
    return read;
  }

  private reading: Promise<unknown> = Promise.resolve();

  private async read(sha256: string): Promise<Uint8Array> {
    const at = this.location.get(sha256);
    if (!at || !this.reader) throw new Error(`no earlier result for ${sha256}`);
    if (this.lastBatch?.index !== at.batch) this.lastBatch = { index: at.batch, batch: await this.reader.readBatch(at.batch) };
    const values = this.lastBatch.batch.getChild('spectrogram')!.data[0].children[0].values as Uint8Array;
    return values.slice(at.row * this.size, (at.row + 1) * this.size);
  }

  async close(): Promise<void> {
    await this.reader?.close();
  }
}
