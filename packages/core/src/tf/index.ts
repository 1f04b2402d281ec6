/**
 * @hitcast/core/tf — hitcast's CPU training path on tfjs: backend choice, the wasm registrations
 * that make training there correct and fast, data parallelism over worker threads, and model
 * save/load without tfjs-node. See README.md in this folder for measurements.
 */
export { BACKENDS, parseBackendOption, selectBackend, SYNCHRONOUS_READS, type BackendChoice, type BackendName, type SelectOptions } from './backend.ts';
export { installWasmTraining, wasmTrainingKernels } from './wasm-training.ts';
export { installWebgpuTraining, webgpuTrainingKernels } from './webgpu-training.ts';
export { webgpuAdapter } from './webgpu.ts';
export { findAdapter, type FoundAdapter } from './webgpu-adapter.ts';
export { DataParallel, shardGradients, shardingOptions, type DataParallelOptions, type LossName } from './data-parallel.ts';
export { loadModel, saveModel, MODEL_FILE, WEIGHTS_FILE } from './model-io.ts';
