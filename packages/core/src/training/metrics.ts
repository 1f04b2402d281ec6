/** Regression quality of popularity predictions (0–100 scale). */
export interface RegressionMetrics {
  count: number;
  mse: number;
  rmse: number;
  mae: number;
  /** 1 − SSE/SST: share of variance explained (0 = predicting the mean of these songs). */
  r2: number;
  /** The original project's metric: share of songs predicted within ±15 popularity points. */
  within15: number;
}

export function regressionMetrics(predicted: ArrayLike<number>, actual: ArrayLike<number>): RegressionMetrics {
  const n = actual.length;
  if (predicted.length !== n) throw new Error(`metrics: ${predicted.length} predictions for ${n} targets`);
  if (n === 0) return { count: 0, mse: NaN, rmse: NaN, mae: NaN, r2: NaN, within15: NaN };
  let mean = 0;
  for (let i = 0; i < n; i++) mean += actual[i] / n;
  let sse = 0;
  let sst = 0;
  let sae = 0;
  let within = 0;
  for (let i = 0; i < n; i++) {
    const error = predicted[i] - actual[i];
    sse += error * error;
    sae += Math.abs(error);
    sst += (actual[i] - mean) ** 2;
    if (Math.abs(error) <= 15) within++;
  }
  return { count: n, mse: sse / n, rmse: Math.sqrt(sse / n), mae: sae / n, r2: sst > 0 ? 1 - sse / sst : NaN, within15: within / n };
}
