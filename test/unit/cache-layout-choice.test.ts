import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_NEW_LAYOUT, newCacheLayout } from '../../src/data/packs/cacheLayout.js';

describe('the layout of a new cache', () => {
  it('is layout 2 by default', () => {
    assert.equal(DEFAULT_NEW_LAYOUT, 2);
    assert.equal(newCacheLayout({ link: ['reflink', 'copy'] }), 2);
    assert.equal(newCacheLayout({ link: ['copy'] }), 2);
  });

  it('is layout 1 when links come first (a link needs a file per object; packed objects would be copied)', () => {
    assert.equal(newCacheLayout({ link: ['hardlink', 'copy'] }), 1);
    assert.equal(newCacheLayout({ link: ['symlink'] }), 1);
    assert.equal(newCacheLayout({ link: ['reflink', 'hardlink'] }), 2, 'reflink first: copies of packed objects are what it falls back to anyway');
  });

  it('is what cache.layout says, whatever the link modes', () => {
    assert.equal(newCacheLayout({ layout: 1, link: ['copy'] }), 1);
    assert.equal(newCacheLayout({ layout: 2, link: ['hardlink'] }), 2);
  });
});
