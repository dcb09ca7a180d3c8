import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { hashBuffer } from '../../src/core/hash.js';
import { objectPath } from '../../src/data/objectPath.js';
import { ObjectStore } from '../../src/data/objectStore.js';
import { writePackSync } from '../../src/data/packs/writePack.js';
import { tempDir } from '../helpers/cli.js';

describe('ObjectStore over a packed object (layout 2)', () => {
  const tmp = tempDir();
  after(() => tmp.cleanup());
  const root = path.join(tmp.dir, 'cache');
  const data = Buffer.from('metrics {"acc": 0.5}\n');
  const oid = hashBuffer(data);

  it('putFile of content already packed stores nothing and gives its size (no loose copy, no stat of one)', async () => {
    const store = new ObjectStore(root);
    await store.ensureLayout(2);
    writePackSync(root, [{ oid, data }]);
    const src = path.join(tmp.dir, 'metrics.json');
    writeFileSync(src, data);
    assert.deepEqual(await store.putFile(src, oid), { size: data.length, stored: false });
    assert.ok(!existsSync(objectPath(root, oid)), 'no loose copy beside the packed one');
    assert.equal(await store.size(oid), data.length);
    assert.deepEqual(await store.read(oid), data);
    assert.equal(await store.verify(oid), 'ok');
  });

  it('size is null for an object the store does not have', async () => {
    assert.equal(await new ObjectStore(root).size(hashBuffer('absent')), null);
  });
});
