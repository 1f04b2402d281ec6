import { closeSync, fstatSync, fsyncSync, openSync, readSync, truncateSync, writeSync } from 'node:fs';
import { HitcastError } from '@hitcast/core/errors';
import { FileLock } from './lock.ts';

/**
 * An append-only journal: one JSON object per line, as Optuna's JournalFileStorage. Every append
 * takes the lock file `<journal>.lock`, writes its lines with one write() to a file opened with
 * O_APPEND, fsyncs, and releases the lock; readers need no lock and pick up new lines incrementally.
 *
 * Damage: a line that does not end in a newline is either a write still in progress (another
 * process, between its write and our read) or the torn tail of a writer that crashed mid-write.
 * Readers leave it for later; the next writer, holding the lock and so knowing no write is in
 * progress, cuts it off with a warning — it was never fsynced, so no caller was told it was stored.
 * Any complete line that is not a JSON object is an error naming the file and the line.
 */
export interface JournalLine {
  /** 1-based line number in the file. */
  readonly line: number;
  readonly record: Record<string, unknown>;
}

export interface JournalOptions {
  /** Age after which a lock file is presumed abandoned (its holder on another host, or unknown). */
  lockStaleSeconds: number;
  warn: (message: string) => void;
}

const NEWLINE = 0x0a;

export class Journal {
  readonly lock: FileLock;
  private offset = 0;
  private lines = 0;

  constructor(
    readonly file: string,
    private readonly options: JournalOptions,
  ) {
    this.lock = new FileLock(`${file}.lock`, { staleSeconds: options.lockStaleSeconds, warn: options.warn });
  }

  /** The complete lines appended since the last call (all of them on the first). */
  readNew(): JournalLine[] {
    let fd: number;
    try {
      fd = openSync(this.file, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new HitcastError(`cannot read the tuning journal ${this.file} (${(error as NodeJS.ErrnoException).code})`, { cause: error });
    }
    try {
      const size = fstatSync(fd).size;
      if (size < this.offset) {
        throw new HitcastError(`the tuning journal ${this.file} shrank while open (from ${this.offset} to ${size} bytes)`, {
          fix: 'a journal is append-only: do not edit, truncate or replace it while a study uses it',
        });
      }
      if (size === this.offset) return [];
      const buffer = Buffer.alloc(size - this.offset);
      let read = 0;
      while (read < buffer.length) {
        const n = readSync(fd, buffer, read, buffer.length - read, this.offset + read);
        if (n === 0) break;
        read += n;
      }
      const end = buffer.lastIndexOf(NEWLINE, read - 1);
      if (end < 0) return [];
      const texts = buffer.subarray(0, end).toString('utf8').split('\n');
      const parsed: JournalLine[] = [];
      texts.forEach((text, i) => {
        const line = this.lines + i + 1;
        if (text.trim() === '') return;
        parsed.push({ line, record: this.parse(text, line) });
      });
      this.offset += end + 1;
      this.lines += texts.length;
      return parsed;
    } finally {
      closeSync(fd);
    }
  }

  /** Appends records holding the lock; see appendLocked. */
  append(records: readonly object[]): void {
    this.lock.withLock(() => this.appendLocked(records));
  }

  /** Appends records as lines in one write and fsyncs. The caller must hold the lock. */
  appendLocked(records: readonly object[]): void {
    if (!this.lock.held) throw new Error('Journal.appendLocked needs the lock');
    if (records.length === 0) return;
    this.cutTornTail();
    const data = Buffer.from(records.map((r) => JSON.stringify(r)).join('\n') + '\n', 'utf8');
    const fd = openSync(this.file, 'a');
    try {
      const written = writeSync(fd, data);
      if (written !== data.length) {
        throw new HitcastError(`short write to the tuning journal ${this.file} (${written} of ${data.length} bytes; disk full?)`, {
          fix: 'free disk space; the incomplete line is cut off by the next write',
        });
      }
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  private parse(text: string, line: number): Record<string, unknown> {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw journalError(this.file, line, `not valid JSON (${(error as Error).message}): ${text.slice(0, 80)}`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw journalError(this.file, line, `not a JSON object: ${text.slice(0, 80)}`);
    }
    // Records are flat; a deeply nested value would overflow the stack of whatever prints or compares it.
    if (nestedDeeperThan(value, MAX_DEPTH)) throw journalError(this.file, line, `values nested more than ${MAX_DEPTH} levels deep: ${text.slice(0, 80)}`);
    return value as Record<string, unknown>;
  }

  /** With the lock held, bytes after the last newline can only be a crashed writer's torn record: cut them off. */
  private cutTornTail(): void {
    const fd = openSync(this.file, 'a+');
    try {
      const size = fstatSync(fd).size;
      if (size === 0) return;
      const last = Buffer.alloc(1);
      readSync(fd, last, 0, 1, size - 1);
      if (last[0] === NEWLINE) return;
      const whole = Buffer.alloc(size);
      readSync(fd, whole, 0, size, 0);
      const keep = whole.lastIndexOf(NEWLINE) + 1;
      let lineNumber = 1;
      for (let i = 0; i < keep; i++) if (whole[i] === NEWLINE) lineNumber++;
      truncateSync(this.file, keep);
      this.options.warn(
        `tuning journal ${this.file}: removed an incomplete last line (line ${lineNumber}, ${size - keep} bytes) left by a process that stopped while writing it`,
      );
    } finally {
      closeSync(fd);
    }
  }
}

const MAX_DEPTH = 32;

function nestedDeeperThan(value: unknown, depth: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (depth === 0) return true;
  for (const item of Object.values(value)) if (nestedDeeperThan(item, depth - 1)) return true;
  return false;
}

export function journalError(file: string, line: number, what: string): HitcastError {
  return new HitcastError(`tuning journal ${file}, line ${line}: ${what}`, {
    fix: 'hitcast writes this file only by appending whole lines, so the line was changed by hand or by disk damage: restore the line, or start a new study with another journal file',
  });
}
