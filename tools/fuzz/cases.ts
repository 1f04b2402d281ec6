/**
 * What the harness and its children agree on: how case `index` of a seed is made (deterministically, so any
 * case can be rebuilt from seed + target + index), the outcome of one case, and the child's messages.
 */
import { SeededRng } from '../../packages/core/src/rng.ts';
import { mutate } from './mutate.ts';
import type { SeedInput } from './targets.ts';

/** valid: the reader accepted the input; clear: a HitcastError naming the file, with a fix. The rest are failures. */
export type Outcome = 'valid' | 'clear' | 'unclear' | 'alloc' | 'memory' | 'slow' | 'crash' | 'hang';

export const PASSING: readonly Outcome[] = ['valid', 'clear'];

export interface CaseResult {
  target: string;
  seed: string;
  index: number;
  outcome: Outcome;
  ms: number;
  /** The seed input and the mutation applied. */
  input: string;
  mutation: string;
  /** The error message (first lines), or why the case failed. */
  detail?: string;
  /** Where the failing input was saved. */
  saved?: string;
}

export type ChildMessage =
  | { event: 'ready'; seeds: number; ms: number }
  | { event: 'start'; index: number; input: string; mutation: string }
  | { event: 'end'; index: number; outcome: Outcome; ms: number; detail?: string }
  | { event: 'crash'; index: number; detail: string };

export interface BuiltCase {
  files: Record<string, Uint8Array>;
  source: SeedInput;
  input: string;
  mutation: string;
}

export function buildCase(seed: string, target: string, index: number, seeds: SeedInput[]): BuiltCase {
  const rng = new SeededRng(`${seed}/${target}/${index}`);
  const input = rng.pick(seeds);
  const total = input.mutable.reduce((sum, m) => sum + m.weight, 0);
  let r = rng.next() * total;
  const chosen = input.mutable.find((m) => (r -= m.weight) < 0) ?? input.mutable[0];
  const mutated = mutate(input.files[chosen.file], rng, chosen.mutations);
  const files = { ...input.files, [chosen.file]: mutated.bytes };
  // Now and then a dependent file is left as it was (e.g. a bundle's hashes), so both paths are fuzzed.
  input.afterMutation?.(files, chosen.file, rng.next() < 0.2);
  return { files, source: input, input: `${input.name}: ${chosen.file}`, mutation: mutated.what };
}
