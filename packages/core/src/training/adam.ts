import * as tf from '@tensorflow/tfjs';
import { ADAM_UPDATE } from '../tf/wasm-adam.ts';

/**
 * tfjs's Adam, with each variable's update done by one kernel where one is registered (wasm, see
 * tf/wasm-adam.ts): the same state (moments named `<variable>/m` and `/v`, the running powers
 * accBeta1/accBeta2, the iteration count), the same arithmetic bit for bit, a fraction of the kernel
 * calls. On other backends it is tfjs's own update.
 */
export class FusedAdam extends tf.AdamOptimizer {
  static override get className(): string {
    return 'Adam';
  }

  constructor(learningRate: number, beta1 = 0.9, beta2 = 0.999) {
    super(learningRate, beta1, beta2);
  }

  override applyGradients(variableGradients: Parameters<tf.AdamOptimizer['applyGradients']>[0]): void {
    if (!tf.getKernel(ADAM_UPDATE, tf.getBackend())) return super.applyGradients(variableGradients);
    const self = this as unknown as {
      accumulatedFirstMoment: { originalName: string; variable: tf.Variable }[];
      accumulatedSecondMoment: { originalName: string; variable: tf.Variable }[];
      accBeta1: tf.Variable;
      accBeta2: tf.Variable;
      beta1: number;
      beta2: number;
      epsilon: number;
      learningRate: number;
      incrementIterations(): void;
    };
    const names = Array.isArray(variableGradients) ? variableGradients.map((v) => v.name) : Object.keys(variableGradients);
    const f = Math.fround;
    // The scalars as tfjs's own update computes them: 1 − accBeta in float32, constants as float32 tensors.
    const [accBeta1, accBeta2] = [self.accBeta1.dataSync()[0], self.accBeta2.dataSync()[0]];
    const attrs = {
      beta1: f(self.beta1),
      beta2: f(self.beta2),
      oneMinusBeta1: f(1 - self.beta1),
      oneMinusBeta2: f(1 - self.beta2),
      oneMinusAccBeta1: f(1 - accBeta1),
      oneMinusAccBeta2: f(1 - accBeta2),
      epsilon: f(self.epsilon),
      negativeLearningRate: f(-self.learningRate),
    };
    tf.tidy(() => {
      names.forEach((name, i) => {
        const value = tf.engine().registeredVariables[name];
        // Moments created lazily, as tfjs's Adam does, under the same names (checkpoints read them).
        self.accumulatedFirstMoment[i] ??= { originalName: `${name}/m`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
        self.accumulatedSecondMoment[i] ??= { originalName: `${name}/v`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
        const gradient = Array.isArray(variableGradients) ? variableGradients[i].tensor : (variableGradients as Record<string, tf.Tensor>)[name];
        if (gradient == null) return;
        const m = self.accumulatedFirstMoment[i].variable;
        const v = self.accumulatedSecondMoment[i].variable;
        const [x2, m2, v2] = tf.engine().runKernel(ADAM_UPDATE, { x: value, m, v, g: gradient }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
        m.assign(m2);
        v.assign(v2);
        value.assign(x2);
      });
      self.accBeta1.assign(tf.mul(self.accBeta1, self.beta1));
      self.accBeta2.assign(tf.mul(self.accBeta2, self.beta2));
    });
    self.incrementIterations();
  }
}
