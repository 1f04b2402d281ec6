#!/usr/bin/env node
// The Nx tuning targets' entry point: node packages/tuning/bin/tune.mjs --model cnn|text|fusion [--trials N] [--timeout S].
// Imports the tuning package and the model it tunes only, so the target's hash covers the code that runs.
import { register } from 'tsx/esm/api';

register();
const { tuneMain } = await import('../src/tune-command.ts');
process.exitCode = await tuneMain(process.argv.slice(2));
