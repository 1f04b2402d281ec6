import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyDataRoot, dataRoot } from '../src/stage/data-root.ts';

const defaults = { csv: 'datasets/spotify/tracks.csv', batchRows: 10 };
const dataPaths = { csv: 'spotify/tracks.csv' };

describe('the data root (HITCAST_DATA)', () => {
  it('moves a parameter that names the committed sample under the data root', () => {
    const params = applyDataRoot({ ...defaults }, defaults, dataPaths, { HITCAST_DATA: '/data/kaggle' });
    expect(params).toEqual({ csv: path.join('/data/kaggle', 'spotify/tracks.csv'), batchRows: 10 });
  });

  it('keeps a path the user wrote into params.json, and everything when no root is set', () => {
    const own = { ...defaults, csv: '/elsewhere/tracks.csv' };
    expect(applyDataRoot(own, defaults, dataPaths, { HITCAST_DATA: '/data/kaggle' })).toEqual(own);
    expect(applyDataRoot({ ...defaults }, defaults, dataPaths, {})).toEqual(defaults);
    expect(applyDataRoot({ ...defaults }, defaults, dataPaths, { HITCAST_DATA: '  ' })).toEqual(defaults);
  });

  it('resolves a relative root against the working directory', () => {
    expect(dataRoot({ HITCAST_DATA: 'data' })).toBe(path.resolve('data'));
  });
});
