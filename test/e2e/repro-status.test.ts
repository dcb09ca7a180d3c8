import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cairn, tempGitRepo, writeTree } from '../helpers/cli.js';

describe('cairn status reports pipeline staleness', () => {
  const repo = tempGitRepo();
  after(() => repo.cleanup());

  before(async () => {
    assert.equal((await cairn(repo.dir, ['init'], repo.env)).code, 0);
    writeTree(repo.dir, {
      'in.txt': 'a\n',
      'params.yaml': 'k: 1\n',
      'cairn.yaml': 'stages:\n  one:\n    cmd: cp in.txt one.out\n    deps: [in.txt]\n    outs: [one.out]\n  two:\n    cmd: cp one.out two.out\n    deps: [one.out]\n    params: [k]\n    outs: [two.out]\n',
    });
  });

  it('lists stages that never ran, and is clean once reproduced', async () => {
    const r = await cairn(repo.dir, ['status', '--exit-code'], repo.env);
    assert.equal(r.code, 13);
    assert.match(r.stdout, /Pipeline: \(run `cairn repro`/);
    assert.match(r.stdout, /  one:\n    never run/);
    assert.equal((await cairn(repo.dir, ['repro'], repo.env)).code, 0);
    const clean = await cairn(repo.dir, ['status', '--exit-code', '--json'], repo.env);
    assert.equal(clean.code, 0, clean.stdout);
    const data = JSON.parse(clean.stdout);
    assert.equal(data.clean, true);
    assert.deepEqual(data.pipeline, { changed: [], stages: 2 });
  });

  it('names what changed: a param value, and the downstream it drags along', async () => {
    writeFileSync(path.join(repo.dir, 'params.yaml'), 'k: 2\n');
    writeFileSync(path.join(repo.dir, 'in.txt'), 'b\n');
    const r = await cairn(repo.dir, ['status', '--exit-code', '--json'], repo.env);
    assert.equal(r.code, 13);
    const { pipeline } = JSON.parse(r.stdout);
    assert.deepEqual(pipeline.changed.map((s: { stage: string }) => s.stage), ['one', 'two']);
    assert.deepEqual(pipeline.changed[1].reasons.map((x: { kind: string }) => x.kind), ['params', 'upstream']);
    const text = await cairn(repo.dir, ['status', '--exit-code'], repo.env);
    assert.match(text.stdout, /dependency in.txt modified/);
    assert.match(text.stdout, /param k \(params.yaml\) changed: 1 -> 2/);
  });

  it('an invalid cairn.yaml is an error (exit 3), with or without --exit-code; the data status is still shown', async () => {
    const good = readFileSync(path.join(repo.dir, 'cairn.yaml'), 'utf8');
    writeFileSync(path.join(repo.dir, 'cairn.yaml'), good.replace('cmd: cp in.txt one.out', 'cmd: cp in.txt one.out\n    bogus_key: 1'));
    try {
      for (const args of [['status'], ['status', '--exit-code']]) {
        const r = await cairn(repo.dir, args, repo.env);
        assert.equal(r.code, 3, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
        // The data section still runs: the two cached outputs cairn.lock records are up to date.
        assert.match(r.stdout, /Tracked data is up to date \(2 paths\)/);
        assert.match(r.stdout, /Pipeline:\n  cannot check: .*bogus_key/);
      }
      const json = await cairn(repo.dir, ['status', '--json'], repo.env);
      assert.equal(json.code, 3);
      assert.equal(JSON.parse(json.stdout).pipeline.error.code, 'INVALID');
    } finally {
      writeFileSync(path.join(repo.dir, 'cairn.yaml'), good);
    }
  });
});
