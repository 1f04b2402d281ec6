import { HitcastError } from '@hitcast/core';
import { NameRegistry } from 'pickleparser';
import { PickleContentError } from './content-error.ts';
import { codecsEncode, NdArray, numpyScalar, NumpyDType, NumpyNdarrayClass, reconstruct } from './numpy.ts';
import { blockManager, DataFrame, INDEX_CLASSES, newIndex, PandasIndexClass, unpickleBlock } from './pandas.ts';
import { PIL_IMAGE_CLASSES, pilImageClass } from './pil.ts';
import { PySlice } from './python-values.ts';

/**
 * The only Python globals a pickle may name. Each maps to a small, data-only rebuild in this folder;
 * nothing is ever imported or executed. Any other global (os.system, builtins.eval, subprocess.Popen, ...)
 * is refused the moment the pickle *names* it, whether or not it would be called, so no placeholder for an
 * unknown object can ever slip into a converted table.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Handler = ((...args: any[]) => unknown) | (new (...args: any[]) => unknown);

/** numpy >= 2 moved numpy.core to numpy._core; pickles from both name their own spelling. */
const NUMPY_CORE = ['numpy.core', 'numpy._core'];

function safeGlobals(): [string, string, Handler][] {
  const entries: [string, string, Handler][] = [];
  for (const core of NUMPY_CORE) {
    entries.push([`${core}.multiarray`, '_reconstruct', reconstruct]);
    entries.push([`${core}.multiarray`, 'scalar', numpyScalar]);
    entries.push([`${core}.numeric`, '_frombuffer', NdArray.fromBuffer]);
  }
  entries.push(['numpy', 'ndarray', NumpyNdarrayClass]);
  entries.push(['numpy', 'dtype', (spec: unknown) => new NumpyDType(spec)]);

  entries.push(['pandas.core.frame', 'DataFrame', DataFrame]);
  entries.push(['pandas.core.internals.managers', 'BlockManager', blockManager]);
  entries.push(['pandas._libs.internals', '_unpickle_block', unpickleBlock]);
  entries.push(['pandas.core.indexes.base', '_new_Index', newIndex]);
  const indexModules: Record<string, string> = { Index: 'base', RangeIndex: 'range' };
  for (const name of INDEX_CLASSES) {
    // Markers, not callables: _new_Index only reads which class it is asked for.
    const marker = new PandasIndexClass(name) as unknown as Handler;
    entries.push([`pandas.core.indexes.${indexModules[name] ?? 'numeric'}`, name, marker]);
  }

  for (const [module, name] of PIL_IMAGE_CLASSES) entries.push([module, name, pilImageClass(module, name)]);

  for (const builtins of ['builtins', '__builtin__']) {
    entries.push([builtins, 'slice', (start: unknown, stop: unknown, step: unknown) => slice(start, stop, step)]);
  }
  entries.push(['_codecs', 'encode', codecsEncode]);
  entries.push(['collections', 'OrderedDict', function OrderedDict() { return new Map(); }]);
  return entries;
}

function slice(start: unknown, stop: unknown, step: unknown): PySlice {
  const part = (v: unknown): number | null => {
    if (v === null || v === undefined) return null;
    if (Number.isSafeInteger(v)) return v as number;
    throw new PickleContentError(`slice(${String(start)}, ${String(stop)}, ${String(step)}) has a non-integer bound`);
  };
  return new PySlice(part(start), part(stop), part(step));
}

/** `module.name` of every allowed global, for documentation and tests. */
export const ALLOWED_GLOBALS: readonly string[] = safeGlobals().map(([module, name]) => `${module}.${name}`);

/** A pickleparser name resolver that knows only the safe globals and refuses every other one. */
export class SafeNameRegistry extends NameRegistry {
  constructor(private readonly file: string) {
    super();
    for (const [module, name, handler] of safeGlobals()) this.register(module, name, handler);
  }

  override onMissingName(module: string, name: string): never {
    const fqn = `${String(module)}.${String(name)}`;
    const dataLibrary = DATA_LIBRARIES.has(String(module).split('.')[0]);
    throw new HitcastError(
      `${this.file}: refusing to load this pickle: it refers to the Python global ${fqn}, which is not among the ` +
        'numpy / pandas / PIL building blocks hitcast rebuilds. hitcast never runs code while loading a pickle, so it ' +
        'cannot read such a file faithfully' +
        (dataLibrary
          ? ` (datetime, categorical, nullable-integer and pyarrow-backed columns, Series and MultiIndexes need such globals)`
          : `, and a pickle that names ${fqn} may be malicious`),
      {
        fix: dataLibrary
          ? 'in Python, convert such columns before pickling, e.g. df[col] = df[col].astype(str) for dates, or ' +
            '.astype(object) / .to_numpy(); then pickle a plain DataFrame, dict of numpy arrays or list of dicts'
          : `do not open this file with Python's pickle either unless you trust its source: unpickling it there would ` +
            `call ${fqn}. For your own data, pickle a pandas DataFrame, a dict of numpy arrays or a list of dicts of ` +
            'str/int/float/bool/None, numpy arrays and PIL images',
      },
    );
  }
}

/** Libraries whose other globals are mostly data types hitcast does not convert: the message says how to avoid them. */
const DATA_LIBRARIES = new Set(['numpy', 'pandas', 'PIL', 'datetime', 'decimal']);
