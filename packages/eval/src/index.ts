export * from './types.ts';
export { metricsAt, metricsOf, spearmanAt, averageRanks, pearson } from './metrics.ts';
export { bootstrap, interval, quantile, type BootstrapOptions, type BootstrapResult } from './bootstrap.ts';
export {
  artistBaseline, ArtistHistoryBuilder, BASELINE_DEFAULTS, leastSquaresLine, meanBaseline, yearBaseline,
  type ArtistHistory, type Baseline, type BaselineParams, type BaselineSong,
} from './baselines.ts';
export { evaluate, type EvaluationInputs } from './evaluate.ts';
export { readArtistHistory, readMergedSongs, type MergedSongs } from './inputs.ts';
export { METRICS_SPEC, metricRows, type MetricRow, writeMetricsArrow, writeMetricsJson, OUTPUT_FILES } from './metrics-artifact.ts';
export { checkEvalParams, EVAL_DEFAULTS, type EvalParams } from './params.ts';
export { formatEstimate, formatValue, renderMarkdown } from './report-md.ts';
export { alignPredictions, EVALUATED_RUNS, loadRun, type LoadedRun, type RunSpec } from './runs.ts';
export { readTuningSummaries } from './tuning-summaries.ts';
export { renderReportHtml } from './report-html.ts';
export { readingNotes } from './report-md.ts';
export { runEvalStage, type EvalStageOptions, type EvalStageResult } from './eval-stage.ts';
