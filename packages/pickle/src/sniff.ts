import { HitcastError } from '@hitcast/core';

/**
 * Recognises files that are not pickles before any parsing, so the message says what the file *is*:
 * a Git LFS pointer (the real file was never downloaded), an empty file, a compressed pickle, or something else.
 */

const LFS_MAGIC = 'version https://git-lfs';

export function sniffPickle(bytes: Uint8Array, file: string): void {
  if (bytes.length === 0) {
    throw new HitcastError(`${file} is empty (0 bytes), not a pickle`, {
      fix: 'copy or download the file again',
    });
  }
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 200));
  if (head.startsWith(LFS_MAGIC)) {
    const oid = /oid sha256:([0-9a-f]{64})/.exec(head)?.[1];
    const size = /size (\d+)/.exec(head)?.[1];
    const real = size ? ` (the real file is ${Number(size).toLocaleString('en-US')} bytes` + (oid ? `, sha256 ${oid.slice(0, 12)}…)` : ')') : '';
    throw new HitcastError(
      `${file} is a Git LFS pointer, not a pickle: the repository stores the real file in Git LFS and it was never downloaded${real}`,
      { fix: 'in the repository it came from, run `git lfs install && git lfs pull` (or download the file itself), then run hitcast pickle again' },
    );
  }
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    throw new HitcastError(`${file} is gzip-compressed (as pandas.to_pickle writes *.pkl.gz), not a plain pickle`, {
      fix: `decompress it first: gunzip -k ${file}`,
    });
  }
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) {
    throw new HitcastError(`${file} is a zip archive (a PyTorch .pth checkpoint or a zipped pickle?), not a plain pickle`, {
      fix: 'unzip it first if it holds a .pkl; hitcast pickle does not read PyTorch checkpoints',
    });
  }
  if (bytes[0] !== 0x80) {
    const printable = /^[\x09\x0a\x0d\x20-\x7e]*$/.test(head.slice(0, 40));
    const start = printable
      ? `text ${JSON.stringify(head.slice(0, 40))}`
      : `bytes ${Array.from(bytes.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ')}`;
    throw new HitcastError(
      `${file} is not a pickle of protocol 2-5 (those start with byte 0x80; this file starts with ${start})`,
      {
        fix:
          'point hitcast pickle at a .pkl written by Python pickle.dump / pandas.to_pickle; an old protocol 0/1 pickle ' +
          'can be re-saved in Python with pickle.dump(obj, f, protocol=4)',
      },
    );
  }
}
