// Worker-thread entry for TypeScript modules: Node 20 workers do not inherit tsx's loader hooks
// (`--import tsx` in execArgv is ignored there), so this plain-JS shim loads the module named in
// workerData through tsx's API.
import { workerData } from 'node:worker_threads';
import { tsImport } from 'tsx/esm/api';

await tsImport(workerData.hitcastModule, import.meta.url);
