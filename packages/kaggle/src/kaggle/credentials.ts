import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HitcastError } from '@hitcast/core/errors';

/**
 * Where the kaggle CLI would find credentials, checked in the CLI's own order (kaggle-api
 * `KaggleApi.authenticate`, 1.7/1.8):
 *   1. an access token: `KAGGLE_API_TOKEN` (the token, or the path of a file holding it), else
 *      `~/.kaggle/access_token` (or `access_token.txt`);
 *   2. `KAGGLE_USERNAME` + `KAGGLE_KEY` in the environment;
 *   3. `kaggle.json` in the config folder: `$KAGGLE_CONFIG_DIR`, else `~/.kaggle`, else on Linux
 *      `$XDG_CONFIG_HOME/kaggle` (default `~/.config/kaggle`) when `~/.kaggle` does not exist.
 * `~` is `HOME` from the environment given (as Python's `expanduser` does).
 * Only presence is checked: whether Kaggle accepts them shows up as a 401 from the download itself.
 */
export interface KaggleCredentials {
  method: 'access-token' | 'environment' | 'kaggle.json';
  /** Where they came from, for messages: an environment variable name or a file path. Never the value. */
  source: string;
}

export function kaggleHome(env: NodeJS.ProcessEnv): string {
  return env.HOME || env.USERPROFILE || os.homedir();
}

/** The folder the kaggle CLI reads `kaggle.json` from (see the order above). */
export function kaggleConfigDir(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): string {
  if (env.KAGGLE_CONFIG_DIR) return env.KAGGLE_CONFIG_DIR;
  const home = kaggleHome(env);
  const dotKaggle = path.join(home, '.kaggle');
  if (platform === 'linux' && !existsSync(dotKaggle)) {
    return path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), 'kaggle');
  }
  return dotKaggle;
}

async function readText(file: string): Promise<string | undefined> {
  try {
    return (await fs.readFile(file, 'utf8')).trim() || undefined;
  } catch {
    return undefined;
  }
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await fs.stat(file)).isFile();
  } catch {
    return false;
  }
}

function accessTokenFiles(env: NodeJS.ProcessEnv): string[] {
  const dir = path.join(kaggleHome(env), '.kaggle');
  return [path.join(dir, 'access_token'), path.join(dir, 'access_token.txt')];
}

const SETUP_FIX =
  'create an API token at https://www.kaggle.com/settings (section "API", "Create New Token"), save the downloaded ' +
  'kaggle.json as ~/.kaggle/kaggle.json and run `chmod 600 ~/.kaggle/kaggle.json`; or set KAGGLE_USERNAME and ' +
  'KAGGLE_KEY (or KAGGLE_API_TOKEN) in the environment';

export const KAGGLE_CREDENTIALS_FIX = SETUP_FIX;

/** Finds credentials as the CLI would, or throws a HitcastError that says where it looked and how to set them up. */
export async function findKaggleCredentials(
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform = process.platform,
): Promise<KaggleCredentials> {
  const tokenVar = env.KAGGLE_API_TOKEN?.trim();
  if (tokenVar) {
    if (!(await isFile(tokenVar)) || (await readText(tokenVar))) return { method: 'access-token', source: 'KAGGLE_API_TOKEN' };
  }
  for (const file of accessTokenFiles(env)) {
    if (await readText(file)) return { method: 'access-token', source: file };
  }
  if (env.KAGGLE_USERNAME && env.KAGGLE_KEY) return { method: 'environment', source: 'KAGGLE_USERNAME/KAGGLE_KEY' };

  const configFile = path.join(kaggleConfigDir(env, platform), 'kaggle.json');
  if (await isFile(configFile)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(await fs.readFile(configFile, 'utf8'));
    } catch (error) {
      throw new HitcastError(`${configFile} is not valid JSON, so the kaggle CLI cannot read your credentials from it`, {
        fix: `download a fresh token: ${SETUP_FIX}`,
        cause: error instanceof SyntaxError ? undefined : error,
      });
    }
    const config = (parsed && typeof parsed === 'object' ? parsed : {}) as Record<string, unknown>;
    const username = typeof config.username === 'string' && config.username ? config.username : env.KAGGLE_USERNAME;
    const key = typeof config.key === 'string' && config.key ? config.key : env.KAGGLE_KEY;
    const missing = [username ? undefined : '"username"', key ? undefined : '"key"'].filter(Boolean);
    if (missing.length > 0) {
      throw new HitcastError(`${configFile} has no ${missing.join(' and ')}, so the kaggle CLI cannot log in`, {
        fix: `replace it with the kaggle.json Kaggle gives you: ${SETUP_FIX}`,
      });
    }
    return { method: 'kaggle.json', source: configFile };
  }

  const home = kaggleHome(env);
  const looked = [
    'KAGGLE_API_TOKEN',
    path.join(home, '.kaggle', 'access_token'),
    'KAGGLE_USERNAME/KAGGLE_KEY',
    configFile,
  ];
  throw new HitcastError(`no Kaggle API credentials found (looked at ${looked.join(', ')})`, { fix: SETUP_FIX });
}

/**
 * Every credential value the child might print, whichever one the CLI ends up using, for redaction.
 * Best effort: unreadable files are skipped.
 */
export async function kaggleSecrets(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): Promise<string[]> {
  const secrets: (string | undefined)[] = [env.KAGGLE_KEY, env.KAGGLE_API_TOKEN];
  const tokenVar = env.KAGGLE_API_TOKEN?.trim();
  if (tokenVar && (await isFile(tokenVar))) secrets.push(await readText(tokenVar));
  for (const file of accessTokenFiles(env)) secrets.push(await readText(file));
  const dirs = new Set([kaggleConfigDir(env, platform), path.join(kaggleHome(env), '.kaggle')]);
  for (const dir of dirs) {
    const text = await readText(path.join(dir, 'kaggle.json'));
    if (!text) continue;
    try {
      const config = JSON.parse(text) as Record<string, unknown>;
      for (const field of ['key', 'token']) if (typeof config[field] === 'string') secrets.push(config[field] as string);
    } catch {
      // not JSON: nothing we can pick out
    }
  }
  return secrets.filter((s): s is string => typeof s === 'string' && s.length > 0);
}
