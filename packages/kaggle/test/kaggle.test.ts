import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fingerprintFile } from '@hitcast/core';
import { HitcastError } from '@hitcast/core/errors';
import { fetchKaggleDataset, KAGGLE_DATASETS, KAGGLE_MARKER_FILE, type KaggleDataset, type KaggleMarker } from '../src/kaggle.ts';
import { findKaggleCredentials, kaggleConfigDir } from '../src/kaggle/credentials.ts';
import { findExpected, matchesExpected } from '../src/kaggle/files.ts';
import { classifyKaggleFailure, LineSplitter, Redactor } from '../src/kaggle/output.ts';
import { FAKE_KAGGLE, makeSandbox, NODE_DIR, TEST_KEY, TEST_USERNAME, type Sandbox } from './fake-kaggle/sandbox.ts';

const spotify = KAGGLE_DATASETS.spotify;
const spectrograms = KAGGLE_DATASETS.spectrograms;
const SPOTIFY_HEADER =
  'id,name,popularity,duration_ms,explicit,artists,id_artists,release_date,danceability,energy,key,loudness,mode,speechiness,acousticness,instrumentalness,liveness,valence,tempo,time_signature';

interface Line {
  line: string;
  stream: string;
  progress: boolean;
}

function collector(): { lines: Line[]; onOutput: (line: string, info: { stream: string; progress: boolean }) => void } {
  const lines: Line[] = [];
  return { lines, onOutput: (line, info) => lines.push({ line, ...info }) };
}

async function failure(promise: Promise<unknown>): Promise<HitcastError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(HitcastError);
    return error as HitcastError;
  }
  throw new Error('expected the promise to reject');
}

function readMarker(dest: string): KaggleMarker {
  return JSON.parse(readFileSync(path.join(dest, KAGGLE_MARKER_FILE), 'utf8')) as KaggleMarker;
}

function expectedArgv(slug: string, dest: string): string[] {
  return ['datasets', 'download', '-d', slug, '-p', dest, '--unzip'];
}

describe.skipIf(process.platform === 'win32')('fetchKaggleDataset with the fake kaggle CLI', () => {
  it('downloads through the PATH lookup, streams output, verifies the files and writes the marker', async () => {
    const box = makeSandbox();
    const out = collector();
    const result = await fetchKaggleDataset({ dataset: spotify, dest: box.dest, env: box.env(), onOutput: out.onOutput });

    expect(result).toEqual({ dest: box.dest, files: 2, skipped: false });
    expect(box.invocations()).toEqual([expectedArgv(spotify.slug, box.dest)]);

    const tracks = readFileSync(path.join(box.dest, 'tracks.csv'), 'utf8').split('\n');
    expect(tracks[0]).toBe(SPOTIFY_HEADER);
    expect(tracks[0]!.split(',')).toHaveLength(20);
    expect(tracks.filter(Boolean).length).toBeGreaterThanOrEqual(3);
    expect(existsSync(path.join(box.dest, 'artists.csv'))).toBe(true);
    expect(existsSync(path.join(box.dest, 'spotify-dataset-19212020-600k-tracks.zip'))).toBe(false);

    const marker = readMarker(box.dest);
    expect(marker.slug).toBe(spotify.slug);
    expect(Number.isNaN(Date.parse(marker.downloadedAt))).toBe(false);
    expect(marker.files.map((f) => f.path)).toEqual(['artists.csv', 'tracks.csv']);
    for (const file of marker.files) {
      const actual = await fingerprintFile(path.join(box.dest, file.path));
      expect(file).toEqual({ path: file.path, bytes: actual.bytes, sha256: actual.sha256 });
    }
    // written atomically: no temporary left next to it
    expect(readdirSync(box.dest).filter((n) => n.endsWith('.tmp'))).toEqual([]);

    const texts = out.lines.map((l) => l.line);
    expect(texts).toContain(`Dataset URL: https://www.kaggle.com/datasets/${spotify.slug}`);
    expect(texts).toContain(`Downloading spotify-dataset-19212020-600k-tracks.zip to ${box.dest}`);
    expect(out.lines.find((l) => l.line.startsWith('Dataset URL'))).toMatchObject({ stream: 'stdout', progress: false });
    // The progress bar (\r redraws on stderr) arrives as clean lines, its final state included.
    const bars = out.lines.filter((l) => l.progress);
    expect(bars.length).toBeGreaterThan(0);
    expect(bars.every((l) => l.stream === 'stderr')).toBe(true);
    expect(bars.at(-1)!.line).toMatch(/^100%\|█+\| 1\.21k\/1\.21k/);
    expect(out.lines.every((l) => !/[\r\n]/.test(l.line) && l.line.trim() !== '')).toBe(true);
  });

  it('checks spectrograms by their year folders of PNGs', async () => {
    const box = makeSandbox();
    const dest = path.join(box.root, 'data', 'spectrograms');
    const result = await fetchKaggleDataset({ dataset: spectrograms, dest, env: box.env() });
    expect(result).toEqual({ dest, files: 4, skipped: false });
    expect(box.invocations()).toEqual([expectedArgv(spectrograms.slug, dest)]);
    const marker = readMarker(dest);
    // The archive's naming, <year>/<Artist>_-_<Title>.png, which the spectrogram stage's default pattern reads.
    expect(marker.files.map((f) => f.path)).toEqual([
      'spectrograms/1960/Elvis_Presley_-_Its_Now_Or_Never.png',
      'spectrograms/1960/Percy_Faith_-_Theme_From_A_Summer_Place.png',
      'spectrograms/1961/Ben_E._King_-_Stand_By_Me.png',
      'spectrograms/1961/Bobby_Lewis_-_Tossin_And_Turnin.png',
    ]);
    // The real format: an 8-bit grayscale PNG (IHDR bit depth 8, colour type 0), 256 rows high.
    const png = readFileSync(path.join(dest, marker.files[0]!.path));
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.subarray(12, 16).toString('latin1')).toBe('IHDR');
    expect(png.readUInt32BE(20)).toBe(256);
    expect([png[24], png[25]]).toEqual([8, 0]);
  });

  it('skips a second call while the recorded files keep their sizes, and downloads again when one changed', async () => {
    const box = makeSandbox();
    await fetchKaggleDataset({ dataset: spotify, dest: box.dest, env: box.env() });
    const markerBefore = readFileSync(path.join(box.dest, KAGGLE_MARKER_FILE), 'utf8');

    const out = collector();
    const second = await fetchKaggleDataset({ dataset: spotify, dest: box.dest, env: box.env(), onOutput: out.onOutput });
    expect(second).toEqual({ dest: box.dest, files: 2, skipped: true });
    expect(box.invocations()).toHaveLength(1);
    expect(out.lines).toEqual([]);
    expect(readFileSync(path.join(box.dest, KAGGLE_MARKER_FILE), 'utf8')).toBe(markerBefore);

    // Skipping needs no credentials (the files are there)...
    const offlineEnv = box.env({ KAGGLE_USERNAME: undefined, KAGGLE_KEY: undefined, PATH: NODE_DIR });
    expect((await fetchKaggleDataset({ dataset: spotify, dest: box.dest, env: offlineEnv })).skipped).toBe(true);

    // ...but a truncated file is noticed by its size and fetched again.
    truncateSync(path.join(box.dest, 'tracks.csv'), 10);
    const third = await fetchKaggleDataset({ dataset: spotify, dest: box.dest, env: box.env() });
    expect(third.skipped).toBe(false);
    expect(box.invocations()).toHaveLength(2);
    expect(readFileSync(path.join(box.dest, 'tracks.csv'), 'utf8').startsWith(SPOTIFY_HEADER)).toBe(true);
  });

  it('does not take a marker written for another dataset', async () => {
    const box = makeSandbox();
    await fetchKaggleDataset({ dataset: spotify, dest: box.dest, env: box.env() });
    const renamed: KaggleDataset = { ...spotify, expectedFiles: ['tracks.csv'] };
    const result = await fetchKaggleDataset({ dataset: renamed, dest: box.dest, env: box.env() });
    expect(result.skipped).toBe(false);
    expect(box.invocations()).toHaveLength(2);
  });

  it('downloads again with force', async () => {
    const box = makeSandbox();
    await fetchKaggleDataset({ dataset: spotify, dest: box.dest, env: box.env() });
    const result = await fetchKaggleDataset({ dataset: spotify, dest: box.dest, env: box.env(), force: true });
    expect(result).toEqual({ dest: box.dest, files: 2, skipped: false });
    expect(box.invocations()).toEqual([expectedArgv(spotify.slug, box.dest), expectedArgv(spotify.slug, box.dest)]);
    expect(readMarker(box.dest).slug).toBe(spotify.slug);
  });

  it('runs an explicit kaggleCommand when the CLI is not on PATH', async () => {
    const box = makeSandbox();
    const result = await fetchKaggleDataset({ dataset: spotify, dest: box.dest, env: box.env({ PATH: NODE_DIR }), kaggleCommand: FAKE_KAGGLE });
    expect(result.skipped).toBe(false);
    expect(box.invocations()).toEqual([expectedArgv(spotify.slug, box.dest)]);
  });

  it('says how to install kaggle when it is not on PATH', async () => {
    const box = makeSandbox();
    const emptyBin = path.join(box.root, 'bin');
    mkdirSync(emptyBin);
    const error = await failure(fetchKaggleDataset({ dataset: spotify, dest: box.dest, env: box.env({ PATH: emptyBin }) }));
    expect(error.message).toMatch(/kaggle CLI was not found/);
    expect(error.message).toMatch(/PATH/);
    expect(error.fix).toMatch(/pip install kaggle/);
    expect(error.fix).toMatch(/PATH/);
    expect(existsSync(path.join(box.dest, KAGGLE_MARKER_FILE))).toBe(false);
  });

  it('fails before spawning when there are no credentials, and the fake agrees with the real CLI', async () => {
    const box = makeSandbox();
    const env = box.env({ KAGGLE_USERNAME: undefined, KAGGLE_KEY: undefined });
    const error = await failure(fetchKaggleDataset({ dataset: spotify, dest: box.dest, env }));
    expect(error.message).toMatch(/no Kaggle API credentials found/);
    expect(error.message).toContain(path.join(box.home, '.config', 'kaggle', 'kaggle.json'));
    expect(error.fix).toMatch(/kaggle\.json/);
    expect(error.fix).toMatch(/KAGGLE_USERNAME/);
    expect(error.fix).toMatch(/KAGGLE_KEY/);
    expect(error.fix).toMatch(/chmod 600/);
    expect(error.fix).toMatch(/kaggle\.com\/settings/);
    expect(box.invocations()).toEqual([]);
    expect(existsSync(box.dest)).toBe(false);

    // The same environment makes the fake (like kaggle-api) print its message on stdout and exit 1.
    const run = spawnSync(FAKE_KAGGLE, expectedArgv(spotify.slug, box.dest), { env, encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stdout.trim()).toBe(
      `Could not find kaggle.json. Make sure it's located in ${path.join(box.home, '.config', 'kaggle')}. ` +
        'Or use the environment method. See setup instructions at https://github.com/Kaggle/kaggle-api/',
    );
  });

  it('uses kaggle.json from ~/.kaggle when the environment has no key', async () => {
    const box = makeSandbox();
    mkdirSync(path.join(box.home, '.kaggle'));
    writeFileSync(path.join(box.home, '.kaggle', 'kaggle.json'), JSON.stringify({ username: TEST_USERNAME, key: TEST_KEY }), { mode: 0o600 });
    const env = box.env({ KAGGLE_USERNAME: undefined, KAGGLE_KEY: undefined });
    const result = await fetchKaggleDataset({ dataset: spotify, dest: box.dest, env });
    expect(result.skipped).toBe(false);
    expect(box.invocations()).toHaveLength(1);
  });

  const failures: { scenario: string; message: RegExp; fix: RegExp }[] = [
    { scenario: 'unauthorized', message: /rejected your API credentials \(401 Unauthorized\)/, fix: /kaggle\.com\/settings[\s\S]*kaggle\.json[\s\S]*chmod 600[\s\S]*KAGGLE_USERNAME and KAGGLE_KEY/ },
    { scenario: 'forbidden', message: /refused access to .*\(403 Forbidden\)/, fix: /https:\/\/www\.kaggle\.com\/datasets\/yamaerenay\/spotify-dataset-19212020-600k-tracks.*accept the dataset's rules/ },
    { scenario: 'notfound', message: /has no dataset yamaerenay\/spotify-dataset-19212020-600k-tracks \(404 Not Found\)/, fix: /renamed, deleted or made private/ },
    { scenario: 'offline', message: /could not reach Kaggle .*\(Temporary failure in name resolution\)/, fix: /internet connection/ },
  ];

  it.each(failures)('maps the $scenario failure to its own message and leaves no marker', async ({ scenario, message, fix }) => {
    const box = makeSandbox();
    const out = collector();
    const error = await failure(
      fetchKaggleDataset({ dataset: spotify, dest: box.dest, env: box.env({ FAKE_KAGGLE_SCENARIO: scenario }), onOutput: out.onOutput }),
    );
    expect(error.message).toMatch(message);
    expect(error.fix).toMatch(fix);
    for (const other of failures.filter((f) => f.scenario !== scenario)) expect(error.message).not.toMatch(other.message);
    expect(box.invocations()).toHaveLength(1);
    expect(existsSync(path.join(box.dest, KAGGLE_MARKER_FILE))).toBe(false);
    // The CLI's own line was still streamed (it prints request errors on stdout).
    expect(out.lines.some((l) => l.stream === 'stdout' && /Client Error|Max retries exceeded/.test(l.line))).toBe(true);
  });

  it('reports a 404 for a slug Kaggle does not know', async () => {
    const box = makeSandbox();
    const missing: KaggleDataset = { key: 'spotify', slug: 'nobody/no-such-dataset', expectedFiles: ['tracks.csv'] };
    const error = await failure(fetchKaggleDataset({ dataset: missing, dest: box.dest, env: box.env() }));
    expect(error.message).toBe('Kaggle has no dataset nobody/no-such-dataset (404 Not Found)');
    expect(box.invocations()).toEqual([expectedArgv('nobody/no-such-dataset', box.dest)]);
  });

  it('reports a crash midway with the last lines, and a failed re-download removes the old marker', async () => {
    const box = makeSandbox();
    const error = await failure(fetchKaggleDataset({ dataset: spotify, dest: box.dest, env: box.env({ FAKE_KAGGLE_SCENARIO: 'crash-midway' }) }));
    expect(error.message).toMatch(/kaggle datasets download yamaerenay\/spotify-dataset-19212020-600k-tracks failed \(exit code 1\)/);
    expect(error.message).toMatch(/OSError: \[Errno 28\] No space left on device/);
    expect(error.fix).toContain(`kaggle ${expectedArgv(spotify.slug, box.dest).join(' ')}`);
    expect(existsSync(path.join(box.dest, KAGGLE_MARKER_FILE))).toBe(false);
    expect(readFileSync(path.join(box.dest, 'tracks.csv'), 'utf8').length).toBeGreaterThan(0); // the half-written file

    // A good download, then a forced one that dies: the marker must not vouch for the half-written files.
    await fetchKaggleDataset({ dataset: spotify, dest: box.dest, env: box.env() });
    expect(existsSync(path.join(box.dest, KAGGLE_MARKER_FILE))).toBe(true);
    await failure(fetchKaggleDataset({ dataset: spotify, dest: box.dest, env: box.env({ FAKE_KAGGLE_SCENARIO: 'crash-midway' }), force: true }));
    expect(existsSync(path.join(box.dest, KAGGLE_MARKER_FILE))).toBe(false);
    const again = await fetchKaggleDataset({ dataset: spotify, dest: box.dest, env: box.env() });
    expect(again.skipped).toBe(false);
    expect(box.invocations()).toHaveLength(4);
  });

  it('says the download looks incomplete when an expected file is missing after a successful run', async () => {
    const box = makeSandbox();
    const wanting: KaggleDataset = { ...spotify, expectedFiles: ['tracks.csv', 'genres.csv'] };
    const error = await failure(fetchKaggleDataset({ dataset: wanting, dest: box.dest, env: box.env() }));
    expect(error.message).toMatch(/looks incomplete: genres\.csv not found in/);
    expect(error.message).toContain('tracks.csv'); // lists what is there
    expect(existsSync(path.join(box.dest, KAGGLE_MARKER_FILE))).toBe(false);
  });

  it('refuses a destination that is a file', async () => {
    const box = makeSandbox();
    mkdirSync(path.dirname(box.dest), { recursive: true });
    writeFileSync(box.dest, 'not a folder');
    const error = await failure(fetchKaggleDataset({ dataset: spotify, dest: box.dest, env: box.env() }));
    expect(error.message).toMatch(/is not a folder/);
    expect(box.invocations()).toEqual([]);
  });

  describe('never shows a credential', () => {
    const basic = Buffer.from(`${TEST_USERNAME}:${TEST_KEY}`).toString('base64');

    function expectClean(text: string): void {
      expect(text).not.toContain(TEST_KEY);
      expect(text).not.toContain(basic);
    }

    it('redacts the key from the environment in streamed lines', async () => {
      const box = makeSandbox();
      const out = collector();
      await fetchKaggleDataset({ dataset: spotify, dest: box.dest, env: box.env({ FAKE_KAGGLE_SCENARIO: 'echo-key' }), onOutput: out.onOutput });
      const all = out.lines.map((l) => l.line).join('\n');
      expectClean(all);
      expect(out.lines.filter((l) => l.line.includes('[redacted]')).length).toBe(3); // all three echo lines
      expect(all).toContain(`DEBUG using key [redacted] for ${TEST_USERNAME}`);
    });

    it('redacts a key read from kaggle.json, in lines and in the error', async () => {
      const box = makeSandbox();
      const configDir = path.join(box.root, 'kaggle-config');
      mkdirSync(configDir);
      writeFileSync(path.join(configDir, 'kaggle.json'), JSON.stringify({ username: TEST_USERNAME, key: TEST_KEY }), { mode: 0o600 });
      const env = box.env({ KAGGLE_USERNAME: undefined, KAGGLE_KEY: undefined, KAGGLE_CONFIG_DIR: configDir, FAKE_KAGGLE_SCENARIO: 'echo-key,crash-midway' });
      const out = collector();
      const error = await failure(fetchKaggleDataset({ dataset: spotify, dest: box.dest, env, onOutput: out.onOutput }));
      expectClean(out.lines.map((l) => l.line).join('\n'));
      expectClean(`${error.message}\n${error.fix}`);
      expect(out.lines.some((l) => l.line.includes('[redacted]'))).toBe(true);
      expect(error.message).toMatch(/No space left on device/); // the tail is shown...
      expect(error.message).toContain('DEBUG using key [redacted]'); // ...with the key blanked out
    });

    it('redacts an access token', async () => {
      const box = makeSandbox();
      const token = 'KGAT_0123456789abcdef0123456789abcdef';
      const env = box.env({ KAGGLE_USERNAME: undefined, KAGGLE_KEY: undefined, KAGGLE_API_TOKEN: token, FAKE_KAGGLE_SCENARIO: 'echo-key' });
      const out = collector();
      await fetchKaggleDataset({ dataset: spotify, dest: box.dest, env, onOutput: out.onOutput });
      const all = out.lines.map((l) => l.line).join('\n');
      expect(all).not.toContain(token);
      expect(all).toContain('DEBUG using key [redacted]');
    });
  });
});

describe('credential lookup (the kaggle CLI order)', () => {
  function home(): string {
    return mkdtempSync(path.join(tmpdir(), 'hitcast-kaggle-home-'));
  }
  function put(file: string, text: string): void {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text, { mode: 0o600 });
  }

  it('prefers an access token, then KAGGLE_USERNAME/KAGGLE_KEY, then kaggle.json', async () => {
    const h = home();
    put(path.join(h, '.kaggle', 'kaggle.json'), JSON.stringify({ username: 'u', key: 'k' }));
    expect(await findKaggleCredentials({ HOME: h })).toEqual({ method: 'kaggle.json', source: path.join(h, '.kaggle', 'kaggle.json') });
    expect((await findKaggleCredentials({ HOME: h, KAGGLE_USERNAME: 'u', KAGGLE_KEY: 'k' })).method).toBe('environment');
    expect((await findKaggleCredentials({ HOME: h, KAGGLE_USERNAME: 'u', KAGGLE_KEY: 'k', KAGGLE_API_TOKEN: 'tok' })).source).toBe('KAGGLE_API_TOKEN');
    put(path.join(h, '.kaggle', 'access_token'), 'tok\n');
    expect(await findKaggleCredentials({ HOME: h })).toEqual({ method: 'access-token', source: path.join(h, '.kaggle', 'access_token') });
  });

  it('honours KAGGLE_CONFIG_DIR and, on Linux, ~/.config/kaggle only when ~/.kaggle does not exist', async () => {
    const h = home();
    put(path.join(h, 'elsewhere', 'kaggle.json'), JSON.stringify({ username: 'u', key: 'k' }));
    expect((await findKaggleCredentials({ HOME: h, KAGGLE_CONFIG_DIR: path.join(h, 'elsewhere') })).source).toBe(path.join(h, 'elsewhere', 'kaggle.json'));

    put(path.join(h, '.config', 'kaggle', 'kaggle.json'), JSON.stringify({ username: 'u', key: 'k' }));
    expect(kaggleConfigDir({ HOME: h }, 'linux')).toBe(path.join(h, '.config', 'kaggle'));
    expect((await findKaggleCredentials({ HOME: h }, 'linux')).source).toBe(path.join(h, '.config', 'kaggle', 'kaggle.json'));
    expect(kaggleConfigDir({ HOME: h, XDG_CONFIG_HOME: path.join(h, 'xdg') }, 'linux')).toBe(path.join(h, 'xdg', 'kaggle'));
    expect(kaggleConfigDir({ HOME: h }, 'darwin')).toBe(path.join(h, '.kaggle'));

    // Once ~/.kaggle exists the CLI looks only there, so neither do we fall back.
    mkdirSync(path.join(h, '.kaggle'));
    const error = await failure(findKaggleCredentials({ HOME: h }, 'linux'));
    expect(error.message).toContain(path.join(h, '.kaggle', 'kaggle.json'));
  });

  it('explains a broken kaggle.json', async () => {
    const h = home();
    put(path.join(h, '.kaggle', 'kaggle.json'), '{"username": "u", ');
    expect((await failure(findKaggleCredentials({ HOME: h }))).message).toMatch(/kaggle\.json is not valid JSON/);
    put(path.join(h, '.kaggle', 'kaggle.json'), JSON.stringify({ username: 'u' }));
    expect((await failure(findKaggleCredentials({ HOME: h }))).message).toMatch(/has no "key"/);
  });
});

describe('kaggle output handling', () => {
  it('splits lines, thins \\r progress redraws and always delivers a bar\'s last state', () => {
    let now = 0;
    const got: [string, boolean][] = [];
    const splitter = new LineSplitter((line, progress) => got.push([line, progress]), 1000, () => now);
    splitter.push('Downloading x.zip to /d\r');
    splitter.push('\n'); // \r\n split across chunks is still one newline
    splitter.push('\r  0%|          | 0/10\r 10%|█         | 1/10');
    now = 500;
    splitter.push('\r 50%|█████     | 5/10');
    now = 1500;
    splitter.push('\r 60%|██████    | 6/10\r 90%|█████████ | 9/10\r100%|██████████| 10/10\n\n');
    splitter.push('\x1b[32mdone\x1b[0m   \n');
    splitter.push('last line without newline');
    splitter.end();
    expect(got).toEqual([
      ['Downloading x.zip to /d', false],
      ['  0%|          | 0/10', true],
      [' 50%|█████     | 5/10', true], // its end (the next \r) arrived at t=1500; 10%, 60%, 90% were thinned out
      ['100%|██████████| 10/10', true],
      ['done', false],
      ['last line without newline', false],
    ]);
  });

  it('delivers a pending redraw when the bar ends with an empty line or the stream ends', () => {
    let now = 0;
    const got: string[] = [];
    const splitter = new LineSplitter((line) => got.push(line), 1000, () => now);
    splitter.push('\r 10%|█ |\r 20%|██ |\r\n');
    splitter.push('\r 30%|███ |');
    now = 100;
    splitter.push('\r 40%|████ |\r');
    splitter.end();
    expect(got).toEqual([' 10%|█ |', ' 20%|██ |', ' 40%|████ |']);
  });

  it('redacts known secrets and credential-shaped text', () => {
    const redactor = new Redactor(['0123456789abcdef', undefined, 'ab']);
    expect(redactor.redact('key 0123456789abcdef!')).toBe('key [redacted]!');
    expect(redactor.redact('KAGGLE_KEY=zzzzzz other')).toBe('KAGGLE_KEY=[redacted] other');
    expect(redactor.redact('{"username": "u", "key": "qqqqqqqq"}')).toBe('{"username": "u", "key": "[redacted]"}');
    expect(redactor.redact('Authorization: Basic dTpxcXFxcXFxcQ==')).toBe('Authorization: Basic [redacted]');
    expect(redactor.redact('about a tab')).toBe('about a tab'); // too short to hunt for
  });

  it('classifies the texts of current and older kaggle CLIs', () => {
    expect(classifyKaggleFailure("OSError: Could not find kaggle.json. Make sure it's located in /root/.kaggle. Or use the environment method.")).toBe('credentials');
    expect(classifyKaggleFailure('401 Client Error: Unauthorized for url: https://api.kaggle.com/v1/datasets.DatasetApiService/GetDatasetMetadata')).toBe('unauthorized');
    expect(classifyKaggleFailure('(401)\nReason: Unauthorized\nHTTP response headers: ...')).toBe('unauthorized');
    expect(classifyKaggleFailure('(403)\nReason: Forbidden')).toBe('forbidden');
    expect(classifyKaggleFailure('404 Client Error: Not Found for url: https://www.kaggle.com/api/v1/datasets/download/a/b?raw=false')).toBe('not-found');
    expect(classifyKaggleFailure("HTTPSConnectionPool(host='www.kaggle.com', port=443): Max retries exceeded with url: /x (Caused by NewConnectionError('<...>: Failed to establish a new connection: [Errno 111] Connection refused'))")).toBe('network');
    expect(classifyKaggleFailure('socket.gaierror: [Errno -2] Name or service not known')).toBe('network');
    // Sizes in a progress bar and unrelated errors are not status codes.
    expect(classifyKaggleFailure(' 33%|███▎      | 401M/1.21G [01:02<02:04, 6.5MB/s]\nOSError: [Errno 28] No space left on device')).toBe('other');
  });

  it('matches expected-file patterns segment by segment', async () => {
    expect(matchesExpected('spectrograms/1960/a.png', 'spectrograms/*/*.png')).toBe(true);
    expect(matchesExpected('spectrograms/a.png', 'spectrograms/*/*.png')).toBe(false);
    expect(matchesExpected('spectrograms/1960/x/a.png', 'spectrograms/*/*.png')).toBe(false);
    expect(matchesExpected('spectrograms/1960/a.pngx', 'spectrograms/*/*.png')).toBe(false);
    const dir = mkdtempSync(path.join(tmpdir(), 'hitcast-kaggle-files-'));
    mkdirSync(path.join(dir, 'spectrograms', '1999'), { recursive: true });
    mkdirSync(path.join(dir, 'spectrograms', 'empty'), { recursive: true });
    writeFileSync(path.join(dir, 'spectrograms', '1999', 'b.png'), 'x');
    writeFileSync(path.join(dir, 'spectrograms', '1999', 'notes.txt'), 'x');
    writeFileSync(path.join(dir, 'spectrograms', 'loose.png'), 'x');
    expect(await findExpected(dir, 'spectrograms/*/*.png')).toEqual(['spectrograms/1999/b.png']);
    expect(await findExpected(dir, 'tracks.csv')).toEqual([]);
  });
});
