/**
 * Refuses, in the fuzzing child process, any single ArrayBuffer / typed array / Buffer larger than a bound:
 * a reader that allocates what a header declares (2^31 columns, a 4 GiB string) trips it at once instead of
 * swapping the machine, and the fuzzer reports the case as an allocation from an unchecked length. The
 * constructors are wrapped in Proxies, so `instanceof` and subclasses keep working. Native allocations
 * (zlib output, wasm memory) are not seen here; the child watches its peak RSS for those.
 */

export class FuzzAllocationError extends Error {
  constructor(readonly bytes: number, readonly what: string) {
    super(`fuzz allocation guard: ${what} of ${bytes.toLocaleString('en-US')} bytes refused`);
    this.name = 'FuzzAllocationError';
  }
}

export const guard = { limitBytes: Infinity, tripped: null as FuzzAllocationError | null };

function check(bytes: number, what: string): void {
  if (bytes > guard.limitBytes) {
    const error = new FuzzAllocationError(bytes, what);
    guard.tripped ??= error;
    throw error;
  }
}

const TYPED = [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array] as const;

export function installAllocationGuard(limitBytes: number): void {
  guard.limitBytes = limitBytes;
  const g = globalThis as unknown as Record<string, unknown>;
  const ab = ArrayBuffer;
  g.ArrayBuffer = new Proxy(ab, {
    construct(target, args, newTarget) {
      if (typeof args[0] === 'number') check(args[0], 'ArrayBuffer');
      return Reflect.construct(target, args, newTarget);
    },
  });
  for (const ctor of TYPED) {
    const size = ctor.BYTES_PER_ELEMENT;
    g[ctor.name] = new Proxy(ctor, {
      construct(target, args, newTarget) {
        if (typeof args[0] === 'number') check(args[0] * size, ctor.name);
        return Reflect.construct(target, args, newTarget);
      },
    });
  }
  for (const name of ['alloc', 'allocUnsafe', 'allocUnsafeSlow'] as const) {
    const original = Buffer[name] as (size: number, ...rest: unknown[]) => Buffer;
    (Buffer as unknown as Record<string, unknown>)[name] = function (size: number, ...rest: unknown[]) {
      if (typeof size === 'number') check(size, `Buffer.${name}`);
      return original.call(Buffer, size, ...rest);
    };
  }
}

/** True when `error` or anything in its `cause` chain is the guard's refusal. */
export function causedByGuard(error: unknown): boolean {
  for (let e = error, depth = 0; e && depth < 20; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof FuzzAllocationError || (e as Error).name === 'FuzzAllocationError' || String((e as Error).message ?? '').includes('fuzz allocation guard')) return true;
  }
  return false;
}
