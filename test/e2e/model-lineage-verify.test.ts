import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sh } from '../helpers/cli.js';
import { expRepo } from '../helpers/expRepo.js';

/** A repository with the training pipeline committed and its model registered as clf@v0.0.1 and promoted to prod. */
async function registered() {
  const repo = await expRepo();
  for (const args of [['model', 'register', 'clf', '--path', 'model.txt'], ['model', 'promote', 'clf', 'v0.0.1', '--to', 'prod']]) {
    const r = await repo.run(args);
    assert.equal(r.code, 0, r.stderr);
  }
  return repo;
}

describe('model versions as targets of lineage and verify', () => {
  it('cairn lineage NAME@VERSION and NAME#ALIAS trace the version\'s model file at its commit', async (t) => {
    const repo = await registered();
    t.after(() => repo.cleanup());
    const byVersion = await repo.run(['lineage', 'clf@v0.0.1', '--json']);
    assert.equal(byVersion.code, 0, byVersion.stderr);
    const lineage = JSON.parse(byVersion.stdout);
    assert.equal(lineage.model.tag, 'clf@v0.0.1');
    assert.equal(lineage.commit, sh(repo.dir, 'git rev-parse HEAD').trim());
    assert.equal(lineage.target.path, 'model.txt');
    assert.deepEqual(lineage.stages.map((s: { stage: string }) => s.stage), ['train']);
    const byAlias = await repo.run(['lineage', 'clf#prod']);
    assert.equal(byAlias.code, 0, byAlias.stderr);
    assert.match(byAlias.stdout, /^model clf@v0\.0\.1 \(#prod\): tag clf@v0\.0\.1/);
    assert.match(byAlias.stdout, /train/);
  });

  it('cairn verify NAME@VERSION --record reproduces the stage behind the model and writes the verdict into its tag', async (t) => {
    const repo = await registered();
    t.after(() => repo.cleanup());
    const tagBefore = sh(repo.dir, 'git rev-parse clf@v0.0.1^{commit}').trim();
    const r = await repo.run(['verify', 'clf@v0.0.1', '--record', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const result = JSON.parse(r.stdout);
    assert.equal(result.reproduced, true);
    assert.equal(result.stage, 'train', 'only the stage that made the model (and what it needs)');
    const message = sh(repo.dir, "git tag -l --format='%(contents)' clf@v0.0.1");
    assert.match(message, /"verified"/);
    assert.match(message, /"reproduced":\s*true/);
    assert.equal(sh(repo.dir, 'git rev-parse clf@v0.0.1^{commit}').trim(), tagBefore, 'the tag still names the same commit');
    // lineage shows the recorded verification.
    const lineage = await repo.run(['lineage', 'clf@v0.0.1']);
    assert.match(lineage.stdout, /verified reproducible at \d{4}-/);
    // The registry still reads the version (the metadata survived the rewrite).
    const show = JSON.parse((await repo.run(['model', 'show', 'clf', '--json'])).stdout);
    assert.match(JSON.stringify(show), /v0\.0\.1/);
  });

  it('bad model targets are clear errors, and change nothing', async (t) => {
    const repo = await registered();
    t.after(() => repo.cleanup());
    const tags = sh(repo.dir, 'git tag -l').trim();
    const unknownVersion = await repo.run(['lineage', 'clf@v9.9.9']);
    assert.equal(unknownVersion.code, 4);
    assert.match(unknownVersion.stderr, /v9\.9\.9/);
    const unknownModel = await repo.run(['verify', 'nosuch@v0.0.1']);
    assert.equal(unknownModel.code, 4);
    assert.match(unknownModel.stderr, /nosuch/);
    const unknownAlias = await repo.run(['lineage', 'clf#staging']);
    assert.equal(unknownAlias.code, 4);
    assert.match(unknownAlias.stderr, /staging/);
    const recordRev = await repo.run(['verify', 'HEAD', '--record']);
    assert.equal(recordRev.code, 2);
    assert.match(recordRev.stderr, /--record writes into a model version's tag/);
    const both = await repo.run(['lineage', 'clf@v0.0.1', '--rev', 'HEAD']);
    assert.equal(both.code, 2);
    assert.equal(sh(repo.dir, 'git tag -l').trim(), tags, 'no tag was added or changed');
    assert.equal(sh(repo.dir, 'git worktree list --porcelain').split('\n').filter((l) => l.startsWith('worktree ')).length, 1);
  });
});
