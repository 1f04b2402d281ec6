/**
 * Exact re-implementation of scipy.signal.resample (scipy 1.10, FFT method, no window, real input) and
 * of the original project's spectrogram down-sampling built on it. See resample.ts for the algorithm,
 * zoom.ts / chirp.ts / pruned.ts / mixed.ts for the transforms, pool.ts for the worker-thread version.
 */
export {
  resample1d,
  resampleRows,
  resampleColumns,
  resampleRowsRange,
  resampleColumnsRange,
  PairResampler,
  pairResampler,
  clearResamplers,
  ROW_LANES,
  type RealArray,
} from './resample.ts';
export {
  downsampleSpectrogram,
  toUint8,
  DEFAULT_SPECTROGRAM_SIZE,
  CONSTANT_RELATIVE_RANGE,
  type PixelArray,
  type SpectrogramSize,
} from './spectrogram.ts';
export { ResamplePool, type ResamplePoolOptions } from './pool.ts';
export { zoomPlan, clearZoomPlans, ZoomPlan, type ZoomStrategy } from './zoom.ts';
