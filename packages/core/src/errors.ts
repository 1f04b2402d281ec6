/**
 * An error meant for the person running hitcast: it says what went wrong (naming the file or row)
 * and how to fix it. The CLI prints these without a stack trace; anything else is a bug and keeps its stack.
 */
export class HitcastError extends Error {
  readonly fix?: string;
  /** The CLI's exit status for this error (default 1), for commands that give some failures a code of their own. */
  readonly exitCode?: number;

  constructor(message: string, options: { fix?: string; cause?: unknown; exitCode?: number } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'HitcastError';
    this.fix = options.fix;
    this.exitCode = options.exitCode;
  }
}

export function isHitcastError(error: unknown): error is HitcastError {
  return error instanceof HitcastError;
}

/** The text the CLI prints for an error: message plus fix for ours, the stack for anything unexpected. */
export function describeError(error: unknown): string {
  if (isHitcastError(error)) {
    return error.fix ? `error: ${error.message}\n  fix: ${error.fix}` : `error: ${error.message}`;
  }
  if (error instanceof Error) return `unexpected error (a bug in hitcast, please report it):\n${error.stack ?? error.message}`;
  return `unexpected error: ${String(error)}`;
}
