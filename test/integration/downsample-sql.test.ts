import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { Metric } from '../../src/tracking/entities.js';
import { downsample, type DownsampleOptions, type SeriesPoint } from '../../src/tracking/downsample.js';
import { SqliteTrackingStore } from '../../src/tracking/sqlite/sqliteTrackingStore.js';
import { stepBucketStarts } from '../../src/tracking/sqlite/downsampleInSql.js';

// A small deterministic generator, so a failure names a series that can be rebuilt.
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function series(seed: number, n: number, options: { stepGap?: number; nanEvery?: number } = {}): Metric[] {
  const next = random(seed);
  const out: Metric[] = [];
  let step = Math.floor(next() * 100) - 50;
  for (let i = 0; i < n; i++) {
    step += 1 + Math.floor(next() * (options.stepGap ?? 1));
    // Unique values: with ties both sides could keep a different one of two equal points.
    const value = options.nanEvery && i % options.nanEvery === 7 ? NaN : i === 3 ? Infinity : i === 5 ? -Infinity : next() * 1000 + i * 1e-9;
    out.push({ key: 'loss', value, timestamp: 1_700_000_000_000 + Math.floor(next() * 1e6), step });
    // Sometimes a second point at the same step (a resumed run logging it again).
    if (next() < 0.05) out.push({ key: 'loss', value: next() * 1000 - 500, timestamp: 1_700_000_000_000 + i, step });
  }
  return out;
}

async function storeWith(t: { after: (fn: () => void) => void }, metrics: Metric[]): Promise<{ store: SqliteTrackingStore; runId: string }> {
  const store = SqliteTrackingStore.open({ file: ':memory:' });
  t.after(() => store.close());
  const run = await store.createRun({ experiment_id: '0', run_name: 'r' });
  for (let i = 0; i < metrics.length; i += 10_000) await store.write([{ op: 'logBatch', run_id: run.run_id, metrics: metrics.slice(i, i + 10_000) }]);
  return { store, runId: run.run_id };
}

const key = (p: SeriesPoint) => `${p.step}:${p.timestamp}:${p.value}`;

async function agree(store: SqliteTrackingStore, runId: string, metrics: Metric[], options: DownsampleOptions): Promise<void> {
  const inSql = await store.downsampleMetricHistory(runId, 'loss', options);
  // SQLite knows the range before it reads (the first and last rows are index lookups), so its buckets are cut from
  // the series' own ends; the JavaScript downsampler does the same when given them. It gets the series in x order,
  // as the store's pages come, so that "a bucket's first NaN" means the same on both sides.
  const xOf = (p: SeriesPoint) => (options.x === 'step' ? p.step : p.timestamp);
  const ordered = [...metrics].sort((a, b) => xOf(a) - xOf(b) || a.step - b.step || a.timestamp - b.timestamp);
  const inJs = downsample(ordered, { ...options, from: options.from ?? xOf(ordered[0]!), to: options.to ?? xOf(ordered.at(-1)!) });
  const label = JSON.stringify(options);
  assert.equal(inSql.total, inJs.total, `total for ${label}`);
  const a = new Set(inSql.points.map(key));
  const b = new Set(inJs.points.map(key));
  assert.deepEqual([...a].filter((k) => !b.has(k)), [...b].filter((k) => !a.has(k)), `kept points for ${label}: only in SQL, only in JavaScript`);
}

test('by step, SQL keeps exactly the points the JavaScript downsampler keeps: dense, sparse, zoomed, with NaN and infinities', async (t) => {
  const dense = series(1, 60_000, { nanEvery: 997 });
  const { store, runId } = await storeWith(t, dense);
  for (const points of [1, 7, 100, 1000]) await agree(store, runId, dense, { points, x: 'step' });
  await agree(store, runId, dense, { points: 300, x: 'step', from: 10_000, to: 20_000 });
  await agree(store, runId, dense, { points: 333, x: 'step', from: 12_345.5, to: 40_001.25 });
  // A zoom narrower than the bucket count reads the range whole.
  await agree(store, runId, dense, { points: 500, x: 'step', from: 30_000, to: 30_100 });
  // A range with no points at all.
  const empty = await store.downsampleMetricHistory(runId, 'loss', { points: 10, x: 'step', from: 1e9, to: 2e9 });
  assert.deepEqual([empty.total, empty.points], [0, []]);

  const sparse = series(2, 20_000, { stepGap: 500 });
  const other = await storeWith(t, sparse);
  for (const points of [50, 2000]) await agree(other.store, other.runId, sparse, { points, x: 'step' });
});

test('by time, SQL and JavaScript keep the same points', async (t) => {
  const metrics = series(3, 30_000, { nanEvery: 501 });
  const { store, runId } = await storeWith(t, metrics);
  await agree(store, runId, metrics, { points: 400, x: 'time' });
  await agree(store, runId, metrics, { points: 100, x: 'time', from: 1_700_000_100_000, to: 1_700_000_600_000 });
});

test("each bucket starts at the first step the downsampler's own formula puts in it", () => {
  for (const range of [
    { from: 0, to: 999_999, points: 1000 },
    { from: -50.5, to: 12_345.75, points: 333 },
    { from: 10, to: 20, points: 40 },
    { from: 0, to: 2 ** 40, points: 997 },
  ]) {
    const starts = stepBucketStarts(range);
    const width = Math.max((range.to - range.from) / range.points, Number.MIN_VALUE);
    const bucketOf = (s: number) => Math.min(Math.floor((s - range.from) / width), range.points - 1);
    assert.equal(starts.length, range.points);
    for (let i = 0; i < starts.length; i++) {
      const s = starts[i]!;
      assert.ok(bucketOf(s) >= i, `${JSON.stringify(range)}: step ${s} is before bucket ${i}`);
      if (s > Math.ceil(range.from)) assert.ok(bucketOf(s - 1) < i, `${JSON.stringify(range)}: step ${s - 1} also belongs to bucket ${i}`);
    }
  }
});

test('a file database downsamples in worker threads, with the same answer as the main connection, several at once', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cairn-readers-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const store = SqliteTrackingStore.open({ file: path.join(dir, 'tracking.db'), readers: 2 });
  t.after(() => store.close());
  const ids: string[] = [];
  const all: Metric[][] = [];
  for (let r = 0; r < 4; r++) {
    const metrics = series(10 + r, 20_000, { nanEvery: 333 });
    const run = await store.createRun({ experiment_id: '0', run_name: `r${r}` });
    await store.write([{ op: 'logBatch', run_id: run.run_id, metrics }]);
    ids.push(run.run_id);
    all.push(metrics);
  }
  const options: DownsampleOptions = { points: 200, x: 'step' };
  const answers = await Promise.all(ids.map((id) => store.downsampleMetricHistory(id, 'loss', options)));
  assert.equal(store.readers?.jobs, 4, 'the workers answered');
  const inline = SqliteTrackingStore.open({ file: path.join(dir, 'tracking.db'), readers: 0 });
  t.after(() => inline.close());
  assert.equal(inline.readers, null);
  for (let r = 0; r < 4; r++) assert.deepEqual(answers[r], await inline.downsampleMetricHistory(ids[r]!, 'loss', options));
  // What was just written is what the workers read (WAL: a reader sees every committed write).
  await store.write([{ op: 'logBatch', run_id: ids[0]!, metrics: [{ key: 'loss', value: 1e9, timestamp: 1, step: 10_000_000 }] }]);
  const after = await store.downsampleMetricHistory(ids[0]!, 'loss', options);
  assert.equal(after.total, answers[0]!.total + 1);
  assert.ok(after.points.some((p) => p.value === 1e9));
  await assert.rejects(store.downsampleMetricHistory('f'.repeat(32), 'loss', options), { code: 'NOT_FOUND' });
});
