/**
 * How Python values look once unpickled. pickleparser gives JS primitives for most of them; the few
 * distinctions JS loses (float vs int) or pickle-only types (slice) get small classes here.
 *
 *   None → null        bool → boolean        int → number (exact, |n| ≤ 2**53 - 1) or bigint (numpy int64)
 *   float → PyFloat    str → string          bytes/bytearray → Uint8Array
 *   list/tuple → Array dict → Map            set/frozenset → Set
 */

/** A Python float. Boxed so that 2.0 stays a float instead of becoming indistinguishable from the int 2. */
export class PyFloat {
  constructor(readonly value: number) {}
}

export function isPyFloat(value: unknown): value is PyFloat {
  return value instanceof PyFloat;
}

/** `slice(start, stop, step)`, as pandas stores which columns a block holds. */
export class PySlice {
  constructor(
    readonly start: number | null,
    readonly stop: number | null,
    readonly step: number | null,
  ) {}

  /** The indices this slice selects from a sequence of `length`, like Python's slice.indices(). */
  indices(length: number): number[] {
    const step = this.step ?? 1;
    if (step === 0) throw new Error('slice step cannot be zero');
    const clamp = (value: number | null, fallback: number, low: number, high: number): number => {
      if (value === null) return fallback;
      const v = value < 0 ? value + length : value;
      return Math.min(Math.max(v, low), high);
    };
    const out: number[] = [];
    if (step > 0) {
      const start = clamp(this.start, 0, 0, length);
      const stop = clamp(this.stop, length, 0, length);
      for (let i = start; i < stop; i += step) out.push(i);
    } else {
      const start = clamp(this.start, length - 1, -1, length - 1);
      const stop = clamp(this.stop, -1, -1, length - 1);
      for (let i = start; i > stop; i += step) out.push(i);
    }
    return out;
  }
}

export function isPyInt(value: unknown): value is number | bigint {
  return (typeof value === 'number' && Number.isInteger(value)) || typeof value === 'bigint';
}

/** A short, Python-flavoured name of a value's type, for error messages ("str", "int", "dict", ...). */
export function pythonTypeName(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number' || typeof value === 'bigint') return 'int';
  if (typeof value === 'string') return 'str';
  if (value instanceof PyFloat) return 'float';
  if (value instanceof Uint8Array) return 'bytes';
  if (Array.isArray(value)) return 'list';
  if (value instanceof Map) return 'dict';
  if (value instanceof Set) return 'set';
  const named = value as { pythonType?: unknown };
  if (typeof named.pythonType === 'string') return named.pythonType;
  return 'object';
}

/** "an int", "a str", "a numpy.ndarray": the type name with its article, for messages. */
export function aPythonType(value: unknown): string {
  const name = pythonTypeName(value);
  return `${/^[aeiou]/i.test(name) ? 'an' : 'a'} ${name}`;
}
