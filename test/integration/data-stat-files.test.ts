import assert from 'node:assert/strict';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { statMany } from '../../src/data/fileOps.js';
import { hashBuffer } from '../../src/core/hash.js';
import { runPool, statFiles } from '../../src/data/hashPool.js';
import { walkWorkspace } from '../../src/data/walkWorkspace.js';
import { tempDir, writeTree } from '../helpers/cli.js';

describe('stat on all cores', () => {
  const t = tempDir();
  after(() => t.cleanup());
  const files: Record<string, string> = {};
  for (let i = 0; i < 12_000; i++) files[`d${i % 12}/f${i}`] = `${i}`;
  writeTree(t.dir, files);

  it('statFiles across workers gives exactly what statMany gives, in order, with failures by index', async () => {
    const paths = Object.keys(files).map((rel) => path.join(t.dir, rel));
    paths.splice(7000, 0, path.join(t.dir, 'missing-file'));
    const inline = statMany(paths);
    const parallel = await statFiles(paths, 0);
    assert.deepEqual([...parallel.nums], [...inline.nums]);
    assert.deepEqual([...parallel.mtimes], [...inline.mtimes]);
    assert.deepEqual(parallel.failed.map((f) => [f.index, f.error.errno]), [[7000, 'ENOENT']]);
  });

  it('the workers of a parallel stat hash the next pool run (reused, not restarted), also twice in a row', async () => {
    const paths = Object.keys(files).map((rel) => path.join(t.dir, rel));
    for (let round = 0; round < 2; round++) {
      await statFiles(paths, 0);
      const items = paths.slice(0, 1200).map((abs) => ({ abs, size: 5 }));
      const results = await runPool('hash', items, null);
      assert.deepEqual(results.map((r) => r.oid), Object.values(files).slice(0, 1200).map((text) => hashBuffer(text)));
    }
    // A stat right after a pool run (whose workers were stopped) still works on fresh or parked workers.
    assert.equal((await statFiles(paths, 0)).failed.length, 0);
  });

  it('a walk with parallel stats lists the same files as one without', async () => {
    const options = { repoRoot: t.dir, cacheDir: path.join(t.dir, '.cairn', 'cache') };
    const a = await walkWorkspace(t.dir, { ...options, parallelStatAbove: 0 });
    const b = await walkWorkspace(t.dir, { ...options, parallelStatAbove: Infinity });
    assert.equal(a.length, 12_000);
    assert.deepEqual(a, b);
  });
});
