import { randomBytes } from 'node:crypto';
import { closeSync, linkSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { HitcastError } from '@hitcast/core/errors';

/**
 * An exclusive lock between processes: a lock file created with O_CREAT | O_EXCL (Node's 'wx'),
 * holding the holder's host, pid and a random token, removed on release. As Optuna's
 * JournalFileOpenLock, it needs nothing native and works wherever O_EXCL does (local disks, NFSv3+).
 *
 * A lock whose holder is gone is broken: at once when the holder ran on this host and its pid no
 * longer exists, otherwise once the lock file is older than `staleSeconds` (holds last milliseconds:
 * one append and its fsync). Breaking renames the file away first and checks that it moved the very
 * file it judged stale (same inode), so two processes breaking the same stale lock cannot remove a
 * fresh one.
 *
 * Synchronous on purpose: every critical section is a few milliseconds of file I/O, and callers such
 * as `Trial.report` stay synchronous.
 */
export interface FileLockOptions {
  staleSeconds: number;
  warn: (message: string) => void;
}

interface Holder {
  ino: number;
  mtimeMs: number;
  host?: string;
  pid?: number;
  token?: string;
}

const HOST = hostname();
const sleeper = new Int32Array(new SharedArrayBuffer(4));

function sleepSync(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

export class FileLock {
  private token: string | null = null;

  constructor(
    readonly path: string,
    private readonly options: FileLockOptions,
  ) {}

  get held(): boolean {
    return this.token !== null;
  }

  /** Runs `body` holding the lock. Re-entrant: a nested call inside `body` just runs. */
  withLock<T>(body: () => T): T {
    if (this.held) return body();
    this.acquire();
    try {
      return body();
    } finally {
      this.release();
    }
  }

  acquire(): void {
    if (this.held) throw new Error(`lock ${this.path} is already held by this object`);
    const token = randomBytes(8).toString('hex');
    const content = JSON.stringify({ host: HOST, pid: process.pid, token, time: new Date().toISOString() });
    let delay = 1;
    let lastWarning = Date.now();
    for (;;) {
      try {
        const fd = openSync(this.path, 'wx');
        try {
          writeSync(fd, content);
        } catch (error) {
          unlinkSync(this.path);
          throw error;
        } finally {
          closeSync(fd);
        }
        this.token = token;
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
          throw new HitcastError(`cannot create the lock file ${this.path} (${(error as NodeJS.ErrnoException).code})`, {
            fix: 'the folder of the tuning journal must be writable',
            cause: error,
          });
        }
      }
      const holder = this.inspect();
      if (!holder) continue; // released in the meantime
      const stale = this.staleReason(holder);
      if (stale && this.breakStale(holder, stale)) continue;
      if (Date.now() - lastWarning > 10_000) {
        lastWarning = Date.now();
        this.options.warn(`waiting for the lock ${this.path}, held by pid ${holder.pid ?? '?'} on ${holder.host ?? '?'}`);
      }
      sleepSync(delay);
      delay = Math.min(delay * 2, 20);
    }
  }

  release(): void {
    const token = this.token;
    if (token === null) return;
    this.token = null;
    const moved = `${this.path}.${token}.release`;
    try {
      renameSync(this.path, moved);
    } catch {
      this.options.warn(`the lock ${this.path} was broken by another process while this one held it`);
      return;
    }
    const mine = readHolder(moved)?.token === token;
    if (!mine) {
      // Another process broke our lock and took its own: put theirs back.
      try {
        linkSync(moved, this.path);
      } catch {
        // a third one holds it now; theirs stays
      }
      this.options.warn(`the lock ${this.path} was broken by another process while this one held it`);
    }
    unlinkSync(moved);
  }

  private inspect(): Holder | undefined {
    try {
      const stat = statSync(this.path);
      return { ino: stat.ino, mtimeMs: stat.mtimeMs, ...readHolder(this.path) };
    } catch {
      return undefined;
    }
  }

  private staleReason(holder: Holder): string | undefined {
    if (holder.host === HOST && holder.pid !== undefined && holder.pid !== process.pid && !processExists(holder.pid)) {
      return `its process ${holder.pid} has exited`;
    }
    const age = (Date.now() - holder.mtimeMs) / 1000;
    if (age > this.options.staleSeconds) return `it is ${age.toFixed(1)} s old (stale after ${this.options.staleSeconds} s)`;
    return undefined;
  }

  /** True when the lock file is gone afterwards (broken here, or by someone else meanwhile). */
  private breakStale(holder: Holder, reason: string): boolean {
    const moved = `${this.path}.${randomBytes(8).toString('hex')}.stale`;
    try {
      renameSync(this.path, moved);
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'ENOENT'; // released or broken by someone else
    }
    let sameFile = false;
    try {
      sameFile = statSync(moved).ino === holder.ino;
    } catch {
      // vanished: treat as not ours
    }
    if (!sameFile) {
      try {
        linkSync(moved, this.path);
      } catch {
        // a new lock exists already; the moved one is lost to its holder, who is warned on release
      }
    } else {
      this.options.warn(`broke the lock ${this.path} of pid ${holder.pid ?? '?'} on ${holder.host ?? '?'}: ${reason}`);
    }
    try {
      unlinkSync(moved);
    } catch {
      // already gone
    }
    return sameFile;
  }
}

function readHolder(path: string): { host?: string; pid?: number; token?: string } | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as { host?: unknown; pid?: unknown; token?: unknown };
    return {
      host: typeof parsed.host === 'string' ? parsed.host : undefined,
      pid: typeof parsed.pid === 'number' ? parsed.pid : undefined,
      token: typeof parsed.token === 'string' ? parsed.token : undefined,
    };
  } catch {
    return undefined; // being written, or gone
  }
}

/** Whether a process with this pid exists on this host (EPERM: it exists, under another user). */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
