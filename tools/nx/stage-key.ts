// Nx runtime input of every stage target: prints the parts of the stage's cache key that are not source
// files, one readable line each, so `node --import tsx tools/nx/stage-key.ts packages/<stage>` shows them:
//   params   the result-changing parameters (params.json over the defaults, without "$comment" keys and
//            without speed-only parameters such as worker counts), keys sorted
//   data     a fingerprint of each data file or folder the parameters name
//   input    a fingerprint of each input no upstream task writes (the definition's untrackedInputs), if present
//   backend  for stages that train or predict: the tfjs backend that will run and its package version
//            (webgpu: and the adapter it runs on)
// Source code and upstream artifacts enter the hash through the target's other inputs (project.json).
import { loadStageDefinition, resultParams } from '@hitcast/core/stage';
import { readStageParams } from '@hitcast/core/stage';
import { probeBackend } from '@hitcast/core/tf/backend-probe';
import { dataFingerprints } from './data-fingerprint.mjs';

const packageDir = process.argv[2];
const definition = await loadStageDefinition(packageDir);
const params = readStageParams(definition, definition.params.file);
console.log(`stage ${definition.name}`);
console.log(`params ${JSON.stringify(resultParams(definition, params))}`);
for (const line of dataFingerprints(resultParams(definition, params))) console.log(`data ${line}`);
const untracked = Object.fromEntries((definition.untrackedInputs ?? []).map((name) => [name, definition.inputs[name]]));
for (const line of dataFingerprints(untracked)) console.log(`input ${line}`);
if (definition.usesBackend) {
  const backend = await probeBackend();
  console.log(`backend ${backend.name} ${backend.package}@${backend.version}${backend.device ? ` on ${backend.device}` : ''}`);
}
