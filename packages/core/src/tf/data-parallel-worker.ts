/**
 * One data-parallel replica (see data-parallel.ts): builds the model from its JSON topology, then for
 * each shard updates the weights it was sent, computes the shard's gradient with the same function as
 * the main thread (dropout seeded by step and shard) and posts it back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import '../training/seeded-dropout.ts'; // registers the dropout layer every hitcast model uses
import { selectBackend } from './backend.ts';
import { shardGradients, unpack, type Packed, type ShardTask } from './data-parallel.ts';

const { topology, setupModule, backend } = workerData as { topology: string; setupModule?: string; backend: 'wasm' | 'cpu' };
const port = parentPort!;

try {
  await selectBackend(backend, { log: () => {} });
  if (setupModule) await import(setupModule);
  const model = await tf.models.modelFromJSON({ modelTopology: JSON.parse(topology) });
  const weights = model.weights;
  port.on('message', (task: ShardTask) => {
    try {
      for (const { index, value } of task.weights) {
        const tensor = unpack(value);
        weights[index].write(tensor);
        tensor.dispose();
      }
      const result = tf.tidy(() => {
        const variables = task.train.map((i) => weights[i].read() as tf.Variable);
        const inputs = task.inputs.map(unpack);
        const { loss, grads } = shardGradients(model, task.loss, inputs.length === 1 ? inputs[0] : inputs, unpack(task.target), variables, task);
        return { loss, grads: grads.map((g) => tf.keep(g)) };
      });
      const packed: Packed[] = result.grads.map((g) => ({ data: g.dataSync() as Float32Array, shape: g.shape, dtype: 'float32' }));
      tf.dispose(result.grads);
      port.postMessage({ loss: result.loss, grads: packed }, packed.map((g) => g.data.buffer as ArrayBuffer));
    } catch (error) {
      port.postMessage({ error: error instanceof Error ? error.stack ?? error.message : String(error) });
    }
  });
  port.postMessage('ready');
} catch (error) {
  port.postMessage(error instanceof Error ? error.message : String(error));
}
