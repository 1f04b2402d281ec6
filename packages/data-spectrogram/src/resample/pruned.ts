/**
 * Output-pruned decimation-in-time DFT for smooth lengths M = R·s: a contiguous range of output bins
 * (outStart .. outStart+outLen-1, taken mod M) of the forward DFT of a full length-M complex input.
 *
 * The input is split by residue into R "leaf" sequences x[ℓ + R·m] (m < s), each transformed in full by
 * the mixed-radix FFT; then the leaves are merged level by level, one prime radix q at a time, the way
 * the last stages of a DIT FFT would, except that every level only computes the bins that the requested
 * range needs (all of them while a node is shorter than the range):
 *
 *     X_ν[k] = Σ_{c<q} ω_S^{c·k} · C_{ν + R'·c}[k mod S/q]          (node ν of size S, R' = M / S nodes)
 *
 * with exact twiddle tables. For 35000 → bins [-512, 512] this is 35 FFTs of 1000 (one batched
 * Stockham pass over the whole row pair) plus ~41k complex multiply-adds, against ~6 FFTs of 8192 for the
 * chirp-z route: about half the time. Leaf length and level order come from a cost model over all
 * divisors of M (bestPruned).
 */
import { MixedFFT, mixedCost, smoothRadices } from './mixed.ts';

// Model constants shared with zoom.ts (rough ns): a flop of the mixed FFT, a complex MAC, a gathered point.
export const MIXED_FLOP_COST = 0.26;
export const LEVEL_MAC_COST = 1.5;
const GATHER_COST = 1.0;

export interface PrunedShape {
  s: number; // leaf length
  levels: number[]; // radices, bottom (next to the leaves) to top
  cost: number;
}

function primeFactors(n: number): number[] {
  const out: number[] = [];
  let m = n;
  for (let p = 2; p * p <= m; p++) {
    while (m % p === 0) {
      out.push(p);
      m /= p;
    }
  }
  if (m > 1) out.push(m);
  return out;
}

function levelsCost(M: number, s: number, levels: number[], outLen: number): number {
  let S = s;
  let cost = 0;
  for (const q of levels) {
    S *= q;
    const nodes = M / S;
    cost += nodes * Math.min(outLen, S) * q * LEVEL_MAC_COST;
  }
  return cost;
}

/** The cheapest leaf length and level order for (M, outLen), or null if M is not smooth. */
export function bestPruned(M: number, outLen: number): PrunedShape | null {
  if (!smoothRadices(M)) return null;
  let best: PrunedShape | null = null;
  for (let s = 1; s <= M; s++) {
    if (M % s !== 0) continue;
    const R = M / s;
    const radices = smoothRadices(s)!;
    const leaf = s === 1 ? 0 : mixedCost(radices, s) * MIXED_FLOP_COST;
    const f = primeFactors(R);
    for (const levels of [f, [...f].reverse()]) {
      const cost = R * leaf + M * GATHER_COST + levelsCost(M, s, levels, outLen);
      if (!best || cost < best.cost) best = { s, levels, cost };
    }
  }
  return best;
}

interface Level {
  q: number;
  nodes: number; // M / S: nodes at this level
  count: number; // bins stored per node
  childPos: Int32Array; // bin index → position in the children's storage
  tw: Float64Array; // [(i·(q-1) + c-1)·2] = ω_S^{c·k_i}
  buf: Float64Array; // count × nodes complex: bin position i of node ν at i·nodes + ν
}

/**
 * Storage of every level (leaves included) is bin-major: position i of node ν at i·nodes + ν. The leaf
 * FFTs produce exactly that layout when run as one batched Stockham prefix over the whole input, and a
 * merge then reads each output's q·nodes children from one contiguous block.
 */
export class PrunedDFT {
  private readonly leaf: MixedFFT | null;
  private readonly xin: Float64Array; // the input, interleaved
  private readonly leafOut: Float64Array; // s × R complex, D_ℓ[f] at f·R + ℓ
  private readonly levels: Level[];
  private readonly outPos: Int32Array;

  constructor(
    readonly M: number,
    readonly outStart: number,
    readonly outLen: number,
    readonly shape: PrunedShape,
  ) {
    const { s, levels } = shape;
    const R = M / s;
    this.leaf = s > 1 ? new MixedFFT(s, R) : null;
    this.leafOut = new Float64Array(2 * M);
    this.xin = this.leaf ? new Float64Array(0) : this.leafOut;
    const mod = (a: number, m: number): number => ((a % m) + m) % m;
    this.levels = [];
    let S = s;
    let childFull = true;
    for (const q of levels) {
      const childS = S;
      S *= q;
      const full = outLen >= S;
      const count = full ? S : outLen;
      const childPos = new Int32Array(count);
      const tw = new Float64Array(2 * (q - 1) * count);
      for (let i = 0; i < count; i++) {
        const k = full ? i : outStart + i;
        childPos[i] = childFull ? mod(k, childS) : k - outStart;
        const kk = mod(k, S);
        for (let c = 1; c < q; c++) {
          // ω_S^{c·k} = exp(-2πi·(c·k mod S)/S); c·kk < q·S is an exact double
          let r = (c * kk) % S;
          if (2 * r > S) r -= S;
          const angle = (2 * Math.PI * r) / S;
          const j = 2 * (i * (q - 1) + c - 1);
          tw[j] = Math.cos(angle);
          tw[j + 1] = -Math.sin(angle);
        }
      }
      this.levels.push({ q, nodes: M / S, count, childPos, tw, buf: new Float64Array(2 * (M / S) * count) });
      childFull = full;
    }
    this.outPos = new Int32Array(outLen);
    for (let i = 0; i < outLen; i++) this.outPos[i] = childFull ? mod(outStart + i, M) : i;
  }

  /** out[2i], out[2i+1] = DFT(re + i·im)[outStart + i], i < outLen (forward, unnormalised). */
  run(re: Float64Array, im: Float64Array, out: Float64Array): void {
    const { M, xin } = this;
    if (this.leaf) this.leaf.transformSplit(re, im, this.leafOut);
    else {
      for (let i = 0; i < M; i++) {
        xin[2 * i] = re[i];
        xin[2 * i + 1] = im[i];
      }
    }
    let child = this.leafOut;
    for (const lv of this.levels) {
      mergeLevel(lv, child);
      child = lv.buf;
    }
    const outPos = this.outPos;
    for (let i = 0; i < this.outLen; i++) {
      const p = outPos[i];
      out[2 * i] = child[2 * p];
      out[2 * i + 1] = child[2 * p + 1];
    }
  }
}

function mergeLevel(lv: Level, child: Float64Array): void {
  switch (lv.q) {
    case 2:
      merge2(lv, child);
      return;
    case 3:
      merge3(lv, child);
      return;
    case 5:
      merge5(lv, child);
      return;
    case 7:
      merge7(lv, child);
      return;
    default:
      mergeGeneric(lv, child);
  }
}

function mergeGeneric(lv: Level, child: Float64Array): void {
  const q = lv.q;
  const nodes = lv.nodes;
  const count = lv.count;
  const childPos = lv.childPos;
  const tw = lv.tw;
  const buf = lv.buf;
  const prev2 = 2 * nodes * q; // one child bin position: q·nodes complex values
  const step = 2 * nodes; // from child ν + nodes·c to ν + nodes·(c+1)
  const q1 = 2 * (q - 1);
  for (let i = 0; i < count; i++) {
    const base = childPos[i] * prev2;
    const t0 = i * q1;
    const o = 2 * i * nodes;
    for (let v = 0; v < nodes; v++) {
      let p = base + 2 * v;
      let sr = child[p];
      let si = child[p + 1];
      for (let t = t0; t < t0 + q1; t += 2) {
        p += step;
        const xr = child[p];
        const xi = child[p + 1];
        const wr = tw[t];
        const wi = tw[t + 1];
        sr += xr * wr - xi * wi;
        si += xr * wi + xi * wr;
      }
      buf[o + 2 * v] = sr;
      buf[o + 2 * v + 1] = si;
    }
  }
}

function merge2(lv: Level, child: Float64Array): void {
  const nodes = lv.nodes;
  const count = lv.count;
  const childPos = lv.childPos;
  const tw = lv.tw;
  const buf = lv.buf;
  const prev2 = 2 * nodes * 2;
  const st = 2 * nodes;
  for (let i = 0; i < count; i++) {
    const base = childPos[i] * prev2;
    const t = i * 2;
    const o = 2 * i * nodes;
    const w1r = tw[t + 0];
    const w1i = tw[t + 1];
    for (let v = 0; v < nodes; v++) {
      const p = base + 2 * v;
      let sr = child[p];
      let si = child[p + 1];
      const x1r = child[p + st];
      const x1i = child[p + st + 1];
      sr += x1r * w1r - x1i * w1i;
      si += x1r * w1i + x1i * w1r;
      buf[o + 2 * v] = sr;
      buf[o + 2 * v + 1] = si;
    }
  }
}

function merge3(lv: Level, child: Float64Array): void {
  const nodes = lv.nodes;
  const count = lv.count;
  const childPos = lv.childPos;
  const tw = lv.tw;
  const buf = lv.buf;
  const prev2 = 2 * nodes * 3;
  const st = 2 * nodes;
  for (let i = 0; i < count; i++) {
    const base = childPos[i] * prev2;
    const t = i * 4;
    const o = 2 * i * nodes;
    const w1r = tw[t + 0];
    const w1i = tw[t + 1];
    const w2r = tw[t + 2];
    const w2i = tw[t + 3];
    for (let v = 0; v < nodes; v++) {
      const p = base + 2 * v;
      let sr = child[p];
      let si = child[p + 1];
      const x1r = child[p + st];
      const x1i = child[p + st + 1];
      sr += x1r * w1r - x1i * w1i;
      si += x1r * w1i + x1i * w1r;
      const x2r = child[p + 2 * st];
      const x2i = child[p + 2 * st + 1];
      sr += x2r * w2r - x2i * w2i;
      si += x2r * w2i + x2i * w2r;
      buf[o + 2 * v] = sr;
      buf[o + 2 * v + 1] = si;
    }
  }
}

function merge5(lv: Level, child: Float64Array): void {
  const nodes = lv.nodes;
  const count = lv.count;
  const childPos = lv.childPos;
  const tw = lv.tw;
  const buf = lv.buf;
  const prev2 = 2 * nodes * 5;
  const st = 2 * nodes;
  for (let i = 0; i < count; i++) {
    const base = childPos[i] * prev2;
    const t = i * 8;
    const o = 2 * i * nodes;
    const w1r = tw[t + 0];
    const w1i = tw[t + 1];
    const w2r = tw[t + 2];
    const w2i = tw[t + 3];
    const w3r = tw[t + 4];
    const w3i = tw[t + 5];
    const w4r = tw[t + 6];
    const w4i = tw[t + 7];
    for (let v = 0; v < nodes; v++) {
      const p = base + 2 * v;
      let sr = child[p];
      let si = child[p + 1];
      const x1r = child[p + st];
      const x1i = child[p + st + 1];
      sr += x1r * w1r - x1i * w1i;
      si += x1r * w1i + x1i * w1r;
      const x2r = child[p + 2 * st];
      const x2i = child[p + 2 * st + 1];
      sr += x2r * w2r - x2i * w2i;
      si += x2r * w2i + x2i * w2r;
      const x3r = child[p + 3 * st];
      const x3i = child[p + 3 * st + 1];
      sr += x3r * w3r - x3i * w3i;
      si += x3r * w3i + x3i * w3r;
      const x4r = child[p + 4 * st];
      const x4i = child[p + 4 * st + 1];
      sr += x4r * w4r - x4i * w4i;
      si += x4r * w4i + x4i * w4r;
      buf[o + 2 * v] = sr;
      buf[o + 2 * v + 1] = si;
    }
  }
}

function merge7(lv: Level, child: Float64Array): void {
  const nodes = lv.nodes;
  const count = lv.count;
  const childPos = lv.childPos;
  const tw = lv.tw;
  const buf = lv.buf;
  const prev2 = 2 * nodes * 7;
  const st = 2 * nodes;
  for (let i = 0; i < count; i++) {
    const base = childPos[i] * prev2;
    const t = i * 12;
    const o = 2 * i * nodes;
    const w1r = tw[t + 0];
    const w1i = tw[t + 1];
    const w2r = tw[t + 2];
    const w2i = tw[t + 3];
    const w3r = tw[t + 4];
    const w3i = tw[t + 5];
    const w4r = tw[t + 6];
    const w4i = tw[t + 7];
    const w5r = tw[t + 8];
    const w5i = tw[t + 9];
    const w6r = tw[t + 10];
    const w6i = tw[t + 11];
    for (let v = 0; v < nodes; v++) {
      const p = base + 2 * v;
      let sr = child[p];
      let si = child[p + 1];
      const x1r = child[p + st];
      const x1i = child[p + st + 1];
      sr += x1r * w1r - x1i * w1i;
      si += x1r * w1i + x1i * w1r;
      const x2r = child[p + 2 * st];
      const x2i = child[p + 2 * st + 1];
      sr += x2r * w2r - x2i * w2i;
      si += x2r * w2i + x2i * w2r;
      const x3r = child[p + 3 * st];
      const x3i = child[p + 3 * st + 1];
      sr += x3r * w3r - x3i * w3i;
      si += x3r * w3i + x3i * w3r;
      const x4r = child[p + 4 * st];
      const x4i = child[p + 4 * st + 1];
      sr += x4r * w4r - x4i * w4i;
      si += x4r * w4i + x4i * w4r;
      const x5r = child[p + 5 * st];
      const x5i = child[p + 5 * st + 1];
      sr += x5r * w5r - x5i * w5i;
      si += x5r * w5i + x5i * w5r;
      const x6r = child[p + 6 * st];
      const x6i = child[p + 6 * st + 1];
      sr += x6r * w6r - x6i * w6i;
      si += x6r * w6i + x6i * w6r;
      buf[o + 2 * v] = sr;
      buf[o + 2 * v + 1] = si;
    }
  }
}
