import { parseSearchSpace, type Params } from '../../src/index.ts';

/** The search space and objective of the multi-process tests. */
export const space = parseSearchSpace(
  {
    lr: { type: 'float', low: 1e-5, high: 1e-1, log: true },
    layers: { type: 'int', low: 1, high: 8 },
    opt: { type: 'categorical', choices: ['adam', 'sgd'] },
  },
  'test space',
);

export function loss(params: Params): number {
  return (Math.log10(params.lr as number) + 3) ** 2 + ((params.layers as number) - 4) ** 2 / 9 + (params.opt === 'adam' ? 0 : 0.5);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
