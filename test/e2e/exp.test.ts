import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { sh } from '../helpers/cli.js';
import { expRepo, PARAMS_YAML } from '../helpers/expRepo.js';

const json = (r: { stdout: string }) => JSON.parse(r.stdout);
type Repo = Awaited<ReturnType<typeof expRepo>>;
const refs = (repo: Repo) => sh(repo.dir, 'git for-each-ref --format="%(refname)" refs/cairn/', repo.env).split('\n').filter(Boolean);
const untouched = (repo: Repo) => {
  assert.equal(sh(repo.dir, 'git status --porcelain', repo.env), '', 'the workspace is untouched');
  assert.equal(readFileSync(path.join(repo.dir, 'params.yaml'), 'utf8'), PARAMS_YAML);
  assert.equal(sh(repo.dir, 'git worktree list', repo.env).trim().split('\n').length, 1, 'no worktree is left behind');
  const exps = path.join(repo.dir, '.cairn/tmp/exps');
  assert.deepEqual(existsSync(exps) ? readdirSync(exps) : [], []);
};

describe('cairn exp run', () => {
  it('runs with -S in an isolated copy and saves a commit on refs/cairn/exps/NAME, leaving the workspace alone', async (t) => {
    const repo = await expRepo();
    t.after(() => repo.cleanup());
    const head = sh(repo.dir, 'git rev-parse HEAD', repo.env).trim();
    const r = await repo.run(['exp', 'run', '-n', 'slow-lr', '-S', 'train.lr=0.05']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /trained 0\.05 3 0\.9/);
    assert.match(r.stdout, /experiment slow-lr saved \([0-9a-f]{7}; 1 stage\(s\) ran/);
    untouched(repo);
    assert.deepEqual(refs(repo), ['refs/cairn/exps/slow-lr']);
    assert.equal(sh(repo.dir, 'git rev-parse refs/cairn/exps/slow-lr^', repo.env).trim(), head, 'the baseline is its parent');
    assert.match(sh(repo.dir, 'git show refs/cairn/exps/slow-lr:params.yaml', repo.env), /lr: 0\.05 # learning rate/, 'comments kept');
    assert.match(sh(repo.dir, 'git show refs/cairn/exps/slow-lr:metrics.json', repo.env), /"score": 0\.9/);
    assert.equal(sh(repo.dir, 'git rev-parse HEAD', repo.env).trim(), head, 'HEAD did not move');
  });

  it('includes uncommitted code changes, and --in-place runs in the workspace without touching the index', async (t) => {
    const repo = await expRepo();
    t.after(() => repo.cleanup());
    writeFileSync(path.join(repo.dir, 'params.yaml'), PARAMS_YAML.replace('depth: 3', 'depth: 4'));
    const r = await repo.run(['exp', 'run', '-n', 'dirty', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(json(r).experiments[0].metrics['metrics.json'].score, 0.95);
    const inPlace = await repo.run(['exp', 'run', '-n', 'here', '--in-place', '-S', 'train.lr=0.05']);
    assert.equal(inPlace.code, 0, inPlace.stderr);
    assert.match(readFileSync(path.join(repo.dir, 'params.yaml'), 'utf8'), /lr: 0\.05/);
    assert.match(readFileSync(path.join(repo.dir, 'metrics.json'), 'utf8'), /"score": 1/);
    assert.equal(sh(repo.dir, 'git diff --cached --name-only', repo.env), '', 'nothing staged in the user index');
    assert.match(sh(repo.dir, 'git show refs/cairn/exps/here:metrics.json', repo.env), /"score": 1/);
  });

  it('expands a grid of sweeps, runs -j 2 at once with prefixed output, and generates unique names', async (t) => {
    const repo = await expRepo();
    t.after(() => repo.cleanup());
    const r = await repo.run(['exp', 'run', '-S', 'train.lr=0.1,0.05', '-S', 'train.depth=range(3,6,2)', '-j', '2', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const exps = json(r).experiments as Array<{ name: string; params: Record<string, Record<string, unknown>> }>;
    assert.equal(exps.length, 4);
    assert.equal(new Set(exps.map((e) => e.name)).size, 4);
    for (const e of exps) assert.match(e.name, /^[a-z]+-[a-z]+$/);
    assert.deepEqual(exps.map((e) => [e.params['params.yaml']['train.lr'], e.params['params.yaml']['train.depth']]).sort(), [[0.05, 3], [0.05, 5], [0.1, 3], [0.1, 5]]);
    assert.match(r.stderr, /^\[[a-z]+-[a-z]+\] trained 0\.\d+ \d 0\.\d+$/m, 'whole lines, prefixed with the experiment');
    untouched(repo);
  });

  it('refuses bad input and changes nothing: malformed -S, unknown param, existing name, bad name, --in-place with a grid', async (t) => {
    const repo = await expRepo();
    t.after(() => repo.cleanup());
    assert.equal((await repo.run(['exp', 'run', '-n', 'taken'])).code, 0);
    const cases: Array<[string[], number, RegExp]> = [
      [['exp', 'run', '-S', 'train.lr'], 2, /bad -S override "train\.lr": no "="/],
      [['exp', 'run', '-S', 'train.lr=range(1,2,0)'], 2, /step must not be 0/],
      [['exp', 'run', '-S', 'train.lrr=0.3'], 4, /param train\.lrr is not in params\.yaml[\s\S]*did you mean train\.lr\?/],
      [['exp', 'run', '-S', '+train.lr=0.3'], 5, /already in params\.yaml/],
      [['exp', 'run', '-n', 'taken'], 5, /an experiment named "taken" exists already[\s\S]*cairn exp remove taken/],
      [['exp', 'run', '-n', '-bad'], 2, /cannot be an experiment name|unknown option/],
      [['exp', 'run', '-n', 'a..b'], 2, /cannot be an experiment name/],
      [['exp', 'run', '--in-place', '-S', 'train.lr=1,2'], 2, /--in-place runs one experiment/],
      [['exp', 'run', '-j', '0'], 2, /--jobs must be a whole number/],
    ];
    for (const [args, code, pattern] of cases) {
      const r = await repo.run(args);
      assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, pattern, args.join(' '));
    }
    assert.deepEqual(refs(repo), ['refs/cairn/exps/taken']);
    untouched(repo);
  });

  it('a failing stage saves nothing and says why', async (t) => {
    const repo = await expRepo();
    t.after(() => repo.cleanup());
    writeFileSync(path.join(repo.dir, 'train.py'), 'import sys\nprint("boom")\nsys.exit(3)\n');
    sh(repo.dir, 'git commit -qam broken', repo.env);
    const r = await repo.run(['exp', 'run', '-n', 'broken']);
    assert.equal(r.code, 12);
    assert.match(r.stderr, /experiment broken failed/);
    assert.deepEqual(refs(repo), []);
    untouched(repo);
  });
});

describe('cairn exp show, diff, apply, branch, remove', () => {
  it('tabulates experiments under their baseline, sorts, filters, fits 80 columns, and exports', async (t) => {
    const repo = await expRepo();
    t.after(() => repo.cleanup());
    for (const [name, lr] of [['a-low', '0.01'], ['b-best', '0.05'], ['c-high', '0.3']]) assert.equal((await repo.run(['exp', 'run', '-n', name, '-S', `train.lr=${lr}`])).code, 0);
    const show = await repo.run(['exp', 'show']);
    assert.equal(show.code, 0, show.stderr);
    const lines = show.stdout.split('\n');
    assert.match(lines[0], /^Experiment\s+loss\s+score\s+train\.depth\s+train\.lr\s+train\.py$/);
    assert.match(lines[1], /^workspace\s/);
    assert.match(lines[2], /^[0-9a-f]{7} \(main\)\s/);
    assert.match(show.stdout, /├── \S+[\s\S]*└── \S+/);
    const sorted = await repo.run(['exp', 'show', '--sort-by', 'metrics.score']);
    assert.deepEqual(sorted.stdout.split('\n').filter((l) => /── /.test(l)).map((l) => l.split(/\s+/)[1]), ['b-best', 'a-low', 'c-high']);
    const filtered = await repo.run(['exp', 'show', '--filter', 'metrics.score >= 0.9 or params.train.lr = \'0.3\'', '--json']);
    assert.deepEqual(json(filtered).filter((r: { kind: string }) => r.kind === 'experiment').map((r: { label: string }) => r.label).sort(), ['b-best', 'c-high']);
    const narrow = await repo.run(['exp', 'show', '--width', '40']);
    for (const l of narrow.stdout.split('\n')) assert.ok(l.length <= 40, `"${l}" fits 40 columns`);
    assert.match(narrow.stdout, /more column/);
    const changed = await repo.run(['exp', 'show', '--only-changed', '--csv']);
    assert.equal(changed.stdout.split('\n')[0], 'Experiment,kind,commit,baseline,metrics.metrics.json:loss,metrics.metrics.json:score,params.params.yaml:train.lr');
    const badFilter = await repo.run(['exp', 'show', '--filter', 'metrics.score >> 1']);
    assert.equal(badFilter.code, 2);
    assert.match(badFilter.stderr, /column 16[\s\S]*\^/);
    const badSort = await repo.run(['exp', 'show', '--sort-by', 'nope']);
    assert.equal(badSort.code, 4);
  });

  it('diffs two experiments or one against its baseline, and names an unknown one', async (t) => {
    const repo = await expRepo();
    t.after(() => repo.cleanup());
    await repo.run(['exp', 'run', '-n', 'x', '-S', 'train.lr=0.05']);
    await repo.run(['exp', 'run', '-n', 'y', '-S', 'train.depth=4']);
    const one = await repo.run(['exp', 'diff', 'x', '--json']);
    assert.equal(one.code, 0, one.stderr);
    assert.deepEqual(json(one).params.map((r: { key: string; old: unknown; new: unknown }) => [r.key, r.old, r.new]), [['train.lr', 0.1, 0.05]]);
    const two = await repo.run(['exp', 'diff', 'x', 'y']);
    assert.match(two.stdout, /metrics\s+metrics\.json\s+score\s+0\.9\s+0\.95\s+\+0\.05/);
    const missing = await repo.run(['exp', 'diff', 'xx']);
    assert.equal(missing.code, 4);
    assert.match(missing.stderr, /no experiment named "xx"[\s\S]*did you mean "x"/);
  });

  it('applies an experiment (params, code, outputs), refusing to overwrite local changes without --force', async (t) => {
    const repo = await expRepo();
    t.after(() => repo.cleanup());
    await repo.run(['exp', 'run', '-n', 'best', '-S', 'train.lr=0.05', '-S', 'train.depth=4']);
    writeFileSync(path.join(repo.dir, 'params.yaml'), PARAMS_YAML + '# mine\n');
    const refused = await repo.run(['exp', 'apply', 'best']);
    assert.equal(refused.code, 5);
    assert.match(refused.stderr, /local changes to 1 file\(s\)[\s\S]*params\.yaml/);
    assert.match(readFileSync(path.join(repo.dir, 'params.yaml'), 'utf8'), /# mine/, 'nothing changed');
    const applied = await repo.run(['exp', 'apply', 'best', '--force']);
    assert.equal(applied.code, 0, applied.stderr);
    assert.match(readFileSync(path.join(repo.dir, 'params.yaml'), 'utf8'), /lr: 0\.05 # learning rate\n  depth: 4/);
    assert.equal(readFileSync(path.join(repo.dir, 'model.txt'), 'utf8'), 'model lr=0.05 depth=4\n', 'the cached output is checked out');
    assert.match(readFileSync(path.join(repo.dir, 'metrics.json'), 'utf8'), /"score": 1/);
    assert.match((await repo.run(['status'])).stdout, /all up to date/);
  });

  it('makes a branch from an experiment and removes experiments (all names checked first)', async (t) => {
    const repo = await expRepo();
    t.after(() => repo.cleanup());
    await repo.run(['exp', 'run', '-n', 'keep']);
    await repo.run(['exp', 'run', '-n', 'drop', '-S', 'train.depth=5']);
    assert.equal((await repo.run(['exp', 'branch', 'keep', 'tuned'])).code, 0);
    assert.equal(sh(repo.dir, 'git rev-parse tuned', repo.env), sh(repo.dir, 'git rev-parse refs/cairn/exps/keep', repo.env));
    assert.equal((await repo.run(['exp', 'branch', 'keep', 'tuned'])).code, 5);
    const typo = await repo.run(['exp', 'remove', 'drop', 'nope']);
    assert.equal(typo.code, 4);
    assert.equal(refs(repo).length, 2, 'a typo removes nothing');
    assert.equal((await repo.run(['exp', 'remove', 'drop'])).code, 0);
    assert.deepEqual(refs(repo), ['refs/cairn/exps/keep']);
    assert.equal((await repo.run(['exp', 'remove'])).code, 2);
  });
});
