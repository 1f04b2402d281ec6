export * from './checkpoint.ts';
export * from './fit.ts';
export * from './metrics.ts';
export * from './report.ts';
export * from './seeded-dropout.ts';
export * from './split.ts';
export * from './run.ts';
export * from './adam.ts';
