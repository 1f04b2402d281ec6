import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { HitcastError } from '@hitcast/core/errors';
import { findKaggleCredentials, KAGGLE_CREDENTIALS_FIX, kaggleSecrets } from './kaggle/credentials.ts';
import { KAGGLE_MARKER_FILE, locateExpected, markerStillValid, readKaggleMarker, writeKaggleMarker } from './kaggle/files.ts';
import { classifyKaggleFailure, LineSplitter, networkDetail, Redactor, type KaggleOutputInfo } from './kaggle/output.ts';

export { KAGGLE_MARKER_FILE, type KaggleMarker } from './kaggle/files.ts';
export { type KaggleOutputInfo } from './kaggle/output.ts';

/**
 * A Kaggle dataset hitcast downloads with the kaggle CLI.
 * `expectedFiles` are paths relative to the destination that must exist after unzip. An entry may use `*`
 * inside a path segment (`spectrograms/*\/*.png`): it is then satisfied by at least one matching file.
 */
export interface KaggleDataset {
  key: 'spotify' | 'spectrograms';
  slug: string;
  expectedFiles: string[];
}

export const KAGGLE_DATASETS: Record<'spotify' | 'spectrograms', KaggleDataset> = {
  spotify: {
    key: 'spotify',
    slug: 'yamaerenay/spotify-dataset-19212020-600k-tracks',
    expectedFiles: ['tracks.csv', 'artists.csv'],
  },
  spectrograms: {
    key: 'spectrograms',
    slug: 'tpapp157/billboard-hot-100-19602020-spectrograms',
    // The archive unpacks to spectrograms/<year>/<song>.png (one folder per chart year, 1960-2020). We ask for
    // at least one PNG in a folder under spectrograms/: it catches an empty or foreign archive without
    // pinning thousands of file names.
    expectedFiles: ['spectrograms/*/*.png'],
  },
};

export interface FetchKaggleOptions {
  dataset: KaggleDataset;
  /** Folder to unzip into (created when missing). kaggle downloads `NAME.zip` here, unzips it and deletes it. */
  dest: string;
  /** Download again even when the marker says the files are already there. */
  force?: boolean;
  /** Environment for the credential check and the child (PATH lookup, HOME). Default: process.env. */
  env?: NodeJS.ProcessEnv;
  /** The executable; default `kaggle`, looked up on env.PATH. */
  kaggleCommand?: string;
  /** Each line kaggle prints, credentials redacted, as it comes. Progress-bar redraws arrive thinned out. */
  onOutput?: (line: string, info: KaggleOutputInfo) => void;
  /** Minimum milliseconds between two progress-bar lines handed to onOutput (default 1000). */
  progressIntervalMs?: number;
}

export interface FetchKaggleResult {
  /** The absolute destination folder. */
  dest: string;
  /** How many expected files were verified and recorded (with size and SHA-256) in the marker. */
  files: number;
  /** True when an earlier download was still complete and nothing ran. */
  skipped: boolean;
}

const TAIL_LINES = 400;
const SHOWN_LINES = 12;

function datasetUrl(slug: string): string {
  return `https://www.kaggle.com/datasets/${slug}`;
}

/** The argument list hitcast runs kaggle with, exactly: `datasets download -d OWNER/NAME -p DIR --unzip`. */
export function kaggleDownloadArgs(slug: string, dest: string): string[] {
  return ['datasets', 'download', '-d', slug, '-p', dest, '--unzip'];
}

/**
 * Downloads a Kaggle dataset into `dest` with the kaggle CLI, verifies the expected files and records them in
 * `dest/.hitcast-kaggle.json`. A later call finds the marker, checks the recorded sizes and returns
 * `skipped: true` without running kaggle (unless `force`). Failures are HitcastErrors saying how to fix them.
 */
export async function fetchKaggleDataset(options: FetchKaggleOptions): Promise<FetchKaggleResult> {
  const { dataset } = options;
  const env = options.env ?? process.env;
  const dest = path.resolve(options.dest);
  const command = options.kaggleCommand ?? 'kaggle';

  if (!options.force) {
    const marker = await readKaggleMarker(dest);
    if (marker && (await markerStillValid(dest, marker, dataset.slug, dataset.expectedFiles))) {
      return { dest, files: marker.files.length, skipped: true };
    }
  }

  await findKaggleCredentials(env);
  const redactor = new Redactor(await kaggleSecrets(env));

  const destStat = await fs.stat(dest).catch(() => undefined);
  if (destStat && !destStat.isDirectory()) {
    throw new HitcastError(`${dest} exists and is not a folder, so the ${dataset.key} dataset cannot be unzipped into it`, {
      fix: 'choose another --dest, or move that file away',
    });
  }
  await fs.mkdir(dest, { recursive: true });
  // From here on the files are in flux: no marker until they are verified again.
  await fs.rm(path.join(dest, KAGGLE_MARKER_FILE), { force: true });

  const run = await runKaggle(command, kaggleDownloadArgs(dataset.slug, dest), env, redactor, options);
  const text = run.lines.join('\n');

  if (run.exit.code !== 0) {
    throw failureError(dataset, dest, command, run.exit, text, run.lines);
  }

  const { files, missing } = await locateExpected(dest, dataset.expectedFiles);
  if (missing.length > 0) {
    // Some CLI versions print a request error and still exit 0: prefer that diagnosis when there is one.
    const kind = classifyKaggleFailure(text);
    if (kind !== 'other') throw failureError(dataset, dest, command, run.exit, text, run.lines);
    const present = await fs.readdir(dest).catch(() => [] as string[]);
    const listing = present.filter((n) => n !== KAGGLE_MARKER_FILE).slice(0, 10);
    throw new HitcastError(
      `the download of ${dataset.slug} looks incomplete: ${missing.join(', ')} not found in ${dest}` +
        ` (it holds ${listing.length ? listing.join(', ') : 'nothing'}${present.length > 10 ? ', ...' : ''})`,
      {
        fix: `download it again with force; if the files are still missing, check ${datasetUrl(dataset.slug)} for a changed file layout`,
      },
    );
  }

  const marker = await writeKaggleMarker(dest, dataset.slug, dataset.expectedFiles, files);
  return { dest, files: marker.files.length, skipped: false };
}

interface KaggleRun {
  exit: { code: number | null; signal: NodeJS.Signals | null };
  /** Redacted output lines of both streams in arrival order (the last TAIL_LINES of them). */
  lines: string[];
}

function runKaggle(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  redactor: Redactor,
  options: FetchKaggleOptions,
): Promise<KaggleRun> {
  return new Promise((resolve, reject) => {
    const lines: string[] = [];
    const handle = (stream: 'stdout' | 'stderr') => (raw: string, progress: boolean) => {
      const line = redactor.redact(raw);
      lines.push(line);
      if (lines.length > TAIL_LINES) lines.shift();
      options.onOutput?.(line, { stream, progress });
    };
    const splitters = {
      stdout: new LineSplitter(handle('stdout'), options.progressIntervalMs),
      stderr: new LineSplitter(handle('stderr'), options.progressIntervalMs),
    };

    let settled = false;
    // PYTHONUNBUFFERED: Python block-buffers a piped stdout, which would hold lines back until exit.
    const child = spawn(command, args, {
      env: { ...env, PYTHONUNBUFFERED: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      shell: false,
      windowsHide: true,
    });
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => splitters.stdout.push(chunk));
    child.stderr.on('data', (chunk: string) => splitters.stderr.push(chunk));

    child.on('error', (error: NodeJS.ErrnoException) => {
      if (settled) return;
      settled = true;
      reject(spawnError(command, env, error));
    });
    child.on('close', (code, signal) => {
      if (settled) return;
      settled = true;
      splitters.stdout.end();
      splitters.stderr.end();
      resolve({ exit: { code, signal }, lines });
    });
  });
}

function spawnError(command: string, env: NodeJS.ProcessEnv, error: NodeJS.ErrnoException): HitcastError {
  if (error.code === 'ENOENT') {
    const where = path.isAbsolute(command) || command.includes('/') ? `at ${command}` : 'on PATH';
    return new HitcastError(`the kaggle CLI was not found: no \`${command}\` ${where}`, {
      fix:
        'install it with `pip install kaggle` (or `pipx install kaggle`), then make sure the folder pip puts ' +
        'scripts in (for example ~/.local/bin) is on your PATH; `kaggle --version` should work in the same shell' +
        (env.PATH ? '' : ' (PATH is empty in this environment)'),
      cause: error,
    });
  }
  if (error.code === 'EACCES') {
    return new HitcastError(`the kaggle CLI at \`${command}\` could not be run (permission denied)`, {
      fix: 'reinstall it with `pip install --force-reinstall kaggle`, or make it executable with `chmod +x`',
      cause: error,
    });
  }
  return new HitcastError(`could not start the kaggle CLI (\`${command}\`): ${error.message}`, {
    fix: 'check that `kaggle --version` works in this shell; reinstall with `pip install kaggle` if it does not',
    cause: error,
  });
}

function failureError(
  dataset: KaggleDataset,
  dest: string,
  command: string,
  exit: KaggleRun['exit'],
  text: string,
  lines: string[],
): HitcastError {
  const slug = dataset.slug;
  const url = datasetUrl(slug);
  switch (classifyKaggleFailure(text)) {
    case 'credentials':
      return new HitcastError(`the kaggle CLI found no API credentials while downloading ${slug}`, { fix: KAGGLE_CREDENTIALS_FIX });
    case 'unauthorized':
      return new HitcastError(`Kaggle rejected your API credentials (401 Unauthorized) while downloading ${slug}`, {
        fix:
          'your API key is wrong, expired or revoked: create a new API token at https://www.kaggle.com/settings ' +
          '(section "API", "Create New Token"), put the downloaded kaggle.json in ~/.kaggle/ and run ' +
          '`chmod 600 ~/.kaggle/kaggle.json`; or set KAGGLE_USERNAME and KAGGLE_KEY (an old KAGGLE_KEY in the ' +
          'environment overrides kaggle.json)',
      });
    case 'forbidden':
      return new HitcastError(`Kaggle refused access to ${slug} (403 Forbidden)`, {
        fix: `open ${url} while logged in to Kaggle with the same account, accept the dataset's rules/license there, then run the fetch again`,
      });
    case 'not-found':
      return new HitcastError(`Kaggle has no dataset ${slug} (404 Not Found)`, {
        fix:
          `check ${url} in a browser: the dataset may have been renamed, deleted or made private; ` +
          'an outdated CLI can also get 404s, so update it with `pip install -U kaggle`',
      });
    case 'network': {
      const detail = networkDetail(text);
      return new HitcastError(`could not reach Kaggle while downloading ${slug}${detail ? ` (${detail})` : ''}`, {
        fix: 'check your internet connection, DNS and proxy settings (HTTPS_PROXY), then run the fetch again; nothing was marked as downloaded',
      });
    }
    default: {
      const shown = lines.slice(-SHOWN_LINES);
      const status = exit.code !== null ? `exit code ${exit.code}` : `killed by ${exit.signal ?? 'a signal'}`;
      const tail = shown.length > 0 ? `; its last output:\n    ${shown.join('\n    ')}` : ' without printing anything';
      return new HitcastError(`kaggle datasets download ${slug} failed (${status})${tail}`, {
        fix:
          'read kaggle\'s output above; to see the whole of it run ' +
          `\`${[path.basename(command), ...kaggleDownloadArgs(slug, dest)].join(' ')}\` yourself, ` +
          'and update the CLI with `pip install -U kaggle` if it looks like a bug',
      });
    }
  }
}
