import { statSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '@hitcast/core/tf';
import { Predictor } from '../src/predictor.ts';
import { checkReferences } from '../src/references.ts';
import { bundleDir, manifestOf, SHIPPED } from './helpers.ts';

beforeAll(async () => {
  await selectBackend('wasm', { log: () => {} });
});

/**
 * The bundles in trained_models/ are what `npx hitcast predict` uses right after `npm ci`: each must
 * load, and reproduce the predictions its training run made for the reference songs stored inside it
 * (their spectrograms, artist, title, year), within the bundle's tolerance (1e-3 popularity points).
 * If this fails after a change to the model code, the shipped bundles no longer predict what their runs
 * did: fix the change, or refresh the bundles (`npx nx run predict:export-bundles`, trained_models/README.md).
 */
describe.each(SHIPPED)('shipped bundle %s', (name) => {
  it('loads and reproduces its run\'s predictions for the reference songs', async () => {
    const predictor = await Predictor.load(bundleDir(name));
    try {
      const checks = await checkReferences(predictor);
      expect(checks.length).toBeGreaterThanOrEqual(3);
      for (const check of checks) expect(check.difference, `${name}: ${check.id} "${check.title}" (run ${check.expected}, bundle ${check.got})`).toBeLessThanOrEqual(1e-3);
    } finally {
      predictor.dispose();
    }
  });

  it('is about a megabyte', () => {
    const manifest = manifestOf(bundleDir(name));
    const bytes = Object.keys(manifest.files).reduce((sum, file) => sum + statSync(path.join(bundleDir(name), file)).size, 0);
    expect(bytes).toBeLessThan(2_000_000);
  });
});
