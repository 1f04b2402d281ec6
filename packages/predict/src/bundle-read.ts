import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { HitcastError } from '@hitcast/core/errors';
import { BUNDLE_FILE, MODEL_JSON, validateBundleManifest, type BundleManifest } from './bundle-format.ts';

/** A bundle folder whose bundle.json is valid and whose files are all present and intact. */
export interface Bundle {
  dir: string;
  manifest: BundleManifest;
}

/** The command that (re)writes a bundle like this one, for error messages. */
export function reexportCommand(manifest?: { source?: { stage?: string; run?: string } }, dir = 'trained_models/<name>'): string {
  const run = manifest?.source?.stage && manifest.source.run ? `${manifest.source.stage}/${manifest.source.run}` : '<stage>/<run>';
  return `npx hitcast export --run ${run} --out ${dir}`;
}

/**
 * Reads and checks a bundle: the folder exists, bundle.json is a bundle of a format version this code
 * reads, and every file it lists is there with its size and SHA-256. Throws a HitcastError naming the
 * folder, what is wrong and how to get a good bundle.
 */
export async function readBundle(dir: string): Promise<Bundle> {
  const stat = await fs.stat(dir).catch(() => null);
  const makeOne = `make one from a training run with ${reexportCommand()}`;
  if (!stat) {
    const near = await bundlesIn(path.dirname(path.resolve(dir)));
    const shown = path.relative(process.cwd(), path.dirname(path.resolve(dir))) || '.';
    throw new HitcastError(`model bundle ${dir} does not exist`, {
      fix: near.length ? `the bundles in ${shown} are ${near.join(', ')}; or ${makeOne}` : `the shipped bundles are in trained_models/; or ${makeOne}`,
    });
  }
  if (!stat.isDirectory()) throw new HitcastError(`model bundle ${dir} is a file, not a folder`, { fix: `pass the bundle's folder (the one holding ${BUNDLE_FILE})` });
  const file = path.join(dir, BUNDLE_FILE);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch {
    const inside = await bundlesIn(dir);
    if (inside.length) {
      throw new HitcastError(`${dir} is a folder of model bundles, not a bundle`, { fix: `pass one of them: ${inside.map((name) => path.join(dir, name)).join(', ')}` });
    }
    const bareModel = await fs.stat(path.join(dir, 'model.json')).then(() => true, () => false);
    throw new HitcastError(
      bareModel ? `${dir} holds a bare model (model.json) but no ${BUNDLE_FILE}: it is not a model bundle` : `${dir} is not a model bundle: it has no ${BUNDLE_FILE}`,
      { fix: makeOne },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new HitcastError(`${file} is not valid JSON (${(error as Error).message})`, { fix: `restore the bundle (e.g. git checkout -- ${dir}) or export it again: ${reexportCommand(undefined, dir)}` });
  }
  const manifest = validateBundleManifest(json, dir, reexportCommand(json as BundleManifest, dir));
  await checkFiles(dir, manifest);
  return { dir, manifest };
}

/** Every listed file present, of its size and SHA-256. */
async function checkFiles(dir: string, manifest: BundleManifest): Promise<void> {
  const fix = `restore the bundle (e.g. git checkout -- ${dir}) or export it again: ${reexportCommand(manifest, dir)}`;
  for (const [name, entry] of Object.entries(manifest.files)) {
    const bytes = await fs.readFile(path.join(dir, name)).catch(() => null);
    if (!bytes) throw new HitcastError(`model bundle ${dir} is incomplete: ${name} is missing`, { fix });
    if (bytes.length !== entry.bytes || createHash('sha256').update(bytes).digest('hex') !== entry.sha256) {
      throw new HitcastError(`model bundle ${dir} is damaged: ${name} does not match the size and SHA-256 in ${BUNDLE_FILE}`, { fix });
    }
  }
}

/** Names of the sub-folders of `dir` that are bundles (hold a bundle.json). */
async function bundlesIn(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
  const found: string[] = [];
  for (const entry of entries) {
    if (entry.isDirectory() && (await fs.stat(path.join(dir, entry.name, BUNDLE_FILE)).then(() => true, () => false))) found.push(entry.name);
  }
  return found.sort();
}

/** The model.json path of a bundle (loadModel takes its folder). */
export const modelDirOf = (bundle: Bundle) => path.join(bundle.dir, path.dirname(MODEL_JSON));
