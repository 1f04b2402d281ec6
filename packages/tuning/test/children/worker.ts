/**
 * One of several processes adding trials to one study until it holds N finished trials. Waits for
 * START_FILE to exist, so that the workers of a test begin together.
 *   node --import tsx worker.ts JOURNAL N START_FILE
 */
import { existsSync } from 'node:fs';
import { runTrials, Study, TpeSampler } from '../../src/index.ts';
import { loss, sleep, space } from './shared.ts';

const [journal, n, startFile] = process.argv.slice(2);
process.stdout.write('ready\n');
while (!existsSync(startFile)) await sleep(5);
const study = Study.open(journal, { space, sampler: new TpeSampler({ constantLiar: true }), heartbeatSeconds: 1, staleAfterSeconds: 30 });
const result = await runTrials({
  study,
  nTrials: Number(n),
  pollSeconds: 0.05,
  objective: async (trial) => {
    await sleep(5 + (trial.number % 4) * 5);
    trial.report(0, loss(trial.params) + 1);
    return loss(trial.params);
  },
});
process.stdout.write(`${JSON.stringify({ pid: process.pid, numbers: result.trials.map((t) => t.number) })}\n`);
study.close();
