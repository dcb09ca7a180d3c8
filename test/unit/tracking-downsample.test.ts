import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createDownsampler, downsample, type SeriesPoint } from '../../src/tracking/downsample.js';

const T0 = 1_700_000_000_000;

function series(n: number, value: (i: number) => number): SeriesPoint[] {
  const out: SeriesPoint[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = { step: i, timestamp: T0 + i * 10, value: value(i) };
  return out;
}

/** A deterministic noise in [0, 1), so a failure repeats. */
function noise(seed: number): (i: number) => number {
  return (i) => {
    const s = Math.sin(i * 12.9898 + seed * 78.233) * 43758.5453;
    return s - Math.floor(s);
  };
}

describe('downsample: min/max per bucket', () => {
  test('a single spike among 1,000,000 points survives, with its step, in at most 2 × points + 2 points', () => {
    const n = 1_000_000;
    const spikeAt = 777_777;
    const input = series(n, (i) => (i === spikeAt ? 50 : Math.sin(i / 1000)));
    const started = performance.now();
    const result = downsample(input, { points: 1000, x: 'step' });
    const ms = performance.now() - started;
    assert.ok(result.points.length <= 2 * 1000 + 2, `${result.points.length} points`);
    assert.ok(result.points.length >= 1000, `${result.points.length} points: too few for 1000 columns`);
    const spike = result.points.find((p) => p.value === 50);
    assert.ok(spike, 'the spike is kept');
    assert.equal(spike.step, spikeAt);
    assert.equal(result.total, n);
    assert.ok(ms < 1000, `took ${ms.toFixed(0)} ms`);
  });

  test('a dip and a spike in the same bucket are both kept', () => {
    const input = series(10_000, (i) => (i === 5000 ? -9 : i === 5001 ? 9 : 0));
    const values = downsample(input, { points: 10, x: 'step' }).points.map((p) => p.value);
    assert.ok(values.includes(-9) && values.includes(9), values.join(','));
  });

  test('keeps the first and the last point, even when neither is its bucket\'s min or max', () => {
    const input = series(100_001, (i) => (i % 2 === 0 ? 0.5 : i % 3 === 0 ? 1 : 0));
    const { points } = downsample(input, { points: 100, x: 'step' });
    assert.deepEqual(points[0], input[0]);
    assert.deepEqual(points.at(-1), input.at(-1));
  });

  test('every bucket keeps exactly its true minimum and maximum (random series, fed in pages)', () => {
    const input = series(24_321, noise(3));
    const d = createDownsampler({ points: 500, x: 'step' });
    for (let i = 0; i < input.length; i += 3_000) d.add(input.slice(i, i + 3_000));
    const result = d.finish();
    assert.ok(result.buckets <= 500 && result.buckets > 250, `${result.buckets} buckets`);
    const w = result.bucketWidth;
    for (let start = 0; start < input.length; start += w) {
      const inBucket = (p: SeriesPoint) => p.step >= start && p.step < start + w;
      const truth = input.filter(inBucket).map((p) => p.value);
      const kept = result.points.filter(inBucket).map((p) => p.value);
      assert.equal(Math.max(...kept), Math.max(...truth), `max of bucket at ${start}`);
      assert.equal(Math.min(...kept), Math.min(...truth), `min of bucket at ${start}`);
    }
  });

  test('pages in any order give the same points as the whole series at once', () => {
    const input = series(20_000, noise(7));
    const whole = downsample(input, { points: 300, x: 'step' });
    const d = createDownsampler({ points: 300, x: 'step' });
    for (let i = input.length - 1000; i >= 0; i -= 1000) d.add(input.slice(i, i + 1000));
    // Started from another origin, the buckets differ; what must agree is the extremes and the ends.
    const paged = d.finish();
    const values = (r: typeof whole) => r.points.map((p) => p.value);
    assert.equal(Math.max(...values(paged)), Math.max(...values(whole)));
    assert.equal(Math.min(...values(paged)), Math.min(...values(whole)));
    assert.deepEqual(paged.points[0], whole.points[0]);
    assert.deepEqual(paged.points.at(-1), whole.points.at(-1));
    const inOrder = createDownsampler({ points: 300, x: 'step' });
    for (let i = 0; i < input.length; i += 1000) inOrder.add(input.slice(i, i + 1000));
    assert.deepEqual(inOrder.finish(), whole);
  });

  test('a NaN shows where the series broke and does not hide its bucket\'s min and max', () => {
    const input = series(10_000, (i) => (i === 4321 ? NaN : i === 4322 ? 5 : i === 4320 ? -5 : 0));
    const { points } = downsample(input, { points: 50, x: 'step' });
    const nan = points.filter((p) => Number.isNaN(p.value));
    assert.deepEqual(nan.map((p) => p.step), [4321]);
    assert.ok(points.some((p) => p.value === 5) && points.some((p) => p.value === -5));
    const allNan = downsample(series(100, () => NaN), { points: 10, x: 'step' });
    assert.ok(allNan.points.length >= 2 && allNan.points.every((p) => Number.isNaN(p.value)), 'a series of NaN still has its ends');
  });

  test('±Infinity are extremes like any value', () => {
    const input = series(1000, (i) => (i === 10 ? Infinity : i === 900 ? -Infinity : 1));
    const values = downsample(input, { points: 5, x: 'step' }).points.map((p) => p.value);
    assert.ok(values.includes(Infinity) && values.includes(-Infinity));
  });

  test('a series shorter than the buckets comes back whole, in x order', () => {
    const input = series(50, noise(1));
    const shuffled = [...input].reverse();
    assert.deepEqual(downsample(shuffled, { points: 1000, x: 'step' }).points, input);
    assert.deepEqual(downsample([], { points: 10, x: 'step' }), { points: [], total: 0, buckets: 0, bucketWidth: 0 });
  });

  test('x = time buckets by timestamp, whatever the steps are', () => {
    // Steps restart (a resumed run), time goes on: by time, the spike sits where it happened.
    const input = series(10_000, (i) => (i === 7000 ? 99 : 0)).map((p, i) => ({ ...p, step: i % 5000 }));
    const { points } = downsample(input, { points: 100, x: 'time' });
    for (let i = 1; i < points.length; i++) assert.ok(points[i].timestamp >= points[i - 1].timestamp, 'sorted by time');
    assert.equal(points.find((p) => p.value === 99)?.timestamp, T0 + 70_000);
    assert.ok(points.length <= 202);
  });

  test('a range keeps only its points, cut into finer buckets (a chart\'s zoom)', () => {
    const input = series(200_000, noise(5));
    const coarse = downsample(input, { points: 1000, x: 'step' });
    const zoomed = downsample(input, { points: 1000, x: 'step', from: 1000, to: 2000 });
    assert.ok(zoomed.points.every((p) => p.step >= 1000 && p.step <= 2000));
    assert.equal(zoomed.total, 1001);
    assert.equal(zoomed.buckets, 1000);
    assert.equal(zoomed.bucketWidth, 1);
    assert.ok(coarse.bucketWidth >= 200, `coarse buckets ${coarse.bucketWidth} wide`);
    assert.equal(zoomed.points[0].step, 1000);
    assert.equal(zoomed.points.at(-1)!.step, 2000);
    const byTime = downsample(input, { points: 10, x: 'time', from: T0 + 100, to: T0 + 190 });
    assert.deepEqual(byTime.points.map((p) => p.step), [10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
  });

  test('refuses a bucket count that is not a positive whole number', () => {
    assert.throws(() => createDownsampler({ points: 0, x: 'step' }), RangeError);
    assert.throws(() => createDownsampler({ points: 2.5, x: 'step' }), RangeError);
  });
});
