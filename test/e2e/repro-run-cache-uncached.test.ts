// cairn-test: both-layouts (scripts/run-tests.mjs runs this file on cache layouts 2 and 1)
import assert from 'node:assert/strict';
import { accessSync, constants, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { cairn, tempGitRepo, writeTree } from '../helpers/cli.js';

// The usual training stage: a cached model and a `cache: false` metrics file kept in Git. The command appends to a
// run counter outside the outputs, so a restore (no run) is visible.
const PIPELINE = `stages:
  train:
    cmd: sh train.sh
    deps: [lr.txt, train.sh]
    outs: [model.bin]
    metrics:
      - metrics.json:
          cache: false
`;

describe('the run cache restores stages with cache: false outputs', () => {
  it('change a param, repro, change it back, repro: restored, not rerun, metrics.json as it was', async (t) => {
    const repo = tempGitRepo();
    t.after(() => repo.cleanup());
    writeTree(repo.dir, {
      'cairn.yaml': PIPELINE, 'lr.txt': '0.1\n',
      'train.sh': 'echo run >> runs.log\necho "model lr=$(cat lr.txt)" > model.bin\necho "{\\"lr\\": $(cat lr.txt), \\"run\\": $(wc -l < runs.log)}" > metrics.json\n',
    });
    assert.equal((await cairn(repo.dir, ['init'], repo.env)).code, 0);
    const repro = async () => {
      const r = await cairn(repo.dir, ['repro', '--json'], repo.env);
      assert.equal(r.code, 0, r.stderr);
      return JSON.parse(r.stdout).stages[0].outcome as string;
    };
    const read = (f: string) => readFileSync(path.join(repo.dir, f), 'utf8');

    assert.equal(await repro(), 'ran');
    const first = read('metrics.json');
    assert.equal(first, '{"lr": 0.1, "run": 1}\n');
    writeFileSync(path.join(repo.dir, 'lr.txt'), '0.2\n');
    assert.equal(await repro(), 'ran');
    assert.equal(read('metrics.json'), '{"lr": 0.2, "run": 2}\n');
    writeFileSync(path.join(repo.dir, 'lr.txt'), '0.1\n');
    assert.equal(await repro(), 'restored');
    assert.equal(read('metrics.json'), first);
    assert.equal(read('model.bin'), 'model lr=0.1\n');
    assert.equal(read('runs.log'), 'run\nrun\n');
    // The restored metrics file is a plain file the next run (or the user) can overwrite, and stays out of .gitignore.
    accessSync(path.join(repo.dir, 'metrics.json'), constants.W_OK);
    assert.doesNotMatch(read('.gitignore'), /metrics\.json/);
    const status = await cairn(repo.dir, ['status'], repo.env);
    assert.match(status.stdout, /all up to date/);
  });

  it('a persist: true output still disqualifies the stage', async (t) => {
    const repo = tempGitRepo();
    t.after(() => repo.cleanup());
    writeTree(repo.dir, {
      'cairn.yaml': 'stages:\n  s:\n    cmd: echo run >> runs.log && cat lr.txt >> acc.txt\n    deps: [lr.txt]\n    outs:\n      - acc.txt: {persist: true}\n',
      'lr.txt': '1\n',
    });
    assert.equal((await cairn(repo.dir, ['init'], repo.env)).code, 0);
    for (const lr of ['1\n', '2\n', '1\n']) {
      writeFileSync(path.join(repo.dir, 'lr.txt'), lr);
      const r = await cairn(repo.dir, ['repro'], repo.env);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /ran: s/);
    }
    assert.equal(readFileSync(path.join(repo.dir, 'runs.log'), 'utf8'), 'run\nrun\nrun\n');
  });
});
