import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder holding the fake `kaggle` executable; put it first on PATH. */
export const FAKE_KAGGLE_DIR = path.dirname(fileURLToPath(import.meta.url));
export const FAKE_KAGGLE = path.join(FAKE_KAGGLE_DIR, 'kaggle');
/** Where `node` lives, so the fake's `#!/usr/bin/env node` works on a PATH we build from scratch. */
export const NODE_DIR = path.dirname(process.execPath);

export const TEST_USERNAME = 'hitcast-tester';
export const TEST_KEY = 'f00dcafe5ecre7k3y0123456789abcd';

export interface Sandbox {
  root: string;
  home: string;
  dest: string;
  argvLog: string;
  /**
   * A from-scratch environment (nothing inherited, so a developer's real KAGGLE_* never leaks in):
   * PATH = fake folder, node's folder; HOME = the sandbox home; env credentials; the argv log.
   */
  env(extra?: Record<string, string | undefined>): NodeJS.ProcessEnv;
  /** The argv of every run of the fake so far. */
  invocations(): string[][];
}

export function makeSandbox(): Sandbox {
  const root = mkdtempSync(path.join(tmpdir(), 'hitcast-kaggle-'));
  const home = path.join(root, 'home');
  mkdirSync(home);
  const argvLog = path.join(root, 'argv.log');
  return {
    root,
    home,
    dest: path.join(root, 'data', 'spotify'),
    argvLog,
    env(extra = {}) {
      const env: NodeJS.ProcessEnv = {
        PATH: [FAKE_KAGGLE_DIR, NODE_DIR].join(path.delimiter),
        HOME: home,
        KAGGLE_USERNAME: TEST_USERNAME,
        KAGGLE_KEY: TEST_KEY,
        FAKE_KAGGLE_ARGV_LOG: argvLog,
      };
      for (const [name, value] of Object.entries(extra)) {
        if (value === undefined) delete env[name];
        else env[name] = value;
      }
      return env;
    },
    invocations() {
      if (!existsSync(argvLog)) return [];
      return readFileSync(argvLog, 'utf8')
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { argv: string[] }).argv);
    },
  };
}
