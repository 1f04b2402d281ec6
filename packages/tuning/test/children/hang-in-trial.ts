/**
 * Opens the study, completes two trials, then starts a third, reports one step and hangs, writing
 * heartbeats, until the test kills it with SIGKILL.
 *   node --import tsx hang-in-trial.ts JOURNAL
 */
import { Study } from '../../src/index.ts';
import { loss, space } from './shared.ts';

const [journal] = process.argv.slice(2);
const study = Study.open(journal, { space, heartbeatSeconds: 0.1, staleAfterSeconds: 1 });
for (let i = 0; i < 2; i++) {
  const trial = study.ask();
  study.tell(trial, loss(trial.params));
}
const trial = study.ask();
trial.report(0, 1.5);
process.stdout.write(`hanging in trial ${trial.number}\n`);
setInterval(() => {}, 1000);
