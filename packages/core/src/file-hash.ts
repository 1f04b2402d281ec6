import { createHash } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';

export interface FileFingerprint {
  path: string;
  bytes: number;
  sha256: string;
}

/** Streams a file through SHA-256 (constant memory, any size). */
export async function fingerprintFile(path: string): Promise<FileFingerprint> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  const { size } = await fs.stat(path);
  return { path, bytes: size, sha256: hash.digest('hex') };
}
