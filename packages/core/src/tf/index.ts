/**
 * @hitcast/core/tf — hitcast's CPU training path on tfjs: backend choice, the wasm registrations
 * that make training there correct and fast, data parallelism over worker threads, and model
 * save/load without tfjs-node. See README.md in this folder for measurements.
 */
export { BACKENDS, parseBackendOption, selectBackend, type BackendChoice, type BackendName, type SelectOptions } from './backend.ts';
export { installWasmTraining, wasmTrainingKernels } from './wasm-training.ts';
export { DataParallel, shardGradients, shardingOptions, type DataParallelOptions, type LossName } from './data-parallel.ts';
export { loadModel, saveModel, MODEL_FILE, WEIGHTS_FILE } from './model-io.ts';
