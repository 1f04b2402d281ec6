/**
 * What hitcast does with the kaggle CLI's output: split it into lines (progress bars redraw with `\r`),
 * redact credentials, and read the failure class out of the text (every kaggle failure exits 1).
 */

/** Extra facts about one line handed to `onOutput`. */
export interface KaggleOutputInfo {
  stream: 'stdout' | 'stderr';
  /** True for a progress-bar redraw (text the CLI ended with `\r`, e.g. tqdm's ` 45%|████▌ | 120M/266M`). */
  progress: boolean;
}

const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]/g;

/**
 * Cuts a stream into lines. `\n` and `\r\n` end a line; a lone `\r` ends a progress redraw. Redraws
 * come many times a second, so they are thinned to one per `progressIntervalMs`, and the last state of
 * a bar is always delivered when the bar ends (newline or end of stream). Blank lines are dropped.
 */
export class LineSplitter {
  private buffer = '';
  private inProgress = false;
  private pendingProgress: string | null = null;
  private lastProgressAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly emit: (line: string, progress: boolean) => void,
    private readonly progressIntervalMs = 1000,
    private readonly now: () => number = Date.now,
  ) {}

  push(chunk: string): void {
    this.buffer += chunk;
    let start = 0;
    for (let i = 0; i < this.buffer.length; i++) {
      const c = this.buffer[i];
      if (c === '\n') {
        this.line(this.buffer.slice(start, i));
        start = i + 1;
      } else if (c === '\r') {
        if (i + 1 === this.buffer.length) break; // might be the first half of \r\n: wait for more
        if (this.buffer[i + 1] === '\n') {
          this.line(this.buffer.slice(start, i));
          i += 1;
        } else {
          this.redraw(this.buffer.slice(start, i));
        }
        start = i + 1;
      }
    }
    this.buffer = this.buffer.slice(start);
  }

  /** Delivers whatever is left (a last line without newline, a bar that never finished). */
  end(): void {
    const rest = this.buffer.endsWith('\r') ? this.buffer.slice(0, -1) : this.buffer;
    this.buffer = '';
    if (rest.length > 0 || this.inProgress) this.line(rest);
  }

  private line(raw: string): void {
    const text = clean(raw);
    if (this.inProgress) {
      // The text between the last \r and \n is the bar's final state.
      const last = text || this.pendingProgress;
      this.inProgress = false;
      this.pendingProgress = null;
      if (last) this.emit(last, true);
      return;
    }
    if (text) this.emit(text, false);
  }

  private redraw(raw: string): void {
    const text = clean(raw);
    if (!text) return;
    this.inProgress = true;
    const now = this.now();
    if (now - this.lastProgressAt >= this.progressIntervalMs) {
      this.lastProgressAt = now;
      this.pendingProgress = null;
      this.emit(text, true);
    } else {
      this.pendingProgress = text;
    }
  }
}

function clean(raw: string): string {
  return raw.replace(ANSI, '').replace(/\s+$/, '');
}

export const REDACTED = '[redacted]';

/** Credential-shaped text, whatever the value: `KAGGLE_KEY=…`, `"key": "…"`, `Authorization: Basic …`. */
const SECRET_SHAPES: RegExp[] = [
  /(KAGGLE_(?:KEY|API_TOKEN)\s*[=:]\s*["']?)[^\s"',}]+/gi,
  /(["']?(?:key|token|access_token|api_key)["']?\s*:\s*["'])[^"']+/gi,
  /(Authorization\s*[:=]\s*["']?(?:Basic|Bearer|Token)\s+)[^\s"',}]+/gi,
  /(\bBearer\s+)[A-Za-z0-9._~+/=-]{8,}/g,
];

/**
 * Replaces every known credential value (and anything credential-shaped) with `[redacted]`.
 * Values shorter than 4 characters are only caught by shape, so that output stays readable.
 */
export class Redactor {
  private readonly secrets: string[];

  constructor(secrets: Iterable<string | undefined>) {
    const unique = new Set<string>();
    for (const s of secrets) {
      const value = s?.trim();
      if (value && value.length >= 4) unique.add(value);
    }
    // Longest first, so a secret containing another is removed whole.
    this.secrets = [...unique].sort((a, b) => b.length - a.length);
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) out = out.split(secret).join(REDACTED);
    for (const shape of SECRET_SHAPES) out = out.replace(shape, (_m, prefix: string) => `${prefix}${REDACTED}`);
    return out;
  }
}

export type KaggleFailureKind = 'credentials' | 'unauthorized' | 'forbidden' | 'not-found' | 'network' | 'other';

/**
 * The failure class, read from what the CLI printed (it prints request errors to stdout with `print(e)`,
 * tracebacks to stderr, and exits 1 for all of them). Checked from the most to the least specific.
 */
export function classifyKaggleFailure(text: string): KaggleFailureKind {
  if (/Could not find kaggle\.json|Could not find .*access_token|You must log in to Kaggle|Missing (?:username|key) in configuration/i.test(text)) {
    return 'credentials';
  }
  if (/\b401 Client Error\b|\(401\)|\b401\b[^\n]*\bUnauthori[sz]ed\b|Reason: Unauthori[sz]ed|\bUnauthenticated\b/i.test(text)) return 'unauthorized';
  if (/\b403 Client Error\b|\(403\)|\b403\b[^\n]*\bForbidden\b|Reason: Forbidden/i.test(text)) return 'forbidden';
  if (/\b404 Client Error\b|\(404\)|\b404\b[^\n]*\bNot Found\b|Reason: Not Found/i.test(text)) return 'not-found';
  if (
    /Max retries exceeded|NameResolutionError|Failed to establish a new connection|getaddrinfo|Temporary failure in name resolution|Name or service not known|nodename nor servname|No address associated with hostname|Network is unreachable|Connection refused|ConnectTimeout|ConnectTimeoutError|Read timed out|ConnectionError|Connection aborted|Connection reset by peer|RemoteDisconnected|ProxyError/i.test(
      text,
    )
  ) {
    return 'network';
  }
  return 'other';
}

/** The first line that names the network problem, for the error message. */
export function networkDetail(text: string): string | undefined {
  const reasons = [
    /Temporary failure in name resolution/i,
    /Name or service not known/i,
    /nodename nor servname provided[^\n)]*/i,
    /Failed to resolve '[^']+'/i,
    /Network is unreachable/i,
    /Connection refused/i,
    /Read timed out/i,
    /Connection reset by peer/i,
    /Failed to establish a new connection/i,
    /Max retries exceeded/i,
  ];
  for (const reason of reasons) {
    const match = reason.exec(text);
    if (match) return match[0];
  }
  return undefined;
}
