import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { runCacheEligible, runCacheKey, runCachePath } from '../../src/pipeline/runCache.js';
import type { OutSpec, Stage } from '../../src/pipeline/types.js';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const base = {
  cmd: ['python train.py'],
  deps: [{ path: 'x', oid: A }, { path: 'y', oid: B }],
  params: { 'params.yaml': { lr: 0.1, model: { depth: 3, width: 8 } } },
  outs: ['model.bin', 'metrics.json'],
};

describe('run-cache key', () => {
  it('does not depend on the order deps, outs or param keys are listed in', () => {
    const shuffled = {
      cmd: base.cmd,
      deps: [...base.deps].reverse(),
      params: { 'params.yaml': { model: { width: 8, depth: 3 }, lr: 0.1 } },
      outs: [...base.outs].reverse(),
    };
    assert.equal(runCacheKey(shuffled), runCacheKey(base));
    assert.match(runCacheKey(base), /^[0-9a-f]{64}$/);
  });

  it('changes with the command, a dep oid, a param value or the outputs', () => {
    const key = runCacheKey(base);
    assert.notEqual(runCacheKey({ ...base, cmd: ['python train.py --fast'] }), key);
    assert.notEqual(runCacheKey({ ...base, deps: [{ path: 'x', oid: B }, { path: 'y', oid: B }] }), key);
    assert.notEqual(runCacheKey({ ...base, params: { 'params.yaml': { lr: 0.2, model: { depth: 3, width: 8 } } } }), key);
    assert.notEqual(runCacheKey({ ...base, outs: ['model.bin'] }), key);
  });

  it('stores entries under runs/<2 hex>/<key>.json', () => {
    const key = runCacheKey(base);
    assert.equal(runCachePath('/c', key), path.join('/c', 'runs', key.slice(0, 2), `${key}.json`));
  });

  it('only stages with no persistent output that are not always_changed use it (uncached outputs are fine)', () => {
    const out = (extra: Partial<OutSpec> = {}): OutSpec => ({ path: 'o', kind: 'out', cache: true, persist: false, push: true, ...extra });
    const stage = (outs: OutSpec[], alwaysChanged = false): Stage => ({
      name: 's', localName: 's', cmd: ['x'], wdir: '.', deps: [], params: [], outs, frozen: false, alwaysChanged, source: { file: 'cairn.yaml', key: 's' },
    });
    assert.equal(runCacheEligible(stage([out()])), true);
    // An uncached output is copied into the cache for the run cache (as DVC does), so it does not disqualify the stage.
    assert.equal(runCacheEligible(stage([out(), out({ path: 'm', cache: false })])), true);
    assert.equal(runCacheEligible(stage([out({ persist: true })])), false);
    assert.equal(runCacheEligible(stage([out()], true)), false);
    assert.equal(runCacheEligible(stage([])), false);
  });
});
