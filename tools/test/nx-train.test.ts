import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyWorkspace, editJson, runTarget } from './nx-workspace.ts';

const metrics = (root: string, stage: string, run: string) => JSON.parse(readFileSync(path.join(root, 'artifacts', stage, run, 'metrics.json'), 'utf8'));
const modelWeights = (root: string, dir: string) => {
  const manifest = JSON.parse(readFileSync(path.join(root, dir, 'model.json'), 'utf8'));
  const bytes = readFileSync(path.join(root, dir, 'weights.bin'));
  const specs: { name: string; shape: number[] }[] = manifest.weightsManifest[0].weights;
  const out = new Map<string, Float32Array>();
  let offset = 0;
  for (const spec of specs) {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    out.set(spec.name, new Float32Array(bytes.buffer.slice(bytes.byteOffset + offset, bytes.byteOffset + offset + 4 * size)));
    offset += 4 * size;
  }
  return out;
};

describe('`nx run-many -t train` and `-t report` on the committed sample', () => {
  it('trains the four configurations; the frozen pre-trained fusion beats the mean; eval ends the run with its table', { timeout: 600_000 }, () => {
    const root = copyWorkspace();
    // Shorter CNN and end-to-end runs keep this test to a few minutes; the text branch and the fusion
    // head train with the committed parameters.
    editJson(path.join(root, 'packages/model-cnn/params.json'), { epochs: 6 });
    editJson(path.join(root, 'packages/model-fusion/params.json'), { epochs: 8 });

    const train = ['model-cnn:train', 'model-fusion:train', 'model-text:train'];
    expect(runTarget(root, 'train').ran).toEqual(['data-spectrogram:build', 'data-spotify:build', ...train]);

    const runs = { 'model-text': ['text-only', 'text-pretrained'], 'model-cnn': ['cnn-only', 'cnn-pretrained'], 'model-fusion': ['combined-naive', 'fusion-pretrained'] };
    for (const [stage, names] of Object.entries(runs)) {
      for (const run of names) {
        const m = metrics(root, stage, run);
        expect(m.backend, `${stage}/${run}`).toBe('wasm');
        expect(m.metrics.test.count).toBeGreaterThan(5);
        expect(m.meanBaseline.count).toBe(m.metrics.test.count);
      }
    }
    // The study's better configuration beats predicting the training songs' mean on the same test songs.
    const fusion = metrics(root, 'model-fusion', 'fusion-pretrained');
    expect(fusion.metrics.test.rmse).toBeLessThan(fusion.meanBaseline.rmse);
    expect(fusion.metrics.test.within15).toBeGreaterThanOrEqual(fusion.meanBaseline.within15);

    // Frozen means frozen: the fused model carries the pre-trained CNN's and Transformer's weights
    // (batch-norm statistics included) bit for bit.
    const fused = modelWeights(root, 'artifacts/model-fusion/fusion-pretrained/model');
    for (const dir of ['artifacts/model-cnn/cnn-pretrained/model', 'artifacts/model-text/text-pretrained/model']) {
      const backbone = modelWeights(root, dir);
      let compared = 0;
      for (const [name, values] of backbone) {
        if (!fused.has(name)) continue; // the backbone's own regression head is not part of the fusion model
        expect(Array.from(fused.get(name)!), name).toEqual(Array.from(values));
        compared++;
      }
      expect(compared, dir).toBeGreaterThan(10);
    }

    expect(runTarget(root, 'train')).toMatchObject({ ran: [] });

    // The evaluation stage joins the runs; with the workspace's default output the run ends with its table.
    const report = runTarget(root, 'report');
    expect(report.ran).toEqual(['eval:report']);
    const table = report.output.lastIndexOf('# hitcast evaluation:');
    expect(table).toBeGreaterThan(report.output.lastIndexOf('> nx run model-fusion:train'));
    expect(report.output.slice(table)).toMatch(/\| config \| 4\. pre-trained, frozen \(fusion head trained\) \| \d+\.\d\d \[/);
    for (const file of ['metrics.arrow', 'metrics.json', 'report.md', 'report.html', 'manifest.json']) {
      expect(existsSync(path.join(root, 'artifacts/eval', file)), file).toBe(true);
    }
    const evalMetrics = JSON.parse(readFileSync(path.join(root, 'artifacts/eval/metrics.json'), 'utf8'));
    const fusionRmse = evalMetrics.metrics.find((m: { entry: string; metric: string }) => m.entry === 'fusion-pretrained' && m.metric === 'rmse');
    // The same test songs as the run's own report; eval clamps predictions to 0–100, which can only lower an error.
    expect(fusionRmse.value).toBeLessThanOrEqual(fusion.metrics.test.rmse + 1e-3);
    expect(fusionRmse.value).toBeGreaterThan(fusion.metrics.test.rmse * 0.8);
    expect(fusionRmse.test_songs).toBe(fusion.metrics.test.count);
    expect(runTarget(root, 'report')).toMatchObject({ ran: [] });
    // Which stages re-run after which change: tools/test/nx-stage-contract.test.ts.
  });
});
