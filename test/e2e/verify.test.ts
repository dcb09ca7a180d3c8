import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { cairn, sh, tempDir } from '../helpers/cli.js';
import { snapshot } from '../helpers/dataRepo.js';
import { pipelineRepo } from '../helpers/pipelineRepo.js';

const json = (r: { stdout: string }) => JSON.parse(r.stdout);
const worktrees = (dir: string) => sh(dir, 'git worktree list --porcelain').split('\n').filter((l) => l.startsWith('worktree ')).length;

describe('cairn verify', () => {
  it('a pipeline that reproduces: every output matches, exit 0, and the user\'s files, worktrees and runs are untouched', async (t) => {
    const repo = await pipelineRepo();
    t.after(() => repo.cleanup());
    sh(repo.dir, 'echo local-edit >> train.sh');
    const before = snapshot(repo.dir);
    const runs = json(await repo.run(['runs', 'list', '--json'])).runs.length;
    const r = await repo.run(['verify', 'HEAD', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const v = json(r);
    assert.equal(v.reproduced, true);
    assert.equal(v.commit, sh(repo.dir, 'git rev-parse HEAD').trim());
    assert.deepEqual(v.stages.map((s: { stage: string; outcome: string }) => `${s.stage}:${s.outcome}`), ['prepare:ran', 'train:ran']);
    assert.deepEqual(v.outputs.map((o: { path: string; status: string }) => `${o.path}:${o.status}`).sort(), ['data/clean.csv:match', 'metrics.json:match', 'model.txt:match']);
    assert.deepEqual(v.differing, []);
    assert.equal(v.workspace, null);
    // It ran the commit, not the edited workspace, and left no trace.
    assert.deepEqual(snapshot(repo.dir), before);
    assert.equal(worktrees(repo.dir), 1);
    assert.equal(json(await repo.run(['runs', 'list', '--json'])).runs.length, runs);
    const text = await repo.run(['verify', 'HEAD']);
    assert.match(text.stdout, /^  match +model\.txt +[0-9a-f]{12}$/m);
    assert.match(text.stdout, /^Reproduced: all 3 output\(s\) of HEAD/m);
  });

  it('a stage that writes the time does not reproduce: the differing output is named, the others match, exit 13', async (t) => {
    const repo = await pipelineRepo({ clock: true });
    t.after(() => repo.cleanup());
    const r = await repo.run(['verify', 'HEAD', '--json']);
    assert.equal(r.code, 13, r.stderr);
    const v = json(r);
    assert.equal(v.reproduced, false);
    assert.deepEqual(v.differing, ['model.txt']);
    const model = v.outputs.find((o: { path: string }) => o.path === 'model.txt');
    assert.equal(model.status, 'differs');
    assert.notEqual(model.reproduced_oid, model.recorded_oid);
    assert.equal(v.outputs.find((o: { path: string }) => o.path === 'data/clean.csv').status, 'match');
    const text = await repo.run(['verify', 'HEAD']);
    assert.equal(text.code, 13);
    assert.match(text.stdout, /^  DIFFERS +model\.txt +recorded [0-9a-f]{12}, reproduced [0-9a-f]{12}$/m);
    assert.match(text.stdout, /^Not reproduced: 1 of 3 output\(s\) differ from what HEAD \([0-9a-f]{12}\) recorded: model\.txt\.$/m);
    // --stage: only that stage and what it needs run, so the clock stage is not involved.
    const prepare = await repo.run(['verify', 'HEAD', '--stage', 'prepare', '--json']);
    assert.equal(prepare.code, 0, prepare.stderr);
    assert.deepEqual(json(prepare).stages.map((s: { stage: string }) => s.stage), ['prepare']);
  });

  it('--keep leaves the isolated workspace with the reproduced outputs', async (t) => {
    const repo = await pipelineRepo({ clock: true });
    t.after(() => repo.cleanup());
    const v = json(await repo.run(['verify', 'HEAD', '--keep', '--json']));
    assert.ok(v.workspace && existsSync(path.join(v.workspace, 'model.txt')));
    assert.notEqual(readFileSync(path.join(v.workspace, 'model.txt'), 'utf8'), readFileSync(path.join(repo.dir, 'model.txt'), 'utf8'));
    assert.equal(worktrees(repo.dir), 2);
  });

  it('in a fresh clone with an empty cache, the inputs come from the default remote', async (t) => {
    const repo = await pipelineRepo();
    const store = tempDir();
    t.after(() => { repo.cleanup(); store.cleanup(); });
    assert.equal((await repo.run(['remote', 'add', '-d', 'origin', store.dir])).code, 0);
    assert.equal((await repo.run(['push'])).code, 0);
    sh(repo.dir, 'git add -A && git commit -qm remote', repo.env);
    const clone = path.join(path.dirname(repo.dir), 'clone');
    sh(path.dirname(repo.dir), `git clone -q ${repo.dir} clone`, repo.env);
    const r = await cairn(clone, ['verify', 'HEAD', '--json'], repo.env);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(json(r).missing_data, []);
    assert.equal(json(r).reproduced, true);
  });

  it('an unknown revision or stage is a clear error, and nothing is created', async (t) => {
    const repo = await pipelineRepo();
    t.after(() => repo.cleanup());
    const before = snapshot(repo.dir);
    const rev = await repo.run(['verify', 'nope']);
    assert.equal(rev.code, 4);
    assert.match(rev.stderr, /unknown Git revision "nope"/);
    const stage = await repo.run(['verify', 'HEAD', '--stage', 'trian']);
    assert.equal(stage.code, 4);
    assert.match(stage.stderr, /there is no stage "trian" at HEAD/);
    assert.match(stage.stderr, /hint: the stages there: prepare, train/);
    const empty = await repo.run(['verify', 'HEAD~1']);
    assert.equal(empty.code, 4);
    assert.match(empty.stderr, /no pipeline to verify at HEAD~1/);
    assert.deepEqual(snapshot(repo.dir), before);
    assert.equal(worktrees(repo.dir), 1);
  });
});
