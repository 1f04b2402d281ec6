import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tracksCsvText } from '../../../tools/synth/write-tracks.ts';
import { convertTracksCsv } from '../src/index.ts';
import { edgeCaseTracksCsv } from './support/edge-case-csv.ts';

/**
 * tracks.arrow and rejects.csv must stay byte for byte what the string-based reader (before the
 * byte-level parser) wrote. These hashes were recorded with that reader; a change of apache-arrow's
 * IPC writer could change them too, so re-record them only after checking that cause.
 */
const REPO = path.resolve(import.meta.dirname, '../../..');
const NO_REJECTS = '8c6a8912acba763ddd9fd3b318b71c9e2ca7c6694ee3217bdcebbff5d460b60f';

function tempFile(name: string, content: string | Buffer): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'hitcast-identity-')), name);
  writeFileSync(file, content);
  return file;
}

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

async function hashesOf(csv: string, options: { batchRows?: number; chunkBytes?: number }) {
  const outDir = mkdtempSync(path.join(tmpdir(), 'hitcast-identity-out-'));
  const summary = await convertTracksCsv({ csv, outDir, showProgress: false, ...options });
  return { tracks: sha256(summary.tracksFile), rejects: sha256(summary.rejectsFile) };
}

describe('tracks.arrow is byte-identical to the string-based reader', () => {
  const sample = path.join(REPO, 'datasets/spotify/tracks.csv');
  const excerpt = path.join(import.meta.dirname, 'fixtures/realdata/tracks_excerpt.csv');

  it.each([
    ['the committed sample', sample, undefined, '64604783afc979ccfcab1165574197d1d94f5b46343f1c48955e354849504a6c'],
    ['the committed sample in 1000-row batches', sample, 1000, '158d9bc670b32209c97c70335e1777f12a4deed8d5d3635120ccfdc2da890d27'],
    ['the real-data excerpt (extra columns)', excerpt, undefined, '5a5394f9adad431d7f3d04c3d9747c41ac8bbbd9b1820ce24838b42b84aaac16'],
  ])('%s', async (_, csv, batchRows, tracks) => {
    for (const chunkBytes of [undefined, 4099]) {
      expect(await hashesOf(csv, { batchRows, chunkBytes })).toEqual({ tracks, rejects: NO_REJECTS });
    }
  });

  it('a 20,000-row synthetic file from tools/synth', async () => {
    const csv = tempFile('tracks.csv', tracksCsvText(20_000, 'identity'));
    const expected = { tracks: '782a7c82431714ad65fab524564dac3d12f7de121389e5ec77a9f1b7383964c4', rejects: NO_REJECTS };
    for (const chunkBytes of [undefined, 65_537, 1021]) {
      expect(await hashesOf(csv, { batchRows: 4096, chunkBytes })).toEqual(expected);
    }
  });

  it('edge cases (quoting, CRLF, BOM, bad UTF-8, escapes, odd numbers, every reject kind) at any chunk size', async () => {
    const csv = tempFile('tracks.csv', edgeCaseTracksCsv());
    const rejects = '308df931900afc2824517677bdd335528f51c3dfbe100507d3a19ebfcb922356';
    const byBatchRows = [
      [undefined, 'c47c1ded58efb77bab3462c1f6148f261996f292724a3d5d3041a0e25fb7d666'],
      [7, '78ed309b3b7ddd96ac6da8cfc785824be660959b10549fd6ba2c39498f5cd99e'],
    ] as const;
    for (const [batchRows, tracks] of byBatchRows) {
      // Tiny chunks split records, quotes, CRLFs, the BOM and multi-byte characters everywhere.
      for (const chunkBytes of [undefined, 1, 2, 3, 5, 7, 64, 4096]) {
        expect(await hashesOf(csv, { batchRows, chunkBytes }), `batchRows ${batchRows}, chunkBytes ${chunkBytes}`).toEqual({ tracks, rejects });
      }
    }
  });
});
