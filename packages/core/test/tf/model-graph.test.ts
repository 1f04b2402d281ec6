import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../src/tf/model-io.ts';

const shipped = path.join(import.meta.dirname, '../../../../trained_models/cnn-pretrained/model');

/** A copy of a shipped model whose model.json is changed by `edit`. */
function modelWith(edit: (layers: { name: string; inbound_nodes: unknown[][] }[]) => void): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'hitcast-model-graph-'));
  cpSync(shipped, dir, { recursive: true });
  const json = JSON.parse(readFileSync(path.join(dir, 'model.json'), 'utf8'));
  edit(json.modelTopology.config.layers);
  writeFileSync(path.join(dir, 'model.json'), JSON.stringify(json));
  return dir;
}

describe('loading a model.json with a broken layer graph', () => {
  it('refuses a layer fed by a layer the model lacks, instead of looping forever', async () => {
    const dir = modelWith((layers) => {
      (layers[3].inbound_nodes[0][0] as unknown[])[0] = 'no-such-layer';
    });
    await expect(loadModel(dir)).rejects.toThrow(/takes node 0 of layer "no-such-layer", which the model never builds/);
  });

  it('refuses two layers that feed each other, instead of looping forever', async () => {
    const dir = modelWith((layers) => {
      (layers[2].inbound_nodes[0][0] as unknown[])[0] = layers[3].name;
    });
    await expect(loadModel(dir)).rejects.toThrow(/which the model never builds \(a missing layer or a cycle\)/);
  });

  it('refuses an inbound node that is not a list of [layer, node, tensor]', async () => {
    const dir = modelWith((layers) => {
      layers[3].inbound_nodes[0][0] = {};
    });
    await expect(loadModel(dir)).rejects.toThrow(/has a malformed inbound node/);
  });
});

describe('loading a model that nests models as layers', () => {
  it('loads the shipped fusion model (its CNN and Transformer are models inside the model, referenced from node 1)', async () => {
    await import('../../src/training/seeded-dropout.ts'); // the dropout layer every hitcast model uses
    await import('../../../model-text/src/layers/index.ts'); // the Transformer's custom layers
    const model = await loadModel(path.join(import.meta.dirname, '../../../../trained_models/fusion-pretrained/model'));
    expect(model.layers.map((l) => l.name)).toContain('cnn_features');
    expect(model.inputs).toHaveLength(2);
    model.dispose();
  });
});
