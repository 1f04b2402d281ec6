/**
 * One data-parallel replica (see data-parallel.ts): builds the model from its JSON topology, then
 * for each message sets the weights, computes its shard's gradient and posts it back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from './backend.ts';
import { shardGradients, type LossName, type Packed } from './data-parallel.ts';

const { topology, setupModule, backend } = workerData as { topology: string; setupModule?: string; backend: 'wasm' | 'cpu' };
const port = parentPort!;

try {
  await selectBackend(backend, { log: () => {} });
  if (setupModule) await import(setupModule);
  const model = await tf.models.modelFromJSON({ modelTopology: JSON.parse(topology) });
  port.on('message', (m: { weights: Packed[]; x: Packed; y: Packed; loss: LossName }) => {
    try {
      const result = tf.tidy(() => {
        model.trainableWeights.forEach((w, i) => w.write(tf.tensor(m.weights[i].data, m.weights[i].shape)));
        const { loss, grads } = shardGradients(model, m.loss, tf.tensor(m.x.data, m.x.shape), tf.tensor(m.y.data, m.y.shape));
        return { loss, grads: grads.map((g) => ({ data: g.dataSync() as Float32Array, shape: g.shape })) };
      });
      port.postMessage(result, result.grads.map((g) => g.data.buffer as ArrayBuffer));
    } catch (error) {
      port.postMessage({ error: error instanceof Error ? error.stack ?? error.message : String(error) });
    }
  });
  port.postMessage('ready');
} catch (error) {
  port.postMessage(error instanceof Error ? error.message : String(error));
}
