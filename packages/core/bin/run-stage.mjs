#!/usr/bin/env node
// Runs one pipeline stage (the Nx targets call this): node packages/core/bin/run-stage.mjs packages/<stage> [options].
// TypeScript sources run directly through tsx, as the CLI does.
import { register } from 'tsx/esm/api';

register();
const { runStageMain } = await import('../src/stage/main.ts');
process.exitCode = await runStageMain(process.argv.slice(2));
