import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { CairnError } from '../../src/core/errors.js';
import { hashBuffer } from '../../src/core/hash.js';
import { objectFile, type PoolItem, type StoreParams } from '../../src/data/fileOps.js';
import { runPool } from '../../src/data/hashPool.js';
import { PACK_THRESHOLD } from '../../src/data/packs/cacheLayout.js';
import { packFile } from '../../src/data/packs/packPaths.js';
import { PackSet } from '../../src/data/packs/packSet.js';
import { readRangeSync } from '../../src/data/packs/locateObject.js';
import { scanPack } from '../../src/data/packs/packFormat.js';
import { tempDir } from '../helpers/cli.js';

/** `count` files of `size` bytes with distinct contents in `dir`, as pool items. */
function smallFiles(dir: string, count: number, size: number, tag = 'f'): Array<PoolItem & { data: Buffer }> {
  mkdirSync(dir, { recursive: true });
  return Array.from({ length: count }, (_, i) => {
    const data = Buffer.alloc(size, `${tag} ${i} `);
    const abs = path.join(dir, `${tag}${i}.bin`);
    writeFileSync(abs, data);
    return { abs, size, data };
  });
}

function params(cacheDir: string, extra: Partial<StoreParams> = {}): StoreParams {
  return { cacheDir, links: [], fileMode: 0o644, packBelow: PACK_THRESHOLD, ...extra };
}

const packsOf = (cacheDir: string, ext: 'pack' | 'idx') =>
  existsSync(path.join(cacheDir, 'packs')) ? readdirSync(path.join(cacheDir, 'packs')).filter((f) => f.endsWith(`.${ext}`)) : [];

describe('storing small files through the hash workers (layout 2): packs span batches', () => {
  it('writes a pack per packTarget bytes queued in a worker, across its batches, plus one for the rest', { timeout: 60_000 }, async (t) => {
    const tmp = tempDir();
    t.after(tmp.cleanup);
    const cacheDir = path.join(tmp.dir, 'cache');
    // 1,600 files of 1,500 bytes: four batches of 500 (or fewer), 2.4 MB in all, against packs of 256 KiB.
    const items = smallFiles(path.join(tmp.dir, 'data'), 1600, 1500);
    const target = 256 << 10;
    const results = await runPool('store', items, params(cacheDir, { packTarget: target }));
    assert.ok(results.every((r) => !r.error && r.stored), 'every file stored');
    const set = new PackSet(cacheDir);
    for (const [i, item] of items.entries()) {
      assert.equal(results[i].oid, hashBuffer(item.data));
      const loc = set.lookup(results[i].oid!);
      assert.ok(loc, `file ${i} is in a pack`);
      assert.deepEqual(readRangeSync(loc.file, loc.offset, loc.length), item.data);
    }
    const packs = packsOf(cacheDir, 'pack');
    assert.deepEqual(packsOf(cacheDir, 'idx').map((f) => f.replace('.idx', '')).sort(), packs.map((f) => f.replace('.pack', '')).sort());
    // A pack closes as soon as its queue reaches the target: never more than one object beyond it.
    for (const f of packs) {
      const entries = scanPack(readFileSync(path.join(cacheDir, 'packs', f)), f);
      assert.ok(entries.reduce((n, e) => n + e.length, 0) < target + 1500, `${f} holds ${entries.length} objects`);
    }
    // 2.4 MB / 256 KiB = 9.2: at least 9 packs, at most one partial pack per worker more (never one per batch of 500
    // only: 1,600 files in packs of ~174 objects).
    assert.ok(packs.length >= 9 && packs.length <= 9 + 2, `${packs.length} packs`);
  });

  it('packs content seen twice in one run once, and skips an object the cache holds loose (from layout 1)', { timeout: 60_000 }, async (t) => {
    const tmp = tempDir();
    t.after(tmp.cleanup);
    const cacheDir = path.join(tmp.dir, 'cache');
    const items = smallFiles(path.join(tmp.dir, 'data'), 400, 700);
    // The loose copy, where layout 1 keeps it.
    const loose = objectFile(cacheDir, hashBuffer(items[7].data));
    mkdirSync(path.dirname(loose), { recursive: true });
    writeFileSync(loose, items[7].data);
    const twin = path.join(tmp.dir, 'data', 'twin.bin');
    writeFileSync(twin, items[3].data);
    const all = [...items, { abs: twin, size: 700, data: items[3].data }];
    // listRun: the worker answers "is it loose?" from a listing of the prefix folders, as `cairn add` of many files does.
    for (const listRun of [undefined, 'run-1']) {
      const results = await runPool('store', all, params(cacheDir, listRun ? { listRun } : {}));
      assert.ok(results.every((r) => !r.error));
      if (!listRun) {
        assert.equal(results[7].stored, false, 'the loose object is not packed again');
        assert.equal(results.filter((r) => r.stored).length, 399, 'every other distinct content stored once');
      } else {
        assert.equal(results.filter((r) => r.stored).length, 0, 'a second run finds everything');
      }
    }
    const packed = packsOf(cacheDir, 'pack').flatMap((f) => scanPack(readFileSync(path.join(cacheDir, 'packs', f)), f).map((e) => e.oid));
    assert.equal(new Set(packed).size, packed.length, 'no object packed twice');
    assert.ok(!packed.includes(hashBuffer(items[7].data)));
  });

  it('a pack that cannot be written fails the whole run with an error naming it, and leaves no index', { timeout: 60_000 }, async (t) => {
    const tmp = tempDir();
    t.after(tmp.cleanup);
    const cacheDir = path.join(tmp.dir, 'cache');
    mkdirSync(cacheDir);
    // A file where the packs folder belongs: mkdir fails even for root (which ignores permissions).
    writeFileSync(path.join(cacheDir, 'packs'), 'not a folder');
    const items = smallFiles(path.join(tmp.dir, 'data'), 600, 500);
    await assert.rejects(runPool('store', items, params(cacheDir)), (err: unknown) => {
      assert.ok(err instanceof CairnError);
      assert.match(err.message, /could not write a pack of small objects/);
      assert.match(err.message, /packs/);
      return true;
    });
    // Few files run inline: each file the failed pack would have held names the failure itself.
    const few = await runPool('store', items.slice(0, 20), params(cacheDir));
    assert.ok(few.every((r) => r.error?.kind === 'system'), 'every file of the failed pack reports the error');
    assert.equal(readFileSync(path.join(cacheDir, 'packs'), 'utf8'), 'not a folder');
    assert.ok(!existsSync(packFile(cacheDir, 'x', 'idx')));
  });
});
