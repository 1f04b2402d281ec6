/**
 * PNG row unfiltering (1 byte per pixel) on WebAssembly SIMD, eight rows at a time.
 *
 * Why: Sub, Average and Paeth make each pixel wait for its left neighbour, so one row is a chain of
 * dependent steps; in JavaScript that chain costs ~3 ns a pixel, a quarter of a worker's time on a
 * full-width spectrogram. The row below depends on the row above only through the pixels above and
 * above-left, so eight rows can run as a wavefront: lane i (row y + i) works eight columns behind lane
 * i − 1, and at every step its "up" and "up-left" pixels are what lane i − 1 produced one block (eight
 * steps) earlier, still in registers. Eight bytes of each row are loaded per block and transposed so that
 * one i16x8 vector holds the eight rows' pixels of one step; each lane applies its own row's filter
 * (a mask per filter type), so rows with different filters share a group.
 *
 * Layout in the instance's memory (all rows `stride` bytes): the raw rows with PAD zero bytes on the left
 * (the wavefront's lanes start in that padding and compute zeros there, which is exactly PNG's "pixels
 * left of the row are 0"), and the output rows below one zero row (PNG's "the row above the first is 0").
 * Columns right of the image hold garbage that no valid pixel reads.
 *
 * Same bytes as the JavaScript unfilter (png-gray8.ts) for every filter and width: the tests check it.
 */
import { BLOCK, br, brIf, compileKernels, END, get, i32, I16X8, I32, instantiate, LOOP, range, set, V128, V128_INT, type Kernel, type WasmMemory, type WasmModule } from '@hitcast/core/wasm/assembler';

/** Zero bytes left of every row: the first lane-7 step starts 8·7 columns before lane 0, plus one block. */
const PAD = 64;
const LANES = 8;

const { load8x8U, store64Lane, and, or, bitselect, narrowI16x8U } = V128_INT;
const shuffle = V128.shuffle;

// Byte patterns of the 8×8 i16 transpose: interleave 16-, 32- and 64-bit halves of two vectors.
const UNPACK = {
  lo16: [0, 1, 16, 17, 2, 3, 18, 19, 4, 5, 20, 21, 6, 7, 22, 23],
  hi16: [8, 9, 24, 25, 10, 11, 26, 27, 12, 13, 28, 29, 14, 15, 30, 31],
  lo32: [0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23],
  hi32: [8, 9, 10, 11, 24, 25, 26, 27, 12, 13, 14, 15, 28, 29, 30, 31],
  lo64: [...range(0, 8), ...range(16, 8)],
  hi64: [...range(8, 8), ...range(24, 8)],
};

/** dst[s] lane i = src[i] lane s; `tmp` is scratch, `mid` may be `src` (overwritten). */
function transpose8(src: number[], tmp: number[], mid: number[], dst: number[]): number[] {
  const code: number[] = [];
  const op = (a: number, b: number, pattern: number[], out: number) => code.push(...get(a), ...get(b), ...shuffle(pattern), ...set(out));
  for (let j = 0; j < 4; j++) {
    op(src[2 * j], src[2 * j + 1], UNPACK.lo16, tmp[2 * j]);
    op(src[2 * j], src[2 * j + 1], UNPACK.hi16, tmp[2 * j + 1]);
  }
  for (const [p, q, o] of [[0, 2, 0], [1, 3, 2], [4, 6, 4], [5, 7, 6]]) {
    op(tmp[p], tmp[q], UNPACK.lo32, mid[o]);
    op(tmp[p], tmp[q], UNPACK.hi32, mid[o + 1]);
  }
  for (let j = 0; j < 4; j++) {
    op(mid[j], mid[j + 4], UNPACK.lo64, dst[2 * j]);
    op(mid[j], mid[j + 4], UNPACK.hi64, dst[2 * j + 1]);
  }
  return code;
}

/**
 * unfilter8(raw, out, stride, blocks, masks): rows raw + i·stride → out + i·stride, i < 8; out − stride is
 * the row above. masks: four i16x8 (Sub, Up, Average, Paeth), lane i all ones where row i uses it.
 */
function unfilter8Body(): number[] {
  const [RAW, OUT, STRIDE, BLOCKS, MASKS] = [0, 1, 2, 3, 4];
  const [K, END_K, UPROW] = [5, 6, 7];
  const RAWROW = range(8, 8);
  const OUTROW = range(16, 8);
  const I32_LOCALS = 24 - 5;
  let v = 0;
  const vreg = (n: number) => range(I32_LOCALS + 5 + ((v += n) - n), n);
  const [MS, MU, MA, MP, FF, A, C, U, B, D1, D2, PA, PB, PC, M1, PP, AVG] = vreg(17);
  const PO = vreg(8);
  const O = vreg(8);
  const T = vreg(8);
  const R = vreg(8);
  const TMP = vreg(8);
  const { add, sub, abs, leS, shrU } = I16X8;

  const step = (s: number): number[] => [
    // up: lane 0 from the row above the group, lanes 1..7 from the lane above's output one block ago
    ...get(PO[s]), ...get(U), ...shuffle([16 + 2 * s, 17 + 2 * s, ...range(0, 14)]), ...set(B),
    ...get(B), ...get(C), ...sub, ...set(D1),
    ...get(A), ...get(C), ...sub, ...set(D2),
    ...get(D1), ...abs, ...set(PA),
    ...get(D2), ...abs, ...set(PB),
    ...get(D1), ...get(D2), ...add, ...abs, ...set(PC),
    ...get(PA), ...get(PB), ...leS, ...get(PA), ...get(PC), ...leS, ...and, ...set(M1),
    // Paeth: a if pa ≤ pb and pa ≤ pc, else b if pb ≤ pc, else c
    ...get(A), ...get(B), ...get(C), ...get(PB), ...get(PC), ...leS, ...bitselect, ...get(M1), ...bitselect, ...set(PP),
    ...get(A), ...get(B), ...add, ...i32(1), ...shrU, ...set(AVG),
    // predictor by the lane's filter (None: 0); output = (raw + predictor) mod 256
    ...get(PP), ...get(MP), ...and,
    ...get(A), ...get(MS), ...and, ...get(B), ...get(MU), ...and, ...or, ...get(AVG), ...get(MA), ...and, ...or,
    ...or, ...get(T[s]), ...add, ...get(FF), ...and, ...set(O[s]),
    ...get(O[s]), ...set(A),
    ...get(B), ...set(C),
  ];

  return [
    ...get(MASKS), ...V128.load(0), ...set(MS),
    ...get(MASKS), ...V128.load(16), ...set(MU),
    ...get(MASKS), ...V128.load(32), ...set(MA),
    ...get(MASKS), ...V128.load(48), ...set(MP),
    ...i32(0xff), ...I16X8.splat, ...set(FF),
    ...get(OUT), ...get(STRIDE), ...I32.sub, ...set(UPROW),
    ...range(0, LANES).flatMap((i) => [
      ...get(RAW), ...get(STRIDE), ...i32(i), ...I32.mul, ...I32.add, ...set(RAWROW[i]),
      ...get(OUT), ...get(STRIDE), ...i32(i), ...I32.mul, ...I32.add, ...set(OUTROW[i]),
    ]),
    ...get(BLOCKS), ...i32(3), ...I32.shl, ...set(END_K),
    ...i32(0), ...set(K),
    ...BLOCK,
    ...LOOP,
    ...get(K), ...get(END_K), ...I32.geU, ...brIf(1),
    // lane i works at columns K + 8·(7 − i) .. + 7
    ...range(0, LANES).flatMap((i) => [...get(RAWROW[i]), ...get(K), ...I32.add, ...load8x8U(8 * (7 - i)), ...set(R[i])]),
    ...transpose8(R, TMP, R, T),
    ...get(UPROW), ...get(K), ...I32.add, ...load8x8U(56), ...set(U),
    ...range(0, LANES).flatMap(step),
    ...range(0, LANES).flatMap((i) => [...get(O[i]), ...set(PO[i])]),
    ...transpose8(O, TMP, T, R), // R[i] = row i's eight outputs
    ...range(0, LANES / 2).flatMap((j) => [
      ...get(OUTROW[2 * j]), ...get(K), ...I32.add, ...get(R[2 * j]), ...get(R[2 * j + 1]), ...narrowI16x8U, ...set(TMP[0]),
      ...get(TMP[0]), ...store64Lane(0, 8 * (7 - 2 * j)),
      ...get(OUTROW[2 * j + 1]), ...get(K), ...I32.add, ...get(TMP[0]), ...store64Lane(1, 8 * (7 - 2 * j - 1)),
    ]),
    ...get(K), ...i32(8), ...I32.add, ...set(K),
    ...br(0),
    ...END,
    ...END,
  ];
}

const KERNELS: Kernel[] = [{ name: 'unfilter8', params: 5, locals: { i32: 19, v128: 57 }, body: unfilter8Body() }];

let compiled: WasmModule | null | undefined;
let instance: { memory: WasmMemory & { grow(pages: number): number }; unfilter8: (raw: number, out: number, stride: number, blocks: number, masks: number) => void } | undefined;

/** The kernel on a memory of at least `bytes` (one instance per thread, grown as images get larger), or null without WebAssembly SIMD. */
function kernelFor(bytes: number): NonNullable<typeof instance> | null {
  if (compiled === undefined) compiled = compileKernels(KERNELS);
  if (compiled === null) return null;
  if (!instance) {
    const { memory, exports } = instantiate(compiled, bytes);
    instance = { memory: memory as NonNullable<typeof instance>['memory'], unfilter8: exports.unfilter8 as NonNullable<typeof instance>['unfilter8'] };
  }
  const missing = bytes - instance.memory.buffer.byteLength;
  if (missing > 0) instance.memory.grow(Math.ceil(missing / 65536));
  return instance;
}

/** The filter types, as the mask order of unfilter8: Sub, Up, Average, Paeth (None = no mask). */
const FILTER_MASK_SLOT: Record<number, number> = { 1: 0, 2: 1, 3: 2, 4: 3 };

/**
 * Unfilters `height` rows of `raw` (each a filter byte, then `width` bytes) into `out` (height × width),
 * or returns false where WebAssembly SIMD is missing (the caller then runs the JavaScript unfilter).
 * Throws on an unknown filter type, naming the row.
 */
export function unfilterSimd(raw: Uint8Array, out: Uint8Array, width: number, height: number): boolean {
  const blocks = Math.ceil((PAD + width) / LANES);
  const stride = LANES * blocks + PAD; // ≥ every column a lane visits, 8-byte aligned
  const groups = Math.ceil(height / LANES);
  const masksAt = 0;
  const rawAt = 64;
  const outAt = rawAt + groups * LANES * stride;
  const kernel = kernelFor(outAt + (groups * LANES + 1) * stride);
  if (!kernel) return false;
  const memory = new Uint8Array(kernel.memory.buffer);
  const masks = new Uint16Array(kernel.memory.buffer, masksAt, 32);
  const rowBytes = width + 1;
  // Raw rows at column PAD; the left padding must be zero, and rows past the image all zero (filter None).
  for (let y = 0; y < groups * LANES; y++) {
    const at = rawAt + y * stride;
    if (y < height) {
      memory.fill(0, at, at + PAD);
      memory.set(raw.subarray(y * rowBytes + 1, (y + 1) * rowBytes), at + PAD);
    } else memory.fill(0, at, at + stride);
  }
  memory.fill(0, outAt, outAt + stride); // the row above the first
  for (let g = 0; g < groups; g++) {
    masks.fill(0);
    for (let i = 0; i < LANES && g * LANES + i < height; i++) {
      const y = g * LANES + i;
      const filter = raw[y * rowBytes];
      if (filter > 4) throw new Error(`unknown row filter ${filter} in row ${y}`);
      if (filter !== 0) masks[8 * FILTER_MASK_SLOT[filter] + i] = 0xffff;
    }
    kernel.unfilter8(rawAt + g * LANES * stride, outAt + (g * LANES + 1) * stride, stride, blocks, masksAt);
  }
  for (let y = 0; y < height; y++) {
    const at = outAt + (y + 1) * stride + PAD;
    out.set(memory.subarray(at, at + width), y * width);
  }
  return true;
}
