// cairn-test: both-layouts (scripts/run-tests.mjs runs this file on cache layouts 2 and 1)
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { cairn, sh, tempGitRepo, writeTree } from '../helpers/cli.js';

describe('cairn repro --pull in a fresh clone', () => {
  const origin = tempGitRepo();
  after(() => origin.cleanup());

  it('fetches the locked outputs and restores them instead of running; without a remote, says so', async () => {
    const store = path.join(origin.home, 'store');
    const clone = path.join(origin.home, 'clone');
    assert.equal((await cairn(origin.dir, ['init'], origin.env)).code, 0);
    assert.equal((await cairn(origin.dir, ['remote', 'add', 'store', store, '-d'], origin.env)).code, 0);
    writeTree(origin.dir, {
      'in.txt': 'hi\n',
      'cairn.yaml': 'stages:\n  s:\n    cmd: echo RAN; mkdir -p out && cp in.txt out/x\n    deps: [in.txt]\n    outs: [out]\n',
    });
    assert.equal((await cairn(origin.dir, ['repro'], origin.env)).code, 0);
    // Pipeline outputs reach the remote through the run cache (they have no pointer files).
    const push = await cairn(origin.dir, ['push', '--run-cache'], origin.env);
    assert.equal(push.code, 0, push.stderr);
    sh(origin.dir, 'git add -A && git commit -q -m pipeline', origin.env);
    sh(origin.home, `git clone -q ${origin.dir} ${clone}`, origin.env);

    const r = await cairn(clone, ['repro', '--pull', '--json'], origin.env);
    assert.equal(r.code, 0, r.stderr);
    const data = JSON.parse(r.stdout);
    assert.equal(data.stages[0].outcome, 'restored');
    assert.ok(data.pulled.transferred >= 1);
    assert.doesNotMatch(r.stderr, /RAN/);
    assert.equal(readFileSync(path.join(clone, 'out/x'), 'utf8'), 'hi\n');
    assert.equal(sh(clone, 'git status --porcelain', origin.env), '');

    sh(clone, 'rm -rf out', origin.env);
    assert.equal((await cairn(clone, ['remote', 'remove', 'store'], origin.env)).code, 0);
    const none = await cairn(clone, ['repro', '--pull'], origin.env);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /no remote is configured/);
  });
});
