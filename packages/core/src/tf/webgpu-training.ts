/**
 * What tfjs's webgpu backend (4.22) needs to train hitcast's models correctly, registered for backend
 * 'webgpu' only, through tfjs's own extension points (as wasm-training.ts does for wasm). Idempotent;
 * call after `@tensorflow/tfjs-backend-webgpu` registered its kernels (webgpu.ts does).
 *
 * Every other training kernel the models use is present and matches the cpu backend (conv2d and both
 * gradients, depthwise and both gradients, max-pool and its gradient with negatives and ties, batch norm,
 * matMul with transposes and batches, gather / scatterND / UnsortedSegmentSum, softmax, erf, sums and
 * means): packages/core/test/tf/webgpu-gradients.test.ts checks each against cpu.
 *
 * - Cast int32/bool → float32: the shipped kernel relabels the tensor without converting it (no
 *   "encoding loss"), so its GPU buffer still holds integers. Kernels that convert their inputs while
 *   reading cope; the ones that copy (Transpose, used by Sum over a middle axis) compile a shader whose
 *   types do not match, Dawn rejects it, and the result is garbage: the Transformer's masked mean pooling
 *   (a sum over tokens of a float mask made from token ids) gave NaN, and its training losses with it.
 *   Ours multiplies by a float32 one through the shipped Multiply, which converts each value exactly.
 * - MaxPoolGrad: the shipped kernel sends a window's gradient to its *last* maximum; cpu (and hitcast's
 *   wasm kernel) to the first, which is what a tie between equal activations (constant stretches of a
 *   spectrogram) then gives on every backend. Ours: the same two WGSL programs, positions chosen as cpu
 *   chooses them (first strictly greater value, padding never, a window of NaN or −∞ nowhere).
 */
import * as tf from '@tensorflow/tfjs';

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: WebgpuBackendLike; attrs: tf.NamedAttrMap };
type Uniform = { type: 'int32' | 'float32'; data: number[] };
/** The parts of tfjs-backend-webgpu's WebGPUBackend used here (public methods of the class). */
interface WebgpuBackendLike {
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo;
  disposeData(dataId: object): void;
  runWebGPUProgram(program: FlatProgram, inputs: tf.TensorInfo[], outputDtype: tf.DataType, uniforms?: Uniform[]): tf.TensorInfo;
}

/**
 * A program as tfjs-backend-webgpu runs it (its WebGPUProgram interface): the backend adds the bindings,
 * the uniforms (shapes, size, then ours), getX()-style readers and setOutputAtIndex(), and calls
 * `main(index)` once per output element (a flat dispatch).
 */
abstract class FlatProgram {
  readonly workgroupSize: [number, number, number] = [64, 1, 1];
  readonly size = true;
  readonly dispatchLayout: { x: number[] };
  readonly dispatch: [number, number, number];
  abstract readonly variableNames: string[];
  abstract readonly uniforms: string;
  abstract readonly shaderKey: string;
  constructor(readonly outputShape: number[]) {
    this.dispatchLayout = { x: outputShape.map((_, i) => i) };
    this.dispatch = [Math.ceil(outputShape.reduce((a, b) => a * b, 1) / this.workgroupSize[0]), 1, 1];
  }
  abstract getUserCode(): string;
}

/** For each output of a max-pool, the offset (wR·fw + wC) in its window of the first maximum, as cpu picks it. */
class FirstMaxPositionsProgram extends FlatProgram {
  readonly variableNames = ['x'];
  readonly uniforms = 'strides : vec2<i32>, pads : vec2<i32>, inDims : vec2<i32>, filterDims : vec2<i32>,';
  readonly shaderKey = 'hitcastMaxPoolFirstPositions';
  getUserCode(): string {
    return `
      fn main(index : i32) {
        if (index < uniforms.size) {
          let coords = getCoordsFromIndex(index);
          let corner = vec2<i32>(coords.yz) * uniforms.strides - uniforms.pads;
          var maxValue = -uniforms.INFINITY;
          var maxPosition = -1;
          for (var wR = 0; wR < uniforms.filterDims.x; wR++) {
            let xR = corner.x + wR;
            if (xR < 0 || xR >= uniforms.inDims.x) { continue; }
            for (var wC = 0; wC < uniforms.filterDims.y; wC++) {
              let xC = corner.y + wC;
              if (xC < 0 || xC >= uniforms.inDims.y) { continue; }
              let value = getX(coords[0], xR, xC, coords[3]);
              if (value > maxValue) {
                maxValue = value;
                maxPosition = wR * uniforms.filterDims.y + wC;
              }
            }
          }
          setOutputAtIndexI32(index, maxPosition);
        }
      }`;
  }
}

/**
 * dx: each input element gathers dy of the windows whose chosen maximum it is, in cpu's order (the
 * backprop of tfjs-backend-cpu's maxPoolBackprop, which tfjs-backend-webgpu's program also follows).
 */
class MaxPoolBackpropProgram extends FlatProgram {
  readonly variableNames = ['dy', 'maxPos'];
  readonly uniforms = 'strides : vec2<i32>, pads : vec2<i32>, filterDims : vec2<i32>, outDims : vec2<i32>,';
  readonly shaderKey = 'hitcastMaxPoolBackprop';
  getUserCode(): string {
    return `
      fn main(index : i32) {
        if (index < uniforms.size) {
          let coords = getCoordsFromIndex(index);
          let corner = vec2<i32>(coords.yz) - uniforms.pads;
          let lastIndex = uniforms.filterDims.x * uniforms.filterDims.y - 1;
          var dotProd = 0.0;
          for (var wR = 0; wR < uniforms.filterDims.x; wR++) {
            let r = corner.x + wR;
            if (r < 0 || r % uniforms.strides.x != 0) { continue; }
            let dyR = r / uniforms.strides.x;
            if (dyR >= uniforms.outDims.x) { continue; }
            for (var wC = 0; wC < uniforms.filterDims.y; wC++) {
              let c = corner.y + wC;
              if (c < 0 || c % uniforms.strides.y != 0) { continue; }
              let dyC = c / uniforms.strides.y;
              if (dyC >= uniforms.outDims.y) { continue; }
              let maxPos = lastIndex - i32(getMaxPos(coords[0], dyR, dyC, coords[3]));
              if (maxPos == wR * uniforms.filterDims.y + wC) {
                dotProd += getDy(coords[0], dyR, dyC, coords[3]);
              }
            }
          }
          setOutputAtIndex(index, dotProd);
        }
      }`;
  }
}

function maxPoolGrad(args: KernelArgs): tf.TensorInfo {
  const { inputs, backend, attrs } = args;
  const { dy, input } = inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as tf.MaxPoolGradAttrs;
  const info = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
  const int = (...data: number[]): Uniform => ({ type: 'int32', data });
  const positions = backend.runWebGPUProgram(new FirstMaxPositionsProgram(info.outShape), [input], 'int32', [
    int(info.strideHeight, info.strideWidth),
    int(info.padInfo.top, info.padInfo.left),
    int(info.inHeight, info.inWidth),
    int(info.filterHeight, info.filterWidth),
  ]);
  const dx = backend.runWebGPUProgram(new MaxPoolBackpropProgram(info.inShape), [dy, positions], input.dtype, [
    int(info.strideHeight, info.strideWidth),
    int(info.filterHeight - 1 - info.padInfo.top, info.filterWidth - 1 - info.padInfo.left),
    int(info.filterHeight, info.filterWidth),
    int(info.outHeight, info.outWidth),
  ]);
  backend.disposeData(positions.dataId);
  return dx;
}

const shipped = new Map<string, tf.KernelFunc>();
const call = (name: string, args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }) =>
  shipped.get(name)!(args as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo;

function cast(args: KernelArgs): tf.TensorInfo {
  const { inputs, backend, attrs } = args;
  const x = inputs.x as tf.TensorInfo;
  if (attrs.dtype === 'float32' && (x.dtype === 'int32' || x.dtype === 'bool')) {
    const one = backend.makeTensorInfo([], 'float32', Float32Array.of(1));
    const out = call('Multiply', { inputs: { a: x, b: one }, backend });
    backend.disposeData(one.dataId);
    return out;
  }
  return call('Cast', args);
}

const kernels: Record<string, (args: KernelArgs) => tf.TensorInfo> = { Cast: cast, MaxPoolGrad: maxPoolGrad };

/** Names of the kernels this module registers for 'webgpu' (for tests and notes). */
export const webgpuTrainingKernels = Object.keys(kernels);

let installed = false;

export function installWebgpuTraining(): void {
  if (installed) return;
  if (!tf.getKernel('Conv2D', 'webgpu')) throw new Error("installWebgpuTraining: import '@tensorflow/tfjs-backend-webgpu' first");
  installed = true;
  for (const name of [...Object.keys(kernels), 'Multiply']) shipped.set(name, tf.getKernel(name, 'webgpu')!.kernelFunc);
  for (const [name, kernelFunc] of Object.entries(kernels)) {
    const existing = tf.getKernel(name, 'webgpu');
    if (existing) tf.unregisterKernel(name, 'webgpu');
    tf.registerKernel({ kernelName: name, backendName: 'webgpu', setupFunc: existing?.setupFunc, kernelFunc: kernelFunc as unknown as tf.KernelFunc });
  }
}
