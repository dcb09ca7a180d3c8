import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { describe, it } from 'node:test';
import { hashBuffer } from '../../src/core/hash.js';
import { planRepack } from '../../src/data/packs/repackPacks.js';
import { PackSet } from '../../src/data/packs/packSet.js';
import { packFile } from '../../src/data/packs/packPaths.js';
import { readRangeSync } from '../../src/data/packs/locateObject.js';
import { writePackSync } from '../../src/data/packs/writePack.js';
import { tempDir } from '../helpers/cli.js';

const objs = (from: number, to: number, tag = 'o') => Array.from({ length: to - from }, (_, i) => {
  const data = Buffer.from(`${tag} ${from + i}`);
  return { oid: hashBuffer(data), data };
});

describe('PackSet: the merged index of a store\'s packs', () => {
  it('finds every object of every pack at its bytes, also an object packed twice, and nothing else', (t) => {
    const dir = tempDir();
    t.after(dir.cleanup);
    const packs = [objs(0, 4000), objs(3000, 8000), objs(8000, 20000)].map((o) => writePackSync(dir.dir, o));
    const set = new PackSet(dir.dir);
    for (const { oid, data } of objs(0, 20000)) {
      const loc = set.lookup(oid);
      assert.ok(loc, oid);
      assert.deepEqual(readRangeSync(loc.file, loc.offset, loc.length), data);
    }
    assert.equal(set.lookup(hashBuffer('absent')), null);
    assert.equal(set.all().length, 3);
    // A pack that vanishes (a repack) is dropped on refresh; objects it shared with another pack are found there.
    rmSync(packFile(dir.dir, packs[0].name, 'idx'));
    set.refresh();
    assert.equal(set.lookup(objs(0, 1)[0].oid), null);
    assert.ok(set.lookup(objs(3500, 3501)[0].oid));
  });

  it('`only` limits the set to some packs (a folder of remote index copies), and a lookup with `fresh` sees new packs', (t) => {
    const dir = tempDir();
    t.after(dir.cleanup);
    const a = writePackSync(dir.dir, objs(0, 10, 'a'));
    writePackSync(dir.dir, objs(0, 10, 'b'));
    const only = new PackSet(dir.dir, { only: () => new Set([a.name]) });
    assert.ok(only.lookup(objs(0, 1, 'a')[0].oid));
    assert.equal(only.lookup(objs(0, 1, 'b')[0].oid), null);
    const open = new PackSet(dir.dir);
    assert.equal(open.lookup(objs(0, 1, 'c')[0].oid), null);
    writePackSync(dir.dir, objs(0, 10, 'c'));
    assert.ok(open.lookup(objs(0, 1, 'c')[0].oid, true));
  });
});

describe('planRepack', () => {
  const entries = Array.from({ length: 10 }, (_, i) => ({ oid: hashBuffer(String(i)), offset: i * 10, length: 10 }));
  const garbage = (n: number) => new Set(entries.slice(0, n).map((e) => e.oid));
  it('leaves a pack without garbage, keeps a mostly live one, rewrites a mostly dead one, deletes an all-dead one', () => {
    assert.equal(planRepack(entries, garbage(0)).action, 'none');
    assert.equal(planRepack(entries, garbage(3)).action, 'keep');
    assert.equal(planRepack(entries, garbage(5)).action, 'keep');
    const rewrite = planRepack(entries, garbage(6));
    assert.equal(rewrite.action, 'rewrite');
    assert.equal(rewrite.live.length, 4);
    assert.equal(planRepack(entries, garbage(10)).action, 'delete');
  });
});
