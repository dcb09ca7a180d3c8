// cairn-test: both-layouts (scripts/run-tests.mjs runs this file on cache layouts 2 and 1)
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cairn, sh, tempGitRepo, writeTree } from '../helpers/cli.js';
import { TWO_STAGE_PIPELINE } from '../helpers/lockPipeline.js';

const PIPELINE = TWO_STAGE_PIPELINE;

const read = (root: string, rel: string) => readFileSync(path.join(root, rel), 'utf8');

describe('cairn checkout restores the pipeline outputs that cairn.lock records', () => {
  const repo = tempGitRepo();
  const dir = repo.dir;
  after(() => repo.cleanup());

  before(async () => {
    assert.equal((await cairn(dir, ['init'], repo.env)).code, 0);
    // Without the run cache, cairn.lock is the only thing that keeps the outputs' objects from gc.
    assert.equal((await cairn(dir, ['config', 'pipeline.run_cache', 'false'], repo.env)).code, 0);
    writeTree(dir, { 'in.txt': 'one\n', 'cairn.yaml': PIPELINE });
    assert.equal((await cairn(dir, ['repro'], repo.env)).code, 0);
    sh(dir, 'git add -A && git commit -q -m v1', repo.env);
    writeFileSync(path.join(dir, 'in.txt'), 'two\n');
    assert.equal((await cairn(dir, ['repro'], repo.env)).code, 0);
    sh(dir, 'git add -A && git commit -q -m v2', repo.env);
  });

  it('after git checkout of an older commit, brings back the outputs of that commit\'s cairn.lock', async () => {
    sh(dir, 'git checkout -q HEAD~1', repo.env);
    const r = await cairn(dir, ['checkout', '--json'], repo.env);
    assert.equal(r.code, 0, r.stderr);
    const data = JSON.parse(r.stdout);
    assert.deepEqual(data.modified.sort(), ['data/clean/a.txt', 'model.pkl']);
    assert.deepEqual(data.failed, []);
    assert.equal(read(dir, 'model.pkl'), 'one\nb\n');
    assert.equal(read(dir, 'data/clean/a.txt'), 'one\n');
    // The workspace now matches the old lock exactly: nothing to run.
    const dry = await cairn(dir, ['repro', '--dry', '--json'], repo.env);
    assert.deepEqual(JSON.parse(dry.stdout).stages.map((s: { outcome: string }) => s.outcome), ['up-to-date', 'up-to-date']);
    const again = await cairn(dir, ['checkout'], repo.env);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /already matches/);
    sh(dir, 'git checkout -q main', repo.env);
  });

  it('refuses to overwrite a locally modified output without --force, and still restores the others', async () => {
    sh(dir, 'git checkout -q HEAD~1', repo.env);
    assert.equal((await cairn(dir, ['checkout'], repo.env)).code, 0);
    sh(dir, 'git checkout -q main && rm -f model.pkl && echo hand > model.pkl', repo.env);
    const r = await cairn(dir, ['checkout'], repo.env);
    assert.equal(r.code, 5, r.stderr);
    assert.match(r.stderr, /checkout would overwrite local changes to 1 file\(s\) in model\.pkl/);
    assert.match(r.stderr, /output of stage 'train'.*cairn checkout --force model\.pkl/);
    assert.equal(read(dir, 'model.pkl'), 'hand\n');
    assert.equal(read(dir, 'data/clean/a.txt'), 'two\n');

    const forced = await cairn(dir, ['checkout', '--force', 'model.pkl'], repo.env);
    assert.equal(forced.code, 0, forced.stderr);
    assert.equal(read(dir, 'model.pkl'), 'two\nb\n');
  });

  it('names outputs as targets (a file, a folder holding one); an uncached output is not tracked', async () => {
    sh(dir, 'rm -rf model.pkl data/clean', repo.env);
    const one = await cairn(dir, ['checkout', 'model.pkl', '--json'], repo.env);
    assert.equal(one.code, 0, one.stderr);
    assert.deepEqual(JSON.parse(one.stdout).added, ['model.pkl']);
    assert.ok(!existsSync(path.join(dir, 'data/clean')), 'only the named output is restored');
    const folder = await cairn(path.join(dir, 'data'), ['checkout', '.', '--json'], repo.env);
    assert.equal(folder.code, 0, folder.stderr);
    assert.deepEqual(JSON.parse(folder.stdout).added.sort(), ['data/clean/a.txt', 'data/clean/b.txt']);

    const metrics = await cairn(dir, ['checkout', 'metrics.json'], repo.env);
    assert.equal(metrics.code, 4);
    assert.match(metrics.stderr, /metrics\.json is not tracked by cairn/);
  });

  it('an output whose objects are not in the cache is reported with how to get it, and nothing else stops', async () => {
    const lockFile = path.join(dir, 'cairn.lock');
    const good = read(dir, 'cairn.lock');
    const fake = 'f'.repeat(64);
    writeFileSync(lockFile, good.replace(/(- path: model\.pkl\n\s+oid: )[0-9a-f]{64}/, `$1${fake}`));
    sh(dir, 'rm -f data/clean/b.txt', repo.env);
    const r = await cairn(dir, ['checkout'], repo.env);
    writeFileSync(lockFile, good);
    assert.equal(r.code, 4, r.stderr);
    assert.match(r.stderr, /object\(s\) of model\.pkl are not in the cache/);
    assert.match(r.stderr, /cairn pull model\.pkl.*cairn repro train/);
    assert.equal(read(dir, 'model.pkl'), 'two\nb\n');
    assert.equal(read(dir, 'data/clean/b.txt'), 'b\n');
  });

  it('gc keeps the outputs of every cairn.lock in scope, so an old commit still checks out', async () => {
    const gc = await cairn(dir, ['gc', '--all-commits', '--force', '--json'], repo.env);
    assert.equal(gc.code, 0, gc.stderr);
    assert.equal(JSON.parse(gc.stdout).removed, 0);
    sh(dir, 'git checkout -q HEAD~1', repo.env);
    const old = await cairn(dir, ['checkout'], repo.env);
    assert.equal(old.code, 0, old.stderr);
    assert.equal(read(dir, 'model.pkl'), 'one\nb\n');
    sh(dir, 'git checkout -q main', repo.env);

    const ws = await cairn(dir, ['gc', '--workspace', '--force', '--json'], repo.env);
    assert.equal(ws.code, 0, ws.stderr);
    // The first version's model, a.txt and folder tree go; what the current cairn.lock names stays.
    assert.equal(JSON.parse(ws.stdout).removed, 3);
    sh(dir, 'rm -rf model.pkl data/clean', repo.env);
    const now = await cairn(dir, ['checkout'], repo.env);
    assert.equal(now.code, 0, now.stderr);
    assert.equal(read(dir, 'model.pkl'), 'two\nb\n');
    assert.equal(read(dir, 'data/clean/a.txt'), 'two\n');
  });
});
