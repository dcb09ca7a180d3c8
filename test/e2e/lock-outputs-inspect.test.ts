// cairn-test: both-layouts (scripts/run-tests.mjs runs this file on cache layouts 2 and 1)
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { hashBuffer } from '../../src/core/hash.js';
import { cairn, sh, tempGitRepo, writeTree } from '../helpers/cli.js';
import { TWO_STAGE_PIPELINE } from '../helpers/lockPipeline.js';
import { removeObject, repoCache } from '../helpers/storeObjects.js';

const PIPELINE = TWO_STAGE_PIPELINE;

describe('diff, ls, fsck and status see the pipeline outputs cairn.lock records', () => {
  const repo = tempGitRepo();
  const dir = repo.dir;
  const run = (args: string[]) => cairn(dir, args, repo.env);
  after(() => repo.cleanup());

  before(async () => {
    assert.equal((await run(['init'])).code, 0);
    writeTree(dir, { 'in.txt': 'one\n', 'cairn.yaml': PIPELINE, 'notes.txt': 'n\n' });
    assert.equal((await run(['add', 'notes.txt'])).code, 0);
    assert.equal((await run(['repro'])).code, 0);
    sh(dir, 'git add -A && git commit -q -m v1', repo.env);
    writeFileSync(path.join(dir, 'in.txt'), 'two\n');
    assert.equal((await run(['repro'])).code, 0);
    sh(dir, 'git add -A && git commit -q -m v2', repo.env);
  });

  it('ls lists cached outputs with their stage, in the workspace and at a revision; cache: false outputs stay Git\'s', async () => {
    const ws = JSON.parse((await run(['ls', '--json'])).stdout);
    assert.deepEqual(ws.entries.map((e: { path: string; stage?: string; tracked: boolean }) => [e.path, e.stage ?? null, e.tracked]),
      [['data/clean', 'prep', true], ['model.pkl', 'train', true], ['notes.txt', null, true]]);
    const text = await run(['ls']);
    assert.match(text.stdout, /model\.pkl  \[output of stage train\]/);
    const old = JSON.parse((await run(['ls', 'HEAD~1', '-R', '--json'])).stdout);
    const model = old.entries.find((e: { path: string }) => e.path === 'model.pkl');
    assert.equal(model.oid, hashBuffer('one\nb\n'));
    assert.equal(model.stage, 'train');
    assert.ok(old.entries.some((e: { path: string; stage?: string }) => e.path === 'data/clean/a.txt' && e.stage === 'prep'));
    assert.ok(!old.entries.some((e: { path: string }) => e.path === 'metrics.json'));
  });

  it('diff between revisions shows what the stages changed, naming the stage', async () => {
    const r = await run(['diff', 'HEAD~1', 'HEAD', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const json = JSON.parse(r.stdout);
    assert.deepEqual(json.modified.map((e: { path: string }) => e.path).sort(), ['data/clean/a.txt', 'model.pkl']);
    assert.deepEqual(json.outputs, [{ path: 'data/clean', stage: 'prep' }, { path: 'model.pkl', stage: 'train' }]);
    const text = await run(['diff', 'HEAD~1', 'HEAD']);
    assert.match(text.stdout, /modified:  model\.pkl .*\[stage train\]/);
  });

  it('diff against the workspace sees a hand-edited output', async () => {
    writeFileSync(path.join(dir, 'model.pkl'), 'edited\n');
    try {
      const json = JSON.parse((await run(['diff', '--json'])).stdout);
      assert.deepEqual(json.modified.map((e: { path: string }) => e.path), ['model.pkl']);
    } finally {
      writeFileSync(path.join(dir, 'model.pkl'), 'two\nb\n');
    }
  });

  it('fsck and status report an output object missing from the cache, with the stage and what fixes it', async () => {
    const oid = hashBuffer('two\nb\n');
    removeObject(repoCache(dir), oid);
    const fsck = await run(['fsck', '--json']);
    assert.equal(fsck.code, 4, fsck.stderr);
    assert.deepEqual(JSON.parse(fsck.stdout).missing, [{ oid, path: 'model.pkl', stage: 'train' }]);
    const fsckText = await run(['fsck']);
    assert.match(fsckText.stdout, /missing: model\.pkl \(\w+\) \[output of stage train\]/);
    assert.match(fsckText.stdout, /cairn repro -f train/);

    const st = await run(['status', '--exit-code', '--json']);
    assert.equal(st.code, 13, st.stderr);
    const model = JSON.parse(st.stdout).data.paths.find((p: { path: string }) => p.path === 'model.pkl');
    assert.deepEqual([model.stage, model.pointer, model.notInCache], ['train', 'cairn.lock', ['model.pkl']]);
    const text = await run(['status']);
    assert.match(text.stdout, /model\.pkl: its object not in cache \(output of stage train: fetch with `cairn pull model\.pkl`, or produce it again with `cairn repro -f train`\)/);
    // Re-running the stage stores it again; then all is clean.
    assert.equal((await run(['repro', '-f', 'train'])).code, 0);
    const clean = await run(['status', '--exit-code']);
    assert.equal(clean.code, 0, clean.stdout);
    assert.equal((await run(['fsck'])).code, 0);
  });

  it('status still shows the data when cairn.lock is malformed, and exits with its error', async () => {
    const lock = path.join(dir, 'cairn.lock');
    const good = readFileSync(lock, 'utf8');
    writeFileSync(lock, 'stages: [');
    try {
      const r = await run(['status']);
      assert.equal(r.code, 3, r.stderr);
      assert.match(r.stdout, /Tracked data is up to date \(1 path\)/);
    } finally {
      writeFileSync(lock, good);
    }
  });
});
