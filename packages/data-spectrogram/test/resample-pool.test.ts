import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downsampleSpectrogram, ResamplePool, resampleColumns, resampleRows } from '../src/resample/index.ts';
import { floatSignal, spectrogramImage } from './fixtures/scipy/load.ts';

describe('ResamplePool', () => {
  let pool: ResamplePool;
  beforeAll(async () => {
    pool = new ResamplePool({ threads: 2, rowChunk: 1, columnChunk: 3 });
    await pool.ready();
  });
  afterAll(async () => {
    await pool.close();
  });

  it('gives the single-threaded bytes, bit for bit, for many shapes (and is reusable)', async () => {
    const shapes: [number, number][] = [
      [256, 3001],
      [251, 2503],
      [57, 1024],
      [256, 1024],
      [3, 5000],
      [1, 77],
      [300, 35000],
    ];
    for (const [h, w] of shapes) {
      const img = spectrogramImage(h, w, h + w);
      const single = downsampleSpectrogram(img, h, w);
      const pooled = await pool.downsampleSpectrogram(img, h, w);
      expect(pooled, `${h}×${w}`).toEqual(single);
    }
  });

  it('float results equal resampleColumns(resampleRows(…)) bit for bit', async () => {
    for (const [rows, cols, newRows, newCols] of [
      [37, 1001, 16, 64],
      [19, 211, 24, 400],
      [64, 3000, 65, 1023],
    ]) {
      const img = floatSignal(rows * cols, rows);
      const single = resampleColumns(resampleRows(img, rows, cols, newCols), rows, newCols, newRows);
      const pooled = await pool.resample2d(img, rows, cols, newRows, newCols);
      expect(pooled.length).toBe(single.length);
      let same = true;
      for (let i = 0; i < single.length; i++) if (!Object.is(single[i], pooled[i])) same = false;
      expect(same, `${rows}×${cols}`).toBe(true);
    }
  });

  it('runs concurrent calls one after another without mixing them up', async () => {
    const imgs = [spectrogramImage(40, 900, 1), spectrogramImage(41, 901, 2), spectrogramImage(42, 902, 3)];
    const results = await Promise.all(imgs.map((img, i) => pool.downsampleSpectrogram(img, 40 + i, 900 + i, { width: 64, height: 32 })));
    results.forEach((r, i) => expect(r).toEqual(downsampleSpectrogram(imgs[i], 40 + i, 900 + i, { width: 64, height: 32 })));
  });

  it('accepts Uint16 and Float32 pixels', async () => {
    const img = spectrogramImage(20, 333, 4);
    const ref = downsampleSpectrogram(img, 20, 333);
    expect(await pool.downsampleSpectrogram(Uint16Array.from(img), 20, 333)).toEqual(ref);
    expect(await pool.downsampleSpectrogram(Float32Array.from(img), 20, 333)).toEqual(ref);
  });

  it('rejects bad arguments without breaking the pool', async () => {
    await expect(pool.downsampleSpectrogram(new Uint8Array(10), 3, 3)).rejects.toThrow(RangeError);
    await expect(pool.resample2d(new Float64Array(4), 2, 2, 0, 2)).rejects.toThrow(RangeError);
    const img = spectrogramImage(4, 50, 9);
    expect(await pool.downsampleSpectrogram(img, 4, 50)).toEqual(downsampleSpectrogram(img, 4, 50));
  });

  it('a closed pool rejects work; close is idempotent', async () => {
    const p = new ResamplePool({ threads: 1 });
    await p.ready();
    const img = spectrogramImage(4, 50, 9);
    expect(await p.downsampleSpectrogram(img, 4, 50)).toEqual(downsampleSpectrogram(img, 4, 50));
    await p.close();
    await p.close();
    await expect(p.downsampleSpectrogram(img, 4, 50)).rejects.toThrow(/closed/);
  });
});
