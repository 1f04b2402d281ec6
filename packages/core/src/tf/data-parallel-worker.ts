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
/** This thread's wasm memory (it only grows, so it is the peak so far); 0 on the cpu backend. */
const heapBytes = () => (tf.backend() as unknown as { wasm?: { HEAPU8: Uint8Array } }).wasm?.HEAPU8.length ?? 0;

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
      if (task.kind === 'predict') {
        const output = tf.tidy(() => {
          const inputs = task.inputs.map(unpack);
          return model.predict(inputs.length === 1 ? inputs[0] : inputs) as tf.Tensor;
        });
        const packed: Packed = { data: output.dataSync() as Float32Array, shape: output.shape, dtype: 'float32' };
        output.dispose();
        port.postMessage({ loss: NaN, grads: [], output: packed, heapBytes: heapBytes() }, [packed.data.buffer as ArrayBuffer]);
        return;
      }
      const result = tf.tidy(() => {
        const variables = task.train.map((i) => weights[i].read() as tf.Variable);
        const inputs = task.inputs.map(unpack);
        const { loss, grads } = shardGradients(model, task.loss, inputs.length === 1 ? inputs[0] : inputs, unpack(task.target), variables, task);
        return { loss, grads: grads.map((g) => tf.keep(g)) };
      });
      const packed: Packed[] = result.grads.map((g) => ({ data: g.dataSync() as Float32Array, shape: g.shape, dtype: 'float32' }));
      tf.dispose(result.grads);
      port.postMessage({ loss: result.loss, grads: packed, heapBytes: heapBytes() }, packed.map((g) => g.data.buffer as ArrayBuffer));
    } catch (error) {
      port.postMessage({ error: error instanceof Error ? error.stack ?? error.message : String(error) });
    }
  });
  port.postMessage('ready');
} catch (error) {
  port.postMessage(error instanceof Error ? error.message : String(error));
}
