/**
 * A minimal WebAssembly assembler: just the instructions hitcast's small kernels use (data-spectrogram's
 * PNG unfilter and resampler FFT, core's wasm training kernels), so they need no toolchain at build time.
 * A kernel is a function of i32 parameters whose body is an array of bytes built from the helpers below;
 * `compileKernels` returns null where the runtime lacks WebAssembly SIMD, and the callers fall back.
 * A module imports its memory (`env.memory`): its own (`instantiate`) or another module's, such as tfjs
 * wasm backend's heap (`instantiateOn`), so a kernel can work on tensors in place.
 */

/** The few WebAssembly APIs used (the workspace's TypeScript lib declares none). */
export interface WasmModule {
  readonly __wasmModule?: never;
}
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
declare const WebAssembly: {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: Record<string, Record<string, unknown>>) => { readonly exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number }) => WasmMemory;
};

export const PAGE_BYTES = 65536;

export const uleb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
};
const sleb = (n: number): number[] => {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(b & 0x40)) || (n === -1 && b & 0x40)) return [...out, b];
    out.push(b | 0x80);
  }
};
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const name = (s: string): number[] => [...uleb(s.length), ...new TextEncoder().encode(s)];

export const range = (from: number, n: number): number[] => Array.from({ length: n }, (_, i) => from + i);

// locals and constants
export const get = (i: number) => [0x20, ...uleb(i)];
export const set = (i: number) => [0x21, ...uleb(i)];
export const i32 = (n: number) => [0x41, ...sleb(n)];
// i32 arithmetic and comparisons
export const I32 = {
  add: [0x6a],
  sub: [0x6b],
  mul: [0x6c],
  shl: [0x74],
  geU: [0x4f],
};
// control
export const [BLOCK, LOOP, END] = [[0x02, 0x40], [0x03, 0x40], [0x0b]];
export const brIf = (depth: number) => [0x0d, ...uleb(depth)];
export const br = (depth: number) => [0x0c, ...uleb(depth)];
// SIMD: one complex float64 per v128
export const V128 = {
  load: (offset = 0) => [0xfd, ...uleb(0x00), 4, ...uleb(offset)], // align 16
  store: (offset = 0) => [0xfd, ...uleb(0x0b), 4, ...uleb(offset)],
  shuffle: (lanes: number[]) => [0xfd, ...uleb(0x0d), ...lanes],
};
/** Lane-wise integer SIMD (the PNG unfilter, png-unfilter-simd.ts). */
export const V128_INT = {
  load8x8U: (offset = 0) => [0xfd, ...uleb(0x02), 0, ...uleb(offset)], // 8 bytes, zero-extended to i16x8; align 1
  store64Lane: (lane: number, offset = 0) => [0xfd, ...uleb(0x5b), 0, ...uleb(offset), lane],
  and: [0xfd, ...uleb(0x4e)],
  or: [0xfd, ...uleb(0x50)],
  bitselect: [0xfd, ...uleb(0x52)], // (a, b, mask) → a where mask bits are 1, else b
  narrowI16x8U: [0xfd, ...uleb(0x66)],
  const: (bytes: number[]) => [0xfd, ...uleb(0x0c), ...bytes],
};
export const I16X8 = {
  leS: [0xfd, ...uleb(0x33)],
  abs: [0xfd, ...uleb(0x80)],
  shrU: [0xfd, ...uleb(0x8d)],
  add: [0xfd, ...uleb(0x8e)],
  sub: [0xfd, ...uleb(0x91)],
  splat: [0xfd, ...uleb(0x10)],
};
export const F64 = {
  load: (offset = 0) => [0x2b, 3, ...uleb(offset)], // align 8
};
/** One float64 into lane 0 of a zeroed vector / into `lane` of a vector on the stack. */
export const V128_F64 = {
  load64Zero: (offset = 0) => [0xfd, ...uleb(0x5d), 3, ...uleb(offset)],
  load64Lane: (lane: number, offset = 0) => [0xfd, ...uleb(0x57), 3, ...uleb(offset), lane],
};
export const F32X4 = {
  gt: [0xfd, ...uleb(0x44)],
  ge: [0xfd, ...uleb(0x46)],
  splat: [0xfd, ...uleb(0x13)],
  add: [0xfd, ...uleb(0xe4)],
  mul: [0xfd, ...uleb(0xe6)],
  load32Splat: (offset = 0) => [0xfd, ...uleb(0x09), 2, ...uleb(offset)], // one float32, in all four lanes
};
export const F64X2 = {
  splat: [0xfd, ...uleb(0x14)],
  add: [0xfd, ...uleb(0xf0)],
  sub: [0xfd, ...uleb(0xf1)],
  mul: [0xfd, ...uleb(0xf2)],
  const: (a: number, b: number) => [0xfd, ...uleb(0x0c), ...new Uint8Array(new Float64Array([a, b]).buffer)],
};

export interface Kernel {
  name: string;
  params: number; // all i32
  locals: { i32: number; v128: number };
  body: number[]; // without the final `end`
}

/** A module importing `env.memory` and exporting the kernels, or null without WebAssembly (SIMD). */
export function compileKernels(kernels: Kernel[]): WasmModule | null {
  const bytes = new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec(kernels.map((k) => [0x60, ...vec(range(0, k.params).map(() => [0x7f])), ...vec([])]))),
    ...section(2, vec([[...name('env'), ...name('memory'), 0x02, 0x00, ...uleb(1)]])),
    ...section(3, vec(kernels.map((_, i) => uleb(i)))),
    ...section(7, vec(kernels.map((k, i) => [...name(k.name), 0x00, ...uleb(i)]))),
    ...section(
      10,
      vec(
        kernels.map((k) => {
          const code = [...vec([[...uleb(k.locals.i32), 0x7f], [...uleb(k.locals.v128), 0x7b]]), ...k.body, ...END];
          return [...uleb(code.length), ...code];
        }),
      ),
    ),
  ]);
  return typeof WebAssembly === 'object' && WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
}

/** The kernels' exports on an existing memory (e.g. another module's heap). */
export function instantiateOn(module: WasmModule, memory: WasmMemory): Record<string, unknown> {
  return new WebAssembly.Instance(module, { env: { memory } }).exports;
}

/** A memory of at least `bytes` and the kernels' exports on it. */
export function instantiate(module: WasmModule, bytes: number): { memory: WasmMemory; exports: Record<string, unknown> } {
  const memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil(bytes / PAGE_BYTES)) });
  return { memory, exports: new WebAssembly.Instance(module, { env: { memory } }).exports };
}
