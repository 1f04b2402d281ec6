/**
 * The one line format every `bench` target uses for issue-level performance targets, so that
 * `npx nx run-many -t bench` prints comparable lines (grep `TARGET`) whatever the bench:
 *
 *   TARGET met     | CNN train 128×512, ms/sample | hitcast 19.8 | PyTorch 2 threads 15.9 | 1.25× | goal ≤ 1.30×
 *
 * The ratio is always hitcast ÷ reference of the quantity as measured (times: lower is better;
 * rates: higher is better), and the goal says which way it must go. Both figures come from the
 * same run, side by side; absolute times on shared machines are noise.
 */
export interface TargetLine {
  /** What was measured, with its unit: "CNN train 128×512, ms/sample". */
  work: string;
  hitcast: number;
  /** The reference's name: "PyTorch 2 threads", "pandas.read_csv", "scipy + Pillow". */
  referenceName: string;
  /** Missing when the reference could not run here (e.g. python3-torch not installed). */
  reference: number | undefined;
  /** `max`: ratio must be ≤ goal (times). `min`: ratio must be ≥ goal (rates). None: a ratio reported without a target. */
  goal?: { max: number } | { min: number };
  /** Why the reference is missing, or anything else a reader needs. */
  note?: string;
}

export type TargetVerdict = 'met' | 'not met' | 'no reference' | 'reported';

export function targetVerdict(line: TargetLine): { ratio: number | undefined; verdict: TargetVerdict } {
  if (line.reference === undefined || !(line.reference > 0)) return { ratio: undefined, verdict: 'no reference' };
  const ratio = line.hitcast / line.reference;
  if (!line.goal) return { ratio, verdict: 'reported' };
  const met = 'max' in line.goal ? ratio <= line.goal.max : ratio >= line.goal.min;
  return { ratio, verdict: met ? 'met' : 'not met' };
}

const figure = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

export function formatTarget(line: TargetLine): string {
  const { ratio, verdict } = targetVerdict(line);
  const goal = !line.goal ? 'no goal' : 'max' in line.goal ? `goal ≤ ${line.goal.max.toFixed(2)}×` : `goal ≥ ${line.goal.min.toFixed(2)}×`;
  const reference = line.reference === undefined ? '—' : figure(line.reference);
  return [
    `TARGET ${verdict.padEnd(12)}`,
    line.work,
    `hitcast ${figure(line.hitcast)}`,
    `${line.referenceName} ${reference}`,
    ratio === undefined ? '—' : `${ratio.toFixed(2)}×`,
    goal + (line.note ? ` (${line.note})` : ''),
  ].join(' | ');
}

/** Print the lines as a block at the end of a bench, after its detailed tables. */
export function printTargets(lines: TargetLine[]): void {
  console.log('\nperformance targets (hitcast ÷ reference, same run):');
  for (const line of lines) console.log(formatTarget(line));
}
