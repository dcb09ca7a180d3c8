import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sh } from '../helpers/cli.js';
import { pipelineRepo } from '../helpers/pipelineRepo.js';
import { snapshot } from '../helpers/dataRepo.js';

const json = (r: { stdout: string }) => JSON.parse(r.stdout);

describe('cairn lineage', () => {
  it('traces an output through every stage to the data versions, params, command and run that produced it', async (t) => {
    const repo = await pipelineRepo();
    t.after(() => repo.cleanup());
    const lock = sh(repo.dir, 'cat cairn.lock');
    const rawOid = sh(repo.dir, "grep oid data/raw.csv.cairn | awk '{print $2}'").trim();
    const r = await repo.run(['lineage', 'model.txt', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const l = json(r);
    assert.equal(l.commit, sh(repo.dir, 'git rev-parse HEAD').trim());
    assert.equal(l.target.stage, 'train');
    assert.ok(lock.includes(l.target.oid));
    assert.deepEqual(l.stages.map((s: { stage: string }) => s.stage), ['prepare', 'train']);
    assert.deepEqual(l.stages[1].upstream, ['prepare']);
    assert.deepEqual(l.stages[1].cmd, ['sh train.sh']);
    const inputs = Object.fromEntries(l.inputs.map((i: { path: string }) => [i.path, i]));
    assert.deepEqual(Object.keys(inputs).sort(), ['data/raw.csv', 'train.sh']);
    assert.equal(inputs['data/raw.csv'].oid, rawOid);
    assert.equal(inputs['data/raw.csv'].tracked_by, 'pointer');
    assert.equal(inputs['data/raw.csv'].pointer, 'data/raw.csv.cairn');
    assert.equal(inputs['train.sh'].tracked_by, 'git');
    assert.deepEqual(l.params, { 'params.yaml': { 'train.lr': 0.1 } });
    assert.equal(l.run.status, 'FINISHED');
    assert.equal(l.run.metrics.acc, 0.9);
    assert.equal(l.stages[0].run.run_name, 'prepare');

    const text = await repo.run(['lineage', 'model.txt']);
    assert.match(text.stdout, /^model\.txt at commit [0-9a-f]{12}$/m);
    assert.match(text.stdout, /^stage train .*after prepare$/m);
    assert.match(text.stdout, /^  cmd:  sh train\.sh$/m);
    assert.match(text.stdout, /^  data\/raw\.csv  [0-9a-f]{12}  \(data\/raw\.csv\.cairn\)$/m);
    assert.match(text.stdout, /^  params\.yaml: train\.lr = 0\.1$/m);
    assert.match(text.stdout, /run: [0-9a-f]{8} train \(FINISHED\)  acc=0\.9/);

    const mermaid = await repo.run(['lineage', 'model.txt', '--mermaid']);
    assert.match(mermaid.stdout, /^flowchart LR$/m);
    assert.match(mermaid.stdout, /\["stage train<br\/>sh train\.sh"\]/);
    assert.match(mermaid.stdout, /\("data\/raw\.csv<br\/>[0-9a-f]{12}"\)/);
  });

  it('reads an older commit with REV:PATH or --rev, and added data is its own only input', async (t) => {
    const repo = await pipelineRepo();
    t.after(() => repo.cleanup());
    const first = sh(repo.dir, 'git rev-parse HEAD').trim();
    const oldOid = json(await repo.run(['lineage', 'model.txt', '--json'])).target.oid;
    sh(repo.dir, 'echo "7,8" >> data/raw.csv', repo.env);
    await repo.run(['add', 'data/raw.csv']);
    assert.equal((await repo.run(['repro'])).code, 0);
    sh(repo.dir, 'git add -A && git commit -qm more', repo.env);
    assert.notEqual(json(await repo.run(['lineage', 'model.txt', '--json'])).target.oid, oldOid);
    assert.equal(json(await repo.run(['lineage', `${first}:model.txt`, '--json'])).target.oid, oldOid);
    assert.equal(json(await repo.run(['lineage', 'model.txt', '--rev', 'HEAD~1', '--json'])).target.oid, oldOid);
    const data = json(await repo.run(['lineage', 'data/raw.csv.cairn', '--json']));
    assert.equal(data.target.stage, null);
    assert.deepEqual(data.stages, []);
    assert.equal(data.inputs[0].path, 'data/raw.csv');
  });

  it('an unknown revision or a path that is not tracked is a clear error that changes nothing', async (t) => {
    const repo = await pipelineRepo();
    t.after(() => repo.cleanup());
    const before = snapshot(`${repo.dir}/.cairn`);
    const rev = await repo.run(['lineage', 'model.txt', '--rev', 'nope']);
    assert.equal(rev.code, 4);
    assert.match(rev.stderr, /unknown Git revision "nope"/);
    const untracked = await repo.run(['lineage', 'train.sh']);
    assert.equal(untracked.code, 4);
    assert.match(untracked.stderr, /train\.sh is not tracked at this commit/);
    assert.match(untracked.stderr, /hint: `cairn ls`/);
    const both = await repo.run(['lineage', 'HEAD:model.txt', '--rev', 'HEAD']);
    assert.equal(both.code, 2);
    assert.deepEqual(snapshot(`${repo.dir}/.cairn`), before);
  });
});
