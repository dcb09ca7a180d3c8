// cairn-test: both-layouts (scripts/run-tests.mjs runs this file on cache layouts 2 and 1)
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { sh, writeTree } from '../helpers/cli.js';
import { cairnRepo } from '../helpers/dataRepo.js';

/** Everything `cairn add` might have touched: pointers, .gitignore files, cache objects. */
function footprint(dir: string): string {
  return sh(dir, "find . -path ./.git -prune -o \\( -name '*.cairn' -o -name .gitignore \\) -print | sort; find .cairn/cache -type f 2>/dev/null | wc -l");
}

const PIPELINE = `stages:
  train:
    cmd: sh train.sh
    deps: [in.txt, train.sh]
    outs: [model.pkl, data/features]
    metrics:
      - metrics.json:
          cache: false
    plots: [plots/loss.csv]
`;

const TRAIN = 'mkdir -p data/features plots && cp in.txt model.pkl && cp in.txt data/features/f.csv && echo \'{"acc": 1}\' > metrics.json && echo step,loss > plots/loss.csv\n';

describe('cairn add, remove and move do not fight the pipeline over a stage output', async () => {
  const repo = await cairnRepo();
  after(() => repo.cleanup());
  writeTree(repo.dir, { 'in.txt': 'x\n', 'train.sh': TRAIN, 'cairn.yaml': PIPELINE, 'data/raw.csv': 'raw\n', 'notes.txt': 'mine\n' });
  assert.equal((await repo.run(['repro'])).code, 0);

  const cases: Array<{ args: string[]; message: RegExp }> = [
    { args: ['add', 'model.pkl'], message: /model\.pkl is an output of stage "train" in cairn\.yaml, so cairn add cannot track it too/ },
    { args: ['add', 'data/features/f.csv'], message: /data\/features\/f\.csv is inside data\/features, an output of stage "train" in cairn\.yaml/ },
    { args: ['add', 'data'], message: /data contains data\/features, an output of stage "train" in cairn\.yaml/ },
    { args: ['add', 'metrics.json'], message: /metrics\.json is an output of stage "train"/ },
    { args: ['add', 'plots'], message: /plots contains plots\/loss\.csv, an output of stage "train"/ },
    { args: ['add', 'notes.txt', 'model.pkl'], message: /model\.pkl is an output of stage "train"/ },
  ];
  for (const c of cases) {
    it(`refuses \`cairn ${c.args.join(' ')}\` (exit 5), naming the stage and the file, and changes nothing`, async () => {
      const before = footprint(repo.dir);
      const r = await repo.run(c.args);
      assert.equal(r.code, 5, r.stderr);
      assert.match(r.stderr, c.message);
      assert.match(r.stderr, /hint: /);
      assert.equal(footprint(repo.dir), before);
    });
  }

  it('says how to record a stage output instead: the stage does it', async () => {
    const r = await repo.run(['add', 'model.pkl', '--json']);
    const { error } = JSON.parse(r.stdout);
    assert.equal(error.code, 'CONFLICT');
    assert.match(error.hint, /tracked by the stage: run `cairn repro train`/);
  });

  it('adds paths no stage produces', async () => {
    assert.equal((await repo.run(['add', 'data/raw.csv', 'notes.txt'])).code, 0);
    assert.ok(existsSync(path.join(repo.dir, 'notes.txt.cairn')));
  });

  it('a pipeline that does not load does not block add of unrelated data, and says outputs were not checked', async () => {
    const good = readFileSync(path.join(repo.dir, 'cairn.yaml'), 'utf8');
    writeTree(repo.dir, { 'cairn.yaml': 'stages: [oops', 'more.txt': 'more\n' });
    try {
      const r = await repo.run(['add', 'more.txt']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /warning: stage outputs were not checked/);
    } finally {
      writeTree(repo.dir, { 'cairn.yaml': good });
    }
  });

  /** Tracks paths with a pointer as if that had happened before the stage declared them (add refuses it now). */
  const addBeforePipeline = async (paths: string[]) => {
    const yaml = readFileSync(path.join(repo.dir, 'cairn.yaml'), 'utf8');
    rmSync(path.join(repo.dir, 'cairn.yaml'));
    try {
      const r = await repo.run(['add', ...paths]);
      assert.equal(r.code, 0, r.stderr);
    } finally {
      writeFileSync(path.join(repo.dir, 'cairn.yaml'), yaml);
    }
  };
  const gitSees = () => sh(repo.dir, 'git status --porcelain --untracked-files=all');

  it('remove of a pointer at a stage output keeps its .gitignore entry, so `git add -A` still skips the output', async () => {
    await addBeforePipeline(['model.pkl']);
    const r = await repo.run(['remove', 'model.pkl']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!existsSync(path.join(repo.dir, 'model.pkl.cairn')));
    assert.match(readFileSync(path.join(repo.dir, '.gitignore'), 'utf8'), /^\/model\.pkl$/m);
    assert.doesNotMatch(gitSees(), /model\.pkl\b(?!\.)/);
    assert.match(r.stdout, /model\.pkl stays in \.gitignore: it is an output of stage "train" in cairn\.yaml/);
    assert.doesNotMatch(r.stdout, /Git no longer ignores it/);
    const json = JSON.parse((await (async () => { await addBeforePipeline(['model.pkl']); return repo.run(['remove', 'model.pkl', '--json']); })()).stdout);
    assert.deepEqual(json.removed[0].keptIgnored, { output: 'model.pkl', stage: 'train', file: 'cairn.yaml' });
    assert.equal(json.removed[0].gitignore, null);
  });

  it('remove of a folder that holds a stage output gives the output an entry of its own', async () => {
    rmSync(path.join(repo.dir, 'data/raw.csv.cairn'));
    sh(repo.dir, "sed -i '/raw.csv/d' data/.gitignore");
    await addBeforePipeline(['data']);
    rmSync(path.join(repo.dir, 'data/.gitignore'), { force: true });
    const r = await repo.run(['remove', 'data', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const [removed] = JSON.parse(r.stdout).removed;
    assert.equal(removed.gitignore, '.gitignore');
    assert.deepEqual(removed.outputsIgnored, ['data/.gitignore']);
    const seen = gitSees();
    assert.match(seen, /data\/raw\.csv/, 'the folder itself is no longer ignored');
    assert.doesNotMatch(seen, /data\/features/, 'but the stage output inside it is');
  });

  it('move refuses a stage output as destination, and keeps the entry of a source that is one', async () => {
    const r = await repo.run(['move', 'notes.txt', 'data/features/notes.txt']);
    assert.equal(r.code, 5, r.stderr);
    assert.match(r.stderr, /data\/features\/notes\.txt is inside data\/features, an output of stage "train" in cairn\.yaml, so cairn move cannot track it too/);
    assert.ok(existsSync(path.join(repo.dir, 'notes.txt.cairn')));
    await addBeforePipeline(['model.pkl']);
    const mv = await repo.run(['move', 'model.pkl', 'model-copy.pkl']);
    assert.equal(mv.code, 0, mv.stderr);
    assert.match(readFileSync(path.join(repo.dir, '.gitignore'), 'utf8'), /^\/model\.pkl$/m);
  });
});
