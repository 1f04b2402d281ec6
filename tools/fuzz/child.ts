/**
 * One fuzzing child process: reads cases from..to of one target in turn and reports each on fd 3 as a JSON
 * line (start, then end with the outcome). The harness watches the clock and the process: a case that never
 * ends is a hang, a process that dies mid-case (uncaught error, out of memory) a crash of that case.
 *
 *   node --import tsx --max-old-space-size=M tools/fuzz/child.ts TARGET SEED FROM TO WORKDIR ALLOC_LIMIT_MB RSS_LIMIT_MB
 */
import { installAllocationGuard, causedByGuard, guard } from './alloc-guard.ts';

const [targetName, seed, fromText, toText, workDir, allocMb, rssMb] = process.argv.slice(2);
installAllocationGuard(Number(allocMb) * 1024 * 1024);

const { mkdirSync, rmSync, writeFileSync } = await import('node:fs');
const path = await import('node:path');
const { isHitcastError } = await import('../../packages/core/src/errors.ts');
const { buildCase } = await import('./cases.ts');
const { targetNamed } = await import('./targets.ts');
type ChildMessage = import('./cases.ts').ChildMessage;
type Outcome = import('./cases.ts').Outcome;

const send = (message: ChildMessage) => writeFileSync(3, `${JSON.stringify(message)}\n`);
let current = -1;
const die = (error: unknown) => {
  send({ event: 'crash', index: current, detail: describe(error) });
  process.exit(70);
};
process.on('uncaughtException', die);
process.on('unhandledRejection', die);

function describe(error: unknown): string {
  if (error instanceof Error) return (error.stack ?? `${error.name}: ${error.message}`).split('\n').slice(0, 8).join('\n');
  return String(error);
}

function writeFiles(dir: string, files: Record<string, Uint8Array>): void {
  for (const [rel, bytes] of Object.entries(files)) {
    const file = path.join(dir, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, bytes);
  }
}

/** valid or clear, or why not. */
function classify(error: unknown, names: string[]): { outcome: Outcome; detail?: string } {
  if (error === undefined) return { outcome: 'valid' };
  if (causedByGuard(error)) return { outcome: 'alloc', detail: describe(error) };
  if (!isHitcastError(error)) return { outcome: 'unclear', detail: `not a HitcastError: ${describe(error)}` };
  const problems: string[] = [];
  if (!names.some((name) => error.message.includes(name))) problems.push('the message does not name the file');
  if (!error.fix?.trim()) problems.push('no fix line');
  if (/\n\s+at .*:\d+:\d+/.test(error.message)) problems.push('a stack trace in the message');
  if (problems.length) return { outcome: 'unclear', detail: `${problems.join('; ')}: ${error.message}${error.fix ? `\n  fix: ${error.fix}` : ''}` };
  return { outcome: 'clear', detail: error.message.slice(0, 300) };
}

const maxRssMb = () => process.resourceUsage().maxRSS / 1024;

const target = targetNamed(targetName);
const started = Date.now();
mkdirSync(workDir, { recursive: true });
const seeds = await target.seeds(workDir);
// Each seed, unchanged, must read as valid: the check that the fuzzer starts from good files (and warms up).
for (const [i, seedInput] of seeds.entries()) {
  const dir = path.join(workDir, `seed-${i}`);
  writeFiles(dir, seedInput.files);
  const { target: entry } = target.entry(dir, seedInput);
  try {
    await target.read(entry, dir);
  } catch (error) {
    throw new Error(`seed input ${seedInput.name} does not read as valid: ${describe(error)}`);
  }
  rmSync(dir, { recursive: true, force: true });
}
send({ event: 'ready', seeds: seeds.length, ms: Date.now() - started });

for (let index = Number(fromText); index < Number(toText); index++) {
  current = index;
  const built = buildCase(seed, target.name, index, seeds);
  const caseDir = path.join(workDir, `case-${index}`);
  writeFiles(caseDir, built.files);
  const { target: entry, names } = target.entry(caseDir, built.source);
  send({ event: 'start', index, input: built.input, mutation: built.mutation });
  guard.tripped = null;
  const rssBefore = maxRssMb();
  const t0 = performance.now();
  let thrown: unknown;
  try {
    await target.read(entry, caseDir);
  } catch (error) {
    thrown = error ?? new Error('undefined was thrown');
  }
  const ms = Math.round(performance.now() - t0);
  let { outcome, detail } = classify(thrown, names);
  const tripped = guard.tripped as Error | null; // set by the guard during the read
  if (tripped && outcome !== 'alloc') {
    detail = `the reader swallowed an allocation the guard refused (${tripped.message}); it ended with: ${detail ?? outcome}`;
    outcome = 'alloc';
  }
  const grown = maxRssMb() - rssBefore;
  if (grown > Number(rssMb) && (outcome === 'valid' || outcome === 'clear')) {
    detail = `peak memory grew by ${grown.toFixed(0)} MB while reading (limit ${rssMb} MB); it ended with: ${detail ?? outcome}`;
    outcome = 'memory';
  }
  send({ event: 'end', index, outcome, ms, detail });
  if (outcome === 'valid' || outcome === 'clear') rmSync(caseDir, { recursive: true, force: true });
}
current = -1;
process.exit(0);
