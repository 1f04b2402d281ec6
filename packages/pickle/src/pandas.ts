import { PickleContentError } from './content-error.ts';
import { describe, NdArray, typedArray } from './numpy.ts';
import { isPyFloat, PySlice } from './python-values.ts';

/**
 * pandas DataFrames as pandas 1.x/2.x pickle them, rebuilt as plain data:
 *
 *   DataFrame:     NEWOBJ pandas.core.frame.DataFrame, BUILD {'_mgr': BlockManager, '_typ': 'dataframe', ...}
 *   BlockManager:  pandas.core.internals.managers.BlockManager((block, ...), [columns_index, row_index])
 *                  (older pandas: NEWOBJ then BUILD (axes, values, items, {'0.14.1': {'axes', 'blocks'}}))
 *   block:         pandas._libs.internals._unpickle_block(values, placement, ndim)
 *                  values is a 2-d numpy array of (columns in the block) x (rows), placement a slice or int array
 *   index:         pandas.core.indexes.base._new_Index(Index | RangeIndex | ..., {'data': array, 'name': ...})
 */

export interface PandasBlock {
  values: unknown;
  placement: unknown;
}

export class PandasIndex {
  readonly pythonType = 'pandas.Index';
  constructor(
    readonly className: string,
    readonly length: number,
    /** Labels, for Index; undefined for RangeIndex (whose labels are start + i * step). */
    readonly labels: unknown[] | undefined,
    readonly start = 0,
    readonly step = 1,
  ) {}

  label(i: number): unknown {
    return this.labels ? this.labels[i] : this.start + i * this.step;
  }
}

/** Index classes pandas writes, by the name the pickle gives them. */
export class PandasIndexClass {
  constructor(readonly pythonName: string) {}
}

export const INDEX_CLASSES = ['Index', 'RangeIndex', 'Int64Index', 'UInt64Index', 'Float64Index', 'NumericIndex'];

export function newIndex(cls: unknown, state: unknown): PandasIndex {
  if (!(cls instanceof PandasIndexClass)) throw new PickleContentError(`pandas _new_Index for ${describe(cls)}`);
  if (!(state instanceof Map)) throw new PickleContentError(`pandas ${cls.pythonName} state ${describe(state)} is not a dict`);
  if (cls.pythonName === 'RangeIndex') {
    const [start, stop, step] = ['start', 'stop', 'step'].map((key) => state.get(key));
    if (![start, stop, step].every((n) => Number.isSafeInteger(n)) || step === 0) {
      throw new PickleContentError('pandas RangeIndex without integer start/stop/step');
    }
    const length = Math.max(0, Math.ceil(((stop as number) - (start as number)) / (step as number)));
    return new PandasIndex(cls.pythonName, length, undefined, start as number, step as number);
  }
  const data = state.get('data');
  if (!(data instanceof NdArray) || data.check().ndim !== 1) {
    throw new PickleContentError(`pandas ${cls.pythonName} holds ${describe(data)} instead of a 1-d numpy array`);
  }
  return new PandasIndex(cls.pythonName, data.shape[0], indexLabels(data));
}

function indexLabels(data: NdArray): unknown[] {
  if (data.dtype.kind === 'O') return data.objects();
  if (data.dtype.kind === 'U') return data.strings();
  if (data.dtype.isNumeric) return Array.from(typedArray(data.dtype, data.cOrderBytes()) as ArrayLike<number | bigint>);
  throw new PickleContentError(`pandas index of ${data.dtype.problem()}`);
}

export function unpickleBlock(values: unknown, placement: unknown): PandasBlock {
  return { values, placement };
}

export class BlockManager {
  readonly pythonType = 'pandas.BlockManager';
  blocks: PandasBlock[] = [];
  axes: unknown[] = [];

  constructor(blocks?: unknown, axes?: unknown) {
    if (blocks !== undefined) {
      if (!Array.isArray(blocks) || !Array.isArray(axes)) {
        throw new PickleContentError('pandas BlockManager(blocks, axes) with unexpected arguments');
      }
      this.blocks = blocks as PandasBlock[];
      this.axes = axes;
    }
  }

  /** The pre-1.x form: (axes, values, items, {'0.14.1': {'axes': [...], 'blocks': [{'values', 'mgr_locs'}]}}). */
  __setstate__(state: unknown): void {
    const extra = Array.isArray(state) && state[3] instanceof Map ? state[3].get('0.14.1') : undefined;
    if (!(extra instanceof Map) || !Array.isArray(extra.get('axes')) || !Array.isArray(extra.get('blocks'))) {
      throw new PickleContentError('pandas BlockManager state is not the 0.14.1 form pandas writes');
    }
    this.axes = extra.get('axes');
    this.blocks = (extra.get('blocks') as unknown[]).map((b) => {
      if (!(b instanceof Map)) throw new PickleContentError('pandas block state is not a dict');
      return { values: b.get('values'), placement: b.get('mgr_locs') };
    });
  }
}

/** Called for NEWOBJ (construct) and REDUCE (plain call) alike. */
export function blockManager(this: unknown, blocks?: unknown, axes?: unknown): BlockManager {
  return new BlockManager(blocks, axes);
}

export class DataFrame {
  readonly pythonType = 'pandas.DataFrame';
  manager?: BlockManager;

  __setstate__(state: unknown): void {
    const manager = state instanceof Map ? (state.get('_mgr') ?? state.get('_data')) : undefined;
    if (!(manager instanceof BlockManager)) {
      throw new PickleContentError(`pandas DataFrame state holds ${describe(manager)} instead of a BlockManager`);
    }
    this.manager = manager;
  }
}

/** One DataFrame column: a 1-d slice of a block, as the numpy array (or object items) it is made of. */
export interface FrameColumn {
  name: string;
  /** The block's 2-d values and which of its rows (= DataFrame column) this is. */
  block: NdArray;
  row: number;
}

/** The columns of a DataFrame, in DataFrame order, and its number of rows. */
export function frameColumns(frame: DataFrame): { rows: number; columns: FrameColumn[]; rowIndex: PandasIndex } {
  const manager = frame.manager;
  if (!manager) throw new PickleContentError('a pandas DataFrame in the pickle never received its data');
  const [columnIndex, rowIndex] = manager.axes;
  if (manager.axes.length !== 2 || !(columnIndex instanceof PandasIndex) || !(rowIndex instanceof PandasIndex)) {
    throw new PickleContentError('pandas DataFrame axes are not two indexes (is it a Series or a Panel?)');
  }
  const rows = rowIndex.length;
  const names: string[] = [];
  for (let i = 0; i < columnIndex.length; i++) names.push(columnName(columnIndex.label(i), i));
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate !== undefined) throw new PickleContentError(`the DataFrame has two columns named "${duplicate}"`);

  const columns = new Array<FrameColumn | undefined>(names.length);
  for (const block of manager.blocks) {
    if (!block || !(block.values instanceof NdArray)) {
      throw new PickleContentError(
        `a DataFrame block holds ${describe(block?.values)} instead of a numpy array (pandas extension dtypes ` +
          'such as category, Int64 or string[pyarrow] are not supported)',
        'convert such columns with df[col].astype(object) or .to_numpy() before pickling',
      );
    }
    const values = block.values.check();
    const positions = placementIndices(block.placement, names.length);
    const shape = values.ndim === 1 ? [1, values.shape[0]] : values.shape;
    if (shape.length !== 2 || shape[0] !== positions.length || shape[1] !== rows) {
      throw new PickleContentError(
        `a DataFrame block of shape [${values.shape}] does not fit ${positions.length} columns x ${rows} rows`,
      );
    }
    positions.forEach((position, row) => {
      if (columns[position]) throw new PickleContentError(`two DataFrame blocks claim column ${position}`);
      columns[position] = { name: names[position], block: values, row };
    });
  }
  const missing = columns.findIndex((c) => c === undefined);
  if (missing >= 0) throw new PickleContentError(`no DataFrame block holds column "${names[missing]}"`);
  return { rows, columns: columns as FrameColumn[], rowIndex };
}

function placementIndices(placement: unknown, columns: number): number[] {
  let positions: number[];
  if (placement instanceof PySlice) positions = placement.indices(columns);
  else if (placement instanceof NdArray && placement.check().dtype.kind === 'i') {
    positions = Array.from(typedArray(placement.dtype, placement.cOrderBytes()) as ArrayLike<number | bigint>, Number);
  } else if (Array.isArray(placement)) positions = placement as number[];
  else throw new PickleContentError(`a DataFrame block placement is ${describe(placement)}`);
  if (!positions.every((p) => Number.isSafeInteger(p) && p >= 0 && p < columns)) {
    throw new PickleContentError('a DataFrame block places values outside the columns');
  }
  return positions;
}

function columnName(label: unknown, position: number): string {
  if (typeof label === 'string') return label;
  if (typeof label === 'number' || typeof label === 'bigint') return String(label);
  if (isPyFloat(label)) return String(label.value);
  throw new PickleContentError(`DataFrame column ${position} is labelled by ${describe(label)}; hitcast needs str or int labels`);
}
