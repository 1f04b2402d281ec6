/**
 * The standard normal and the truncated normal, computed in log space where it matters: the TPE
 * sampler compares log-densities of kernels that can sit many standard deviations away from a point.
 *
 * Same quantities as Optuna's `samplers/_tpe/_truncnorm.py` (log Φ, log of the mass on [a, b], the
 * truncated normal's log-density and quantile function); written here from the formulas, not ported.
 */

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
const LOG_SQRT_PI = 0.5 * Math.log(Math.PI);
const SQRT1_2 = Math.SQRT1_2;

/**
 * erf(x) for |x| < 2 from the everywhere-positive series
 * erf(x) = 2x/√π · e^(−x²) · Σₙ (2x²)ⁿ / (1·3·…·(2n+1)): no cancellation, ~1e-16 relative.
 */
function erfSeries(x: number): number {
  const x2 = x * x;
  let term = 1;
  let sum = 1;
  for (let n = 1; n < 200; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return (2 * x * Math.exp(-x2) * sum) / Math.sqrt(Math.PI);
}

/**
 * log(erfc(x)) for x ≥ 2 from the continued fraction
 * erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))), evaluated with Lentz's method.
 * In log form it never underflows.
 */
function logErfcContinuedFraction(x: number): number {
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 500; n++) {
    const an = n / 2;
    d = x + an * d;
    d = d === 0 ? 1 / tiny : 1 / d;
    c = x + an / c;
    if (c === 0) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return -x * x - LOG_SQRT_PI - Math.log(f);
}

export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) return -erf(-x);
  if (x < 2) return erfSeries(x);
  return 1 - Math.exp(logErfcContinuedFraction(x));
}

export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x === Infinity) return 0;
  if (x === -Infinity) return 2;
  if (x < 0) return 2 - erfc(-x);
  if (x < 2) return 1 - erfSeries(x);
  return Math.exp(logErfcContinuedFraction(x));
}

/** Φ(z), the standard normal distribution function. */
export function ndtr(z: number): number {
  return z < 0 ? 0.5 * erfc(-z * SQRT1_2) : 1 - 0.5 * erfc(z * SQRT1_2);
}

/** log Φ(z), accurate in both tails (no underflow for very negative z). */
export function logNdtr(z: number): number {
  if (Number.isNaN(z)) return NaN;
  if (z === -Infinity) return -Infinity;
  if (z === Infinity) return 0;
  const t = -z * SQRT1_2;
  if (t >= 2) return Math.log(0.5) + logErfcContinuedFraction(t);
  if (z > 6) return Math.log1p(-ndtr(-z));
  return Math.log(ndtr(z));
}

/** log φ(z), the standard normal log-density. */
export function normLogPdf(z: number): number {
  return -0.5 * z * z - LOG_SQRT_2PI;
}

/** log(exp(p) − exp(q)) for p ≥ q. */
function logDiff(p: number, q: number): number {
  return p + Math.log1p(-Math.exp(q - p));
}

function logAddExp(p: number, q: number): number {
  if (p === -Infinity) return q;
  if (q === -Infinity) return p;
  const m = Math.max(p, q);
  return m + Math.log(Math.exp(p - m) + Math.exp(q - m));
}

/**
 * log(Φ(b) − Φ(a)), the log of the standard normal mass on [a, b]. Works in the left tail, where
 * log Φ is accurate, by symmetry; the central case uses 1 − Φ(a) − Φ(−b) to avoid cancellation.
 */
export function logGaussMass(a: number, b: number): number {
  if (b <= 0) return logDiff(logNdtr(b), logNdtr(a));
  if (a > 0) return logDiff(logNdtr(-a), logNdtr(-b));
  return Math.log1p(-ndtr(a) - ndtr(-b));
}

/** The x with log Φ(x) = y (y ≤ 0): Newton's method on log Φ, which is concave, so it converges from any start. */
export function ndtriExp(y: number): number {
  if (y === 0) return Infinity;
  if (y === -Infinity) return -Infinity;
  // Near y = 0 the root is far right, where log Φ is flat: solve log Φ(−x) = log(1 − e^y) instead.
  const flipped = y > -1e-2;
  const z = flipped ? Math.log(-Math.expm1(y)) : y;
  let x = z < -5 ? -Math.sqrt(-2 * (z + LOG_SQRT_2PI)) : (-Math.sqrt(3) / Math.PI) * Math.log(Math.expm1(-z));
  for (let i = 0; i < 100; i++) {
    const logPhi = logNdtr(x);
    const dx = (logPhi - z) * Math.exp(logPhi - normLogPdf(x));
    x -= dx;
    if (!(Math.abs(dx) > 1e-14 * Math.abs(x))) break;
  }
  return flipped ? -x : x;
}

/** Quantile q ∈ [0, 1] of the standard normal truncated to [a, b]. */
export function truncnormPpf(q: number, a: number, b: number): number {
  if (a === b) return NaN;
  if (q <= 0) return a;
  if (q >= 1) return b;
  const logMass = logGaussMass(a, b);
  let x: number;
  if (a < 0) {
    x = ndtriExp(logAddExp(logNdtr(a), Math.log(q) + logMass));
  } else {
    x = -ndtriExp(logAddExp(logNdtr(-b), Math.log1p(-q) + logMass));
  }
  return Math.min(b, Math.max(a, x));
}

/** Log-density of N(loc, scale²) truncated to [loc + a·scale, loc + b·scale] at x (−∞ outside). */
export function truncnormLogPdf(x: number, a: number, b: number, loc: number, scale: number): number {
  if (a === b) return NaN;
  const z = (x - loc) / scale;
  if (z < a || z > b) return -Infinity;
  return normLogPdf(z) - logGaussMass(a, b) - Math.log(scale);
}
