import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { Repo } from '../../src/core/repo.js';
import { StateIndex, type StateEntry } from '../../src/data/stateIndex.js';
import { tempDir } from '../helpers/cli.js';

const entry = (i: number, oidTag = 'a'): { path: string } & StateEntry => ({
  path: `data/f${i}`, ino: 1000 + i, size: i, mtimeNs: `17646100001234567${String(i % 100).padStart(2, '0')}`, oid: oidTag.repeat(64), exec: i % 3 === 0,
});

describe('state index: putMany', () => {
  it('records every entry whatever the count (full multi-row inserts and the rest), the last entry for a path winning', (t) => {
    const tmp = tempDir();
    t.after(tmp.cleanup);
    // A repo stub: the state index only needs its tmp folder.
    const state = StateIndex.open({ tmpDir: path.join(tmp.dir, 'tmp') } as Repo);
    for (const n of [1, 99, 100, 101, 250]) {
      const entries = Array.from({ length: n }, (_, i) => entry(i));
      // A path seen twice in one call (the same file scanned twice): the later entry is what is kept.
      entries.push({ ...entry(0, 'b'), size: 7 });
      state.putMany(entries);
      const loaded = state.loadPrefix('data');
      assert.equal(loaded.size, n, `${n} entries`);
      assert.deepEqual(loaded.get('data/f0'), { ino: 1000, size: 7, mtimeNs: entry(0).mtimeNs, oid: 'b'.repeat(64), exec: true });
      const last = loaded.get(`data/f${n - 1}`);
      if (n > 1) assert.deepEqual(last, { ino: 1000 + n - 1, size: n - 1, mtimeNs: entry(n - 1).mtimeNs, oid: 'a'.repeat(64), exec: (n - 1) % 3 === 0 });
    }
    state.close();
  });
});
