import { HitcastError } from '@hitcast/core';
import { BufferReader, Parser } from 'pickleparser';
import { PickleContentError } from './content-error.ts';
import { scanPickle } from './opcode-scan.ts';
import { PyFloat } from './python-values.ts';
import { SafeNameRegistry } from './safe-globals.ts';
import { sniffPickle } from './sniff.ts';

/**
 * bytes → Python value, safely: sniff (LFS pointer? not a pickle?), scan every opcode for what pickleparser
 * would misread, then let pickleparser build the value with only the safe globals resolvable.
 */

/** pickleparser reads BINFLOAT through float64() only; boxing it keeps 2.0 a float rather than the int 2. */
class FloatBoxingReader extends BufferReader {
  override float64(): number {
    return new PyFloat(super.float64()) as unknown as number;
  }
}

export interface Unpickled {
  value: unknown;
  protocol: number;
  opcodes: number;
}

export function unpickle(bytes: Uint8Array, file: string): Unpickled {
  sniffPickle(bytes, file);
  const { protocol, opcodes } = scanPickle(bytes, file);
  const parser = new Parser({
    nameResolver: new SafeNameRegistry(file),
    unpicklingTypeOfDictionary: 'Map',
    unpicklingTypeOfSet: 'Set',
  });
  let value: unknown;
  try {
    value = withBuildGuard(() => parser.read(new FloatBoxingReader(bytes)));
  } catch (error) {
    throw asHitcastError(error, file);
  }
  return { value, protocol, opcodes };
}

export function asHitcastError(error: unknown, file: string): unknown {
  if (error instanceof HitcastError) return error;
  if (error instanceof PickleContentError) {
    return new HitcastError(`${file}: ${error.message}`, {
      fix: error.fix ?? 'hitcast reads pandas DataFrames, dicts of numpy arrays or lists, and lists of dicts or values',
      cause: error,
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new HitcastError(`${file} is not a valid pickle (${message})`, {
    fix: 'get an intact copy of the file; if Python itself loads it, report this file to the hitcast developers',
    cause: error,
  });
}

/**
 * pickleparser's BUILD copies a state onto any object without `__setstate__` (Object.assign), which Python
 * would refuse for most of them: a list given {length: 10_000_000} becomes a huge array from a few bytes,
 * and BUILD on an allowed class object (a function) would rewrite the shared handler for later files.
 * Every object hitcast rebuilds has its own __setstate__; for the duration of the (synchronous) parse, any
 * other object answers the lookup by refusing the pickle.
 */
function withBuildGuard<T>(parse: () => T): T {
  const guard: PropertyDescriptor = {
    configurable: true,
    get() {
      const kind = typeof this === 'function' ? `the class ${(this as { name?: string }).name || '(unnamed)'}` : Array.isArray(this) ? 'a list' : this instanceof Map ? 'a dict' : 'an object';
      throw new PickleContentError(`the pickle sets a state (BUILD) on ${kind}, which takes none`, 'this is not a pickle of plain data; hitcast refuses it');
    },
  };
  Object.defineProperty(Object.prototype, '__setstate__', guard);
  try {
    return parse();
  } finally {
    delete (Object.prototype as { __setstate__?: unknown }).__setstate__;
  }
}
