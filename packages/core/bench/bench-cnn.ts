/**
 * The CNN every training figure in shared/measurements.md uses, in tfjs layers (the PyTorch twin is
 * tools/bench/torch_cnn_bench.py): conv3×3 16 → maxpool2 → BN → conv 32 → pool → BN → conv 64 →
 * pool → BN → conv 64 → global average pool → dense 64 → dropout → dense 1. ReLU after each conv.
 */
import * as tf from '@tensorflow/tfjs';

export function benchCnn(height: number, width: number, seed = 1): tf.LayersModel {
  const init = (i: number) => tf.initializers.glorotUniform({ seed: seed * 100 + i });
  const input = tf.input({ shape: [height, width, 1] });
  let x: tf.SymbolicTensor = input;
  const filters = [16, 32, 64];
  filters.forEach((f, i) => {
    x = tf.layers.conv2d({ filters: f, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(i) }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.maxPooling2d({ poolSize: 2 }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.batchNormalization().apply(x) as tf.SymbolicTensor;
  });
  x = tf.layers.conv2d({ filters: 64, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(3) }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.globalAveragePooling2d({}).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dense({ units: 64, activation: 'relu', kernelInitializer: init(4) }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dropout({ rate: 0.5, seed }).apply(x) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 1, kernelInitializer: init(5) }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

/** One Adam/MSE step; returns the loss. Plain minimize keeps the bench free of fit()'s callbacks. */
export function trainStep(model: tf.LayersModel, optimizer: tf.Optimizer, x: tf.Tensor, y: tf.Tensor): number {
  const loss = optimizer.minimize(
    () => tf.losses.meanSquaredError(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar,
    true,
  )!;
  const value = loss.dataSync()[0];
  loss.dispose();
  return value;
}

/**
 * trainStep for a backend that reads only asynchronously (webgpu in Node). Awaiting the loss also waits
 * for the device to finish the step, so a timed step is the whole step.
 */
export async function trainStepAsync(model: tf.LayersModel, optimizer: tf.Optimizer, x: tf.Tensor, y: tf.Tensor): Promise<number> {
  const loss = optimizer.minimize(
    () => tf.losses.meanSquaredError(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar,
    true,
  )!;
  const value = (await loss.data())[0];
  loss.dispose();
  return value;
}
