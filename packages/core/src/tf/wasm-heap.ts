/**
 * WebAssembly kernels of our own that run on the wasm backend's heap, i.e. on tensors in place: a module
 * assembled from its opcodes (../wasm/assembler.ts) and instantiated on the memory that tfjs-backend-wasm
 * exports, once per memory. Used where XNNPACK has no fast kernel for a shape the models need.
 */
import { compileKernels, instantiateOn, type Kernel, type WasmMemory, type WasmModule } from '../wasm/assembler.ts';
import type { WasmBackend } from './wasm-kernels.ts';

/** The backend's WebAssembly memory (tfjs-backend-wasm 4.x exports it as `asm.memory`), if it has one. */
function heapMemory(backend: WasmBackend): WasmMemory | undefined {
  return (backend.wasm as { asm?: { memory?: WasmMemory } }).asm?.memory;
}

/**
 * A lazily compiled set of kernels: call it with a backend for their exports on that backend's heap, or
 * null where WebAssembly SIMD is missing or the backend exports no memory (callers then use their
 * fallback, so nothing breaks on an unknown build).
 */
export function heapKernels(kernels: () => Kernel[]): (backend: WasmBackend) => Record<string, unknown> | null {
  let compiled: WasmModule | null | undefined;
  const instances = new WeakMap<WasmMemory, Record<string, unknown>>();
  return (backend) => {
    const memory = heapMemory(backend);
    if (!memory) return null;
    if (compiled === undefined) compiled = compileKernels(kernels());
    if (!compiled) return null;
    let exports = instances.get(memory);
    if (!exports) instances.set(memory, (exports = instantiateOn(compiled, memory)));
    return exports;
  };
}
