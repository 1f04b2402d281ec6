export * from './arrow-artifact.ts';
export * from './atomic.ts';
export * from './errors.ts';
export * from './file-hash.ts';
export * from './manifest.ts';
export * from './params.ts';
export * from './progress.ts';
export * from './rng.ts';
