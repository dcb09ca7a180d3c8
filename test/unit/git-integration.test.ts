import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hookScript } from '../../src/git/gitHooks.js';
import { withAttributes, withoutAttributes } from '../../src/git/mergeDriverConfig.js';

describe('the .gitattributes block of the merge driver', () => {
  it('is added once after the lines already there, and removed leaving them as they were', () => {
    const mine = '*.png binary\n';
    const added = withAttributes(mine);
    assert.ok(added.startsWith(mine));
    assert.match(added, /^cairn\.lock merge=cairn\n\*\.cairn merge=cairn\n# <<< cairn merge driver\n$/m);
    assert.equal(withAttributes(added), added, 'installing twice changes nothing');
    assert.equal(withoutAttributes(added), mine);
    assert.equal(withAttributes('*.png binary'), `*.png binary\n${added.slice(mine.length)}`, 'a last line without newline is ended first');
  });
});

describe('the hook scripts', () => {
  it('run the chained hook first and stop when it fails, and fall back to the installing cairn', () => {
    const text = hookScript('pre-push', ['/usr/bin/node', "/opt/it's/cairn.js"]);
    assert.match(text, /^#!\/bin\/sh\n# cairn-hook: /);
    assert.match(text, /chained="\$\(dirname "\$0"\)\/pre-push\.pre-cairn"\nif \[ -x "\$chained" \]; then "\$chained" "\$@" \|\| exit \$\?; fi/);
    assert.match(text, /command -v cairn >\/dev\/null 2>&1 \|\| cairn\(\) \{ '\/usr\/bin\/node' '\/opt\/it'\\''s\/cairn\.js' "\$@"; \}/);
    assert.match(hookScript('post-checkout', ['cairn']), /\[ "\$3" = 1 \] \|\| exit 0/);
  });
});
