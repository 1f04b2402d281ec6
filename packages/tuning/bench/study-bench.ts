// Tuning throughput on the committed sample: runs a fresh study per model (temporary journal, the budgets
// below) through the same code as `hitcast tune`, and prints trials per hour and the share pruned.
// Needs the pipeline's artifacts: npx nx run-many -t build,train first.
// Usage: node --import tsx packages/tuning/bench/study-bench.ts [fusion=12] [text=4] [cnn=3]
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { selectBackend } from '@hitcast/core/tf';
import { CNN_DEFAULTS } from '@hitcast/model-cnn';
import { FUSION_DEFAULTS } from '@hitcast/model-fusion';
import { TEXT_DEFAULTS } from '@hitcast/model-text';
import { readTuningParams, tuneModel, type TunedModel } from '../src/index.ts';

if (!existsSync('artifacts/model-cnn/params.json') || !existsSync('artifacts/model-text/params.json')) {
  console.log('tuning study bench: no trained artifacts here; run `npx nx run-many -t build,train` first');
  process.exit(0);
}
const budgets: Record<TunedModel, number> = { fusion: 12, text: 4, cnn: 3 };
for (const arg of process.argv.slice(2)) {
  const [model, n] = arg.split('=');
  if (model in budgets) budgets[model as TunedModel] = Number(n);
}
const params = readTuningParams(undefined, { cnn: { ...CNN_DEFAULTS }, text: { ...TEXT_DEFAULTS }, fusion: { ...FUSION_DEFAULTS } });
const backend = (await selectBackend(undefined, { log: () => {} })).name;
const dir = mkdtempSync(path.join(tmpdir(), 'hitcast-tuning-bench-'));
console.log(`tuning studies on the committed sample (backend ${backend}; fresh journals, ${params.sampler} + median pruner)`);
console.log('model   run                trials  complete  pruned  failed  minutes  trials/hour  pruned share  best loss');
try {
  for (const model of ['fusion', 'text', 'cnn'] as TunedModel[]) {
    if (budgets[model] <= 0) continue;
    const started = Date.now();
    const summary = await tuneModel({ model, params, trials: budgets[model], timeoutSeconds: 3600, studyFile: path.join(dir, `${model}.jsonl`), artifacts: 'artifacts', backend, log: () => {}, writeSummary: false });
    const minutes = (Date.now() - started) / 60_000;
    const count = (state: string) => summary.trials.filter((t) => t.state === state).length;
    const finished = count('complete') + count('pruned');
    console.log(
      `${model.padEnd(7)} ${summary.run.padEnd(18)} ${String(summary.trials.length).padStart(6)}  ${String(count('complete')).padStart(8)}  ${String(count('pruned')).padStart(6)}  ${String(count('failed')).padStart(6)}  ` +
        `${minutes.toFixed(2).padStart(7)}  ${(finished / (minutes / 60)).toFixed(0).padStart(11)}  ${((100 * count('pruned')) / Math.max(1, finished)).toFixed(0).padStart(11)}%  ${summary.bestValue?.toFixed(5) ?? '—'}`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
