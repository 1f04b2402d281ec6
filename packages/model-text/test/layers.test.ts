import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { SeededRng } from '@hitcast/core';
import { selectBackend } from '@hitcast/core/tf';
import { LayerNorm, MaskedMeanPool, MultiHeadSelfAttention, PaddingMask, TokenEmbedding } from '../src/layers/index.ts';

const B = 2;
const L = 5;
const D = 8;
const H = 2;

function randomArray(n: number, rng: SeededRng): Float32Array {
  return Float32Array.from({ length: n }, () => rng.normal());
}

/** Plain-loop attention in float64: the definition, with none of the layer's reshapes and transposes. */
function referenceAttention(x: Float32Array, mask: number[][], w: Float32Array[]): Float64Array {
  const [wq, bq, wk, bk, wv, bv, wo, bo] = w;
  const dh = D / H;
  const project = (kernel: Float32Array, bias: Float32Array) => {
    const out = new Float64Array(B * L * D);
    for (let r = 0; r < B * L; r++) for (let j = 0; j < D; j++) {
      let s = bias[j];
      for (let i = 0; i < D; i++) s += x[r * D + i] * kernel[i * D + j];
      out[r * D + j] = s;
    }
    return out;
  };
  const q = project(wq, bq);
  const k = project(wk, bk);
  const v = project(wv, bv);
  const context = new Float64Array(B * L * D);
  for (let b = 0; b < B; b++) for (let h = 0; h < H; h++) for (let i = 0; i < L; i++) {
    const scores: number[] = [];
    for (let j = 0; j < L; j++) {
      if (!mask[b][j]) continue; // padded keys take no part
      let s = 0;
      for (let c = 0; c < dh; c++) s += q[(b * L + i) * D + h * dh + c] * k[(b * L + j) * D + h * dh + c];
      scores[j] = s / Math.sqrt(dh);
    }
    const max = Math.max(...scores.filter((s) => s !== undefined));
    let total = 0;
    scores.forEach((s, j) => (total += Math.exp(s - max) * (mask[b][j] ? 1 : 0)));
    for (let c = 0; c < dh; c++) {
      let s = 0;
      scores.forEach((score, j) => (s += (Math.exp(score - max) / total) * v[(b * L + j) * D + h * dh + c]));
      context[(b * L + i) * D + h * dh + c] = s;
    }
  }
  const out = new Float64Array(B * L * D);
  for (let r = 0; r < B * L; r++) for (let j = 0; j < D; j++) {
    let s = bo[j];
    for (let i = 0; i < D; i++) s += context[r * D + i] * wo[i * D + j];
    out[r * D + j] = s;
  }
  return out;
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
  expect(worst).toBeLessThan(tolerance);
}

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`custom layers on ${backend}`, () => {
    beforeAll(async () => {
      await selectBackend(backend, { log: () => undefined });
    });

    // Second sequence: last two positions are padding.
    const mask = [
      [1, 1, 1, 1, 1],
      [1, 1, 1, 0, 0],
    ];

    function attentionWithRandomWeights(): MultiHeadSelfAttention {
      const layer = new MultiHeadSelfAttention({ heads: H, seed: 3 });
      layer.build([[null, L, D], [null, L]] as never);
      const rng = new SeededRng('weights');
      layer.setWeights(layer.getWeights().map((w) => tf.tensor(randomArray(w.size, rng), w.shape)));
      return layer;
    }

    it('multi-head attention equals the plain-loop definition, padded keys ignored', () => {
      const layer = attentionWithRandomWeights();
      const x = randomArray(B * L * D, new SeededRng('x'));
      const out = tf.tidy(() => (layer.apply([tf.tensor3d(x, [B, L, D]), tf.tensor2d(mask)]) as tf.Tensor).dataSync());
      const weights = layer.getWeights().map((w) => w.dataSync() as Float32Array);
      expectClose(out, referenceAttention(x, mask, weights), 1e-4);
    });

    it('padded positions change nothing at real positions', () => {
      const layer = attentionWithRandomWeights();
      const x = randomArray(B * L * D, new SeededRng('x'));
      const changed = Float32Array.from(x);
      for (const j of [3, 4]) for (let c = 0; c < D; c++) changed[(1 * L + j) * D + c] = 1000 * Math.sin(j + c);
      const run = (input: Float32Array) => tf.tidy(() => (layer.apply([tf.tensor3d(input, [B, L, D]), tf.tensor2d(mask)]) as tf.Tensor).arraySync() as number[][][]);
      const [a, b] = [run(x), run(changed)];
      expect(b[0]).toEqual(a[0]);
      expect(b[1].slice(0, 3)).toEqual(a[1].slice(0, 3));
    });

    it('padding mask, masked mean and layer norm', () => {
      tf.tidy(() => {
        const ids = tf.tensor2d([[2, 7, 3, 0], [2, 3, 0, 0]], undefined, 'int32');
        const m = new PaddingMask().apply(ids) as tf.Tensor;
        expect(m.arraySync()).toEqual([[1, 1, 1, 0], [1, 1, 0, 0]]);
        const x = tf.tensor3d([[[1, 2], [3, 4], [5, 6], [100, 100]], [[1, 1], [3, 3], [-50, 9], [7, 7]]]);
        expectClose((new MaskedMeanPool().apply([x, m]) as tf.Tensor).dataSync(), [3, 4, 2, 2], 1e-6);
        const normed = new LayerNorm().apply(tf.tensor3d([[[1, 2, 3, 6]]])) as tf.Tensor;
        const v = [1, 2, 3, 6];
        const mean = 3;
        const sd = Math.sqrt(v.reduce((s, a) => s + (a - mean) ** 2, 0) / 4 + 1e-5);
        expectClose(normed.dataSync(), v.map((a) => (a - mean) / sd), 1e-5);
      });
    });

    it('token embedding: gather forward, and a gradient equal to the stock gather gradient (repeated ids summed)', () => {
      const layer = new TokenEmbedding({ vocabSize: 6, dim: 3, seed: 9 });
      layer.build([null, 4]);
      const table = layer.getWeights()[0];
      const ids = tf.tensor2d([[1, 4, 4, 0], [5, 1, 0, 0]], undefined, 'int32');
      const w = tf.tensor3d(randomArray(2 * 4 * 3, new SeededRng('w')), [2, 4, 3]);
      // Through the layer's variable, as training does.
      const variable = layer.trainableWeights[0].read() as tf.Variable;
      const { grads } = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(ids) as tf.Tensor, w)) as tf.Scalar, [variable]);
      const stock = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, ids), w)))(table);
      expect((layer.apply(ids) as tf.Tensor).arraySync()).toEqual(tf.gather(table, ids).arraySync());
      expectClose(grads[variable.name].dataSync(), stock.dataSync(), 1e-6);
      const rows = grads[variable.name].arraySync() as number[][];
      expect(rows[2]).toEqual([0, 0, 0]); // id 2 never appears
      expect(rows[3]).toEqual([0, 0, 0]);
    });
  });
}
