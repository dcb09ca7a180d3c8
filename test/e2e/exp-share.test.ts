import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { cairn, sh, tempDir } from '../helpers/cli.js';
import { expRepo } from '../helpers/expRepo.js';

const json = (r: { stdout: string }) => JSON.parse(r.stdout);
const experiments = (r: { stdout: string }) => json(r).filter((x: { kind: string }) => x.kind === 'experiment').map((x: { label: string; metrics: unknown }) => [x.label, x.metrics]);

describe('cairn exp push / pull', () => {
  it("a teammate's exp show after a pull shows the same table, and exp apply brings the data from the remote", async (t) => {
    const repo = await expRepo();
    const place = tempDir();
    t.after(() => { repo.cleanup(); place.cleanup(); });
    const origin = path.join(place.dir, 'origin.git');
    sh(place.dir, `git init -q --bare ${origin}`, repo.env);
    assert.equal((await repo.run(['remote', 'add', '-d', 'store', path.join(place.dir, 'data')])).code, 0);
    sh(repo.dir, `git add -A && git commit -qm remote && git remote add origin ${origin} && git push -q origin main`, repo.env);
    for (const [n, lr] of [['one', '0.05'], ['two', '0.02']]) assert.equal((await repo.run(['exp', 'run', '-n', n, '-S', `train.lr=${lr}`])).code, 0);

    const noName = await repo.run(['exp', 'push', 'origin', 'three']);
    assert.equal(noName.code, 4, 'an unknown name pushes nothing');
    assert.equal(sh(repo.dir, `git ls-remote ${origin} 'refs/cairn/*'`, repo.env), '');
    const pushed = await repo.run(['exp', 'push', 'origin']);
    assert.equal(pushed.code, 0, pushed.stderr);
    assert.match(pushed.stdout, /pushed 2 experiment\(s\) to origin/);
    assert.match(pushed.stdout, /data: \d+ files pushed .*run cache: 3 entries pushed/);
    assert.equal(sh(repo.dir, `git ls-remote ${origin} 'refs/cairn/exps/*'`, repo.env).trim().split('\n').length, 2);

    const mate = path.join(place.dir, 'mate');
    sh(place.dir, `git clone -q -b main ${origin} ${mate}`, repo.env);
    const run = (args: string[]) => cairn(mate, args, repo.env);
    const pulled = await run(['exp', 'pull', 'origin']);
    assert.equal(pulled.code, 0, pulled.stderr);
    assert.match(pulled.stdout, /pulled 2 experiment\(s\) from origin: /);
    assert.deepEqual(experiments(await run(['exp', 'show', '--json'])), experiments(await repo.run(['exp', 'show', '--json'])));
    assert.match(pulled.stdout, /runs: 2 added to the tracking store/);
    const theirRuns = JSON.parse((await run(['runs', 'list', '--json'])).stdout).runs.map((r: { info: { run_name: string; run_id: string } }) => r.info);
    const myRuns = JSON.parse((await repo.run(['runs', 'list', '--json'])).stdout).runs.map((r: { info: { run_name: string; run_id: string } }) => r.info);
    for (const n of ['one', 'two']) {
      assert.equal(theirRuns.find((r: { run_name: string }) => r.run_name === n)?.run_id, myRuns.find((r: { run_name: string }) => r.run_name === n)?.run_id, `${n} has the same run id in both stores`);
    }
    assert.doesNotMatch((await run(['exp', 'pull', 'origin'])).stdout, /runs: \d+ added/, 'pulling again adds no run');
    const applied = await run(['exp', 'apply', 'one']);
    assert.equal(applied.code, 0, applied.stderr);
    assert.equal(readFileSync(path.join(mate, 'model.txt'), 'utf8'), 'model lr=0.05 depth=3\n');
    assert.equal((await run(['exp', 'pull', 'origin', 'nope'])).code, 4);
  });
});
