import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openRepo } from '../../src/core/repo.js';
import { formatPipelineStatus, pipelineStatus } from '../../src/pipeline/pipelineStatus.js';
import { repro } from '../../src/pipeline/repro.js';
import { outsInCache, readRunCacheEntry, runCachePath } from '../../src/pipeline/runCache.js';
import { readLock } from '../../src/pipeline/lockFile.js';
import { cairn, tempGitRepo, writeTree } from '../helpers/cli.js';

describe('pipeline status and the run cache, through the library', () => {
  const repo = tempGitRepo();
  after(() => repo.cleanup());
  const open = () => openRepo({ cwd: repo.dir, env: repo.env });
  const ctx = { cwd: repo.dir, env: repo.env };

  before(async () => {
    assert.equal((await cairn(repo.dir, ['init'], repo.env)).code, 0);
  });

  it('is null without a cairn.yaml', async () => {
    assert.equal(await pipelineStatus(await open(), ctx), null);
  });

  it('lists stale stages with reasons, downstream ones included, and nothing once reproduced', async () => {
    writeTree(repo.dir, {
      'in.txt': 'a\n',
      'cairn.yaml': 'stages:\n  one:\n    cmd: mkdir -p d && cp in.txt d/x\n    deps: [in.txt]\n    outs: [d]\n  two:\n    cmd: cat d/x > y\n    deps: [d/x]\n    outs: [y]\n',
    });
    const before = await pipelineStatus(await open(), ctx);
    assert.deepEqual(before!.changed.map((s) => s.stage), ['one', 'two']);
    assert.match(formatPipelineStatus(before!).join('\n'), /Pipeline:.*\n {2}one:\n {4}never run/);
    const result = await repro(await open(), ctx);
    assert.deepEqual(result.stages.map((s) => s.outcome), ['ran', 'ran']);
    const after = await pipelineStatus(await open(), ctx);
    assert.deepEqual(after, { changed: [], stages: 2 });
    assert.deepEqual(formatPipelineStatus(after!), ['Pipeline: 2 stage(s), all up to date']);
  });

  it('records a run-cache entry whose objects (a folder tree and its files) are in the cache', async () => {
    const r = await open();
    const lock = await readLock(r.root);
    const entry = lock.stages.one;
    assert.equal(entry.outs[0].files, 1);
    const { runCacheKey } = await import('../../src/pipeline/runCache.js');
    const key = runCacheKey({ cmd: entry.cmd, deps: entry.deps, params: entry.params, outs: ['d'] });
    const cached = await readRunCacheEntry(r.cacheDir, key);
    assert.deepEqual(cached?.outs, entry.outs);
    assert.equal(await outsInCache(r.cacheDir, entry.outs), true);
    // A damaged entry is a miss, not a crash.
    writeFileSync(runCachePath(r.cacheDir, key), '{not json');
    assert.equal(await readRunCacheEntry(r.cacheDir, key), null);
  });

  it('a run-cache hit whose objects are gone runs the stage instead', async () => {
    const r = await open();
    rmSync(path.join(r.cacheDir, 'objects'), { recursive: true, force: true });
    writeFileSync(path.join(repo.dir, 'in.txt'), 'b\n');
    await repro(r, ctx);
    writeFileSync(path.join(repo.dir, 'in.txt'), 'a\n');
    // The run for "a" was recorded, but its objects were deleted above: the stage must run.
    rmSync(path.join(r.cacheDir, 'objects'), { recursive: true, force: true });
    const result = await repro(await open(), ctx, { targets: ['one'], single: true });
    assert.equal(result.stages[0].outcome, 'ran');
  });

  it('reports an invalid pipeline instead of failing', async () => {
    writeTree(repo.dir, { 'cairn.yaml': 'stages:\n  one:\n    cmd: x\n    deps: [gone.txt]\n' });
    const status = await pipelineStatus(await open(), ctx);
    assert.equal(status!.error?.code, 'INVALID');
    assert.match(formatPipelineStatus(status!).join('\n'), /cannot check: .*gone.txt/);
  });
});
