import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataFingerprints } from '../nx/data-fingerprint.mjs';

/**
 * The data part of a stage's Nx cache key on data linked in from another disk: it must see the files behind
 * the links (as the spectrogram stage does), so that changing them re-runs the stage, and must not loop on
 * a link cycle or fail on a dangling link (the stage itself reports that one).
 */

function write(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}

const fingerprint = (src: string) => dataFingerprints({ src })[0]!.split(' ').slice(2).join(' ');

describe('dataFingerprints on linked data', () => {
  it('follows links to files and folders: the same files give the same key, a change behind a link a new one', () => {
    const disk = mkdtempSync(path.join(tmpdir(), 'hitcast-fp-disk-'));
    write(path.join(disk, '1968/A_-_B.png'), 'one');
    write(path.join(disk, '2009/C_-_D.png'), 'two');
    const copy = mkdtempSync(path.join(tmpdir(), 'hitcast-fp-copy-'));
    write(path.join(copy, '1968/A_-_B.png'), 'one');
    write(path.join(copy, '2009/C_-_D.png'), 'two');
    const linked = mkdtempSync(path.join(tmpdir(), 'hitcast-fp-linked-'));
    mkdirSync(path.join(linked, '1968'));
    symlinkSync(path.join(disk, '1968/A_-_B.png'), path.join(linked, '1968/A_-_B.png'));
    symlinkSync(path.join(disk, '2009'), path.join(linked, '2009'));

    const before = fingerprint(linked);
    expect(before).toMatch(/^content 2 files [0-9a-f]{64}$/);
    expect(before).toBe(fingerprint(copy));
    write(path.join(disk, '2009/C_-_D.png'), 'two, re-encoded');
    expect(fingerprint(linked)).not.toBe(before);
  });

  it('ends at a link cycle and counts a dangling link by its name', () => {
    const src = mkdtempSync(path.join(tmpdir(), 'hitcast-fp-src-'));
    write(path.join(src, '1968/A_-_B.png'), 'one');
    symlinkSync(src, path.join(src, '1968/up'));
    expect(fingerprint(src)).toMatch(/^content 1 files /);

    const gone = mkdtempSync(path.join(tmpdir(), 'hitcast-fp-gone-'));
    symlinkSync(path.join(gone, 'x'), path.join(src, '2009'));
    rmSync(gone, { recursive: true });
    const dangling = fingerprint(src);
    expect(dangling).toMatch(/^content 2 files /);
  });
});
