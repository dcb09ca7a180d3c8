import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cairn, tempGitRepo, writeTree } from '../helpers/cli.js';

const read = (dir: string, rel: string) => readFileSync(path.join(dir, rel), 'utf8');

const PIPELINE = `stages:
  prepare:
    cmd: mkdir -p data && tr a-z A-Z < src/in.txt > data/up.txt && echo prepared
    deps: [src/in.txt]
    outs: [data/up.txt]
  train:
    cmd: (cat data/up.txt; echo "lr=$(grep lr params.yaml)") > model.txt && echo trained
    deps: [data/up.txt]
    params: [lr]
    outs: [model.txt]
`;

describe('cairn repro: what runs and why', () => {
  const repo = tempGitRepo();
  after(() => repo.cleanup());
  const run = (...args: string[]) => cairn(repo.dir, ['repro', ...args], repo.env);

  before(async () => {
    assert.equal((await cairn(repo.dir, ['init'], repo.env)).code, 0);
    writeTree(repo.dir, { 'src/in.txt': 'hello\n', 'params.yaml': 'lr: 0.1\nother: 1\n', 'cairn.yaml': PIPELINE });
  });

  it('--dry on a fresh pipeline says every stage would run and changes nothing', async () => {
    const r = await run('--dry');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Would run stage 'prepare': never run/);
    assert.match(r.stdout, /Would run stage 'train': never run/);
    assert.ok(!existsSync(path.join(repo.dir, 'cairn.lock')));
    assert.ok(!existsSync(path.join(repo.dir, 'data')));
  });

  it('runs every stage upstream first, writes a sorted cairn.lock and ignores cached outputs in Git', async () => {
    const r = await run();
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.indexOf('prepared') < r.stdout.indexOf('trained'));
    assert.match(r.stdout, /ran: prepare, train/);
    assert.equal(read(repo.dir, 'model.txt'), 'HELLO\nlr=lr: 0.1\n');
    const lock = read(repo.dir, 'cairn.lock');
    assert.ok(lock.startsWith("schema: '1'\nstages:\n  prepare:\n"));
    assert.match(lock, /params:\n      params.yaml:\n        lr: 0.1\n/);
    assert.match(read(repo.dir, 'data/.gitignore'), /^\/up.txt$/m);
    assert.match(read(repo.dir, '.gitignore'), /^\/model.txt$/m);
    assert.match(r.stdout, /git add .*cairn.lock/);
    assert.ok(existsSync(path.join(repo.dir, '.cairn/tmp/logs/prepare.log')));
  });

  it('a second run does nothing and leaves cairn.lock byte-identical', async () => {
    const before = read(repo.dir, 'cairn.lock');
    const r = await run();
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /up to date: prepare, train/);
    assert.doesNotMatch(r.stdout, /trained/);
    assert.equal(read(repo.dir, 'cairn.lock'), before);
  });

  it('a changed param value reruns only the stage that uses it; an untracked key changes nothing', async () => {
    writeFileSync(path.join(repo.dir, 'params.yaml'), 'lr: 0.1\nother: 2\n');
    assert.match((await run()).stdout, /up to date: prepare, train/);
    writeFileSync(path.join(repo.dir, 'params.yaml'), 'lr: 0.2\nother: 2\n');
    const dry = await run('--dry', '--json');
    const data = JSON.parse(dry.stdout);
    assert.equal(data.dry, true);
    assert.deepEqual(data.stages.map((s: { stage: string; outcome: string }) => [s.stage, s.outcome]), [['prepare', 'up-to-date'], ['train', 'would-run']]);
    assert.equal(data.stages[1].reasons[0].kind, 'params');
    const r = await run();
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /ran: train\n/);
    assert.match(r.stderr, /param lr \(params.yaml\) changed: 0.1 -> 0.2/);
    assert.equal(read(repo.dir, 'model.txt'), 'HELLO\nlr=lr: 0.2\n');
  });

  it('inputs seen before are restored from the run cache instead of running', async () => {
    writeFileSync(path.join(repo.dir, 'params.yaml'), 'lr: 0.1\nother: 2\n');
    const r = await run('--json');
    assert.equal(r.code, 0, r.stderr);
    const data = JSON.parse(r.stdout);
    assert.equal(data.stages.find((s: { stage: string }) => s.stage === 'train').outcome, 'restored');
    assert.match(r.stderr, /restored from run cache/);
    assert.doesNotMatch(r.stderr, /trained/);
    assert.equal(read(repo.dir, 'model.txt'), 'HELLO\nlr=lr: 0.1\n');
    assert.match(read(repo.dir, 'cairn.lock'), /lr: 0.1/);
  });

  it('--no-run-cache and -f run the command again', async () => {
    writeFileSync(path.join(repo.dir, 'params.yaml'), 'lr: 0.2\nother: 2\n');
    const r = await run('--no-run-cache');
    assert.match(r.stdout, /ran: train/);
    const f = await run('-f', '-s', 'train');
    assert.equal(f.code, 0, f.stderr);
    assert.match(f.stdout, /^ran: train$/m);
    assert.doesNotMatch(f.stdout, /prepare/);
  });

  it('a modified output makes its stage run again (here: restored, as its inputs were seen before)', async () => {
    writeFileSync(path.join(repo.dir, 'model.txt'), 'tampered');
    const dry = await run('--dry');
    assert.match(dry.stdout, /Would run stage 'train': output model.txt modified/);
    assert.match((await run()).stdout, /restored from run cache: train/);
    assert.equal(read(repo.dir, 'model.txt'), 'HELLO\nlr=lr: 0.2\n');
  });

  it('a changed dependency reruns the stage and, with new outputs, its downstream', async () => {
    writeFileSync(path.join(repo.dir, 'src/in.txt'), 'world\n');
    const dry = await run('--dry');
    assert.match(dry.stdout, /Would run stage 'prepare': dependency src\/in.txt modified/);
    assert.match(dry.stdout, /Would run stage 'train': upstream stage prepare runs first/);
    const r = await run();
    assert.match(r.stdout, /ran: prepare, train/);
    assert.equal(read(repo.dir, 'model.txt'), 'WORLD\nlr=lr: 0.2\n');
  });

  it('--downstream selects a stage and what depends on it; -s only the target', async () => {
    const d = await run('prepare', '--downstream', '-f', '--dry', '--json');
    assert.deepEqual(JSON.parse(d.stdout).stages.map((s: { stage: string }) => s.stage), ['prepare', 'train']);
    const up = await run('train', '--dry', '--json');
    assert.deepEqual(JSON.parse(up.stdout).stages.map((s: { stage: string }) => s.stage), ['prepare', 'train']);
    const s = await run('train', '-s', '--dry', '--json');
    assert.deepEqual(JSON.parse(s.stdout).stages.map((x: { stage: string }) => x.stage), ['train']);
  });

  it('an unknown target is an error with a suggestion', async () => {
    const r = await run('trian');
    assert.equal(r.code, 4);
    assert.match(r.stderr, /no stage named "trian"/);
    assert.match(r.stderr, /did you mean "train"/);
  });

  it('a bad --jobs value is a usage error', async () => {
    const r = await run('-j', 'zero');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--jobs must be a whole number/);
  });
});

describe('cairn repro: stage options', () => {
  const repo = tempGitRepo();
  after(() => repo.cleanup());
  const run = (...args: string[]) => cairn(repo.dir, ['repro', ...args], repo.env);

  before(async () => {
    assert.equal((await cairn(repo.dir, ['init'], repo.env)).code, 0);
    writeTree(repo.dir, {
      'in.txt': 'x\n',
      'cairn.yaml': `stages:
  clean:
    cmd: test ! -e clean.out && echo new > clean.out
    deps: [in.txt]
    outs: [clean.out]
  keep:
    cmd: echo line >> keep.out
    deps: [in.txt]
    outs:
      - keep.out:
          persist: true
  ice:
    cmd: echo ice > ice.out
    deps: [in.txt]
    outs: [ice.out]
    frozen: true
  always:
    cmd: echo tick >> ticks.txt
    always_changed: true
  meta:
    cmd: echo 1 > m.json
    deps: [in.txt]
    metrics:
      - m.json:
          cache: false
  sub:
    cmd: pwd > where.txt
    wdir: sub
    deps: [../in.txt]
    outs: [where.txt]
`,
      'sub/.keep': '',
    });
  });

  it('deletes non-persistent outputs before running, keeps persistent ones, never runs a frozen stage', async () => {
    assert.equal((await run()).code, 0);
    writeFileSync(path.join(repo.dir, 'in.txt'), 'y\n');
    const r = await run();
    assert.equal(r.code, 0, r.stderr);
    assert.equal(read(repo.dir, 'clean.out'), 'new\n');
    assert.equal(read(repo.dir, 'keep.out'), 'line\nline\n');
    assert.ok(!existsSync(path.join(repo.dir, 'ice.out')));
    assert.match(r.stdout, /frozen: ice/);
    assert.match(r.stderr, /Stage 'ice' is frozen/);
  });

  it('always_changed runs every time; an uncached metrics file is hashed but not ignored', async () => {
    const r = await run('always', 'meta');
    assert.match(r.stdout, /ran: always/);
    assert.match(r.stdout, /up to date: meta/);
    assert.equal(read(repo.dir, 'ticks.txt'), 'tick\ntick\ntick\n');
    assert.match(read(repo.dir, 'cairn.lock'), /path: m.json\n\s+oid: [0-9a-f]{64}\n\s+size: \d+\n\s+cache: false/);
    assert.doesNotMatch(read(repo.dir, '.gitignore'), /m.json/);
  });

  it('runs a stage in its wdir', async () => {
    assert.equal(read(repo.dir, 'sub/where.txt').trim(), path.join(repo.dir, 'sub'));
  });
});

describe('cairn repro: bad input changes nothing', () => {
  const repo = tempGitRepo();
  after(() => repo.cleanup());
  const run = (...args: string[]) => cairn(repo.dir, ['repro', ...args], repo.env);
  before(async () => {
    assert.equal((await cairn(repo.dir, ['init'], repo.env)).code, 0);
    writeTree(repo.dir, { 'in.txt': 'x\n' });
  });
  const lockText = () => (existsSync(path.join(repo.dir, 'cairn.lock')) ? read(repo.dir, 'cairn.lock') : null);

  it('no cairn.yaml: says how to add a stage', async () => {
    const r = await run();
    assert.equal(r.code, 4);
    assert.match(r.stderr, /no stages to reproduce/);
    assert.match(r.stderr, /cairn stage add/);
  });

  it('a missing dep names the stage and the path', async () => {
    writeTree(repo.dir, { 'cairn.yaml': 'stages:\n  s:\n    cmd: echo hi > o.txt\n    deps: [nope.txt]\n    outs: [o.txt]\n' });
    const r = await run();
    assert.equal(r.code, 3);
    assert.match(r.stderr, /stage "s" depends on "nope.txt", which does not exist/);
    assert.equal(lockText(), null);
    assert.ok(!existsSync(path.join(repo.dir, 'o.txt')));
  });

  it('a failing command: exit 12, the exit code and last lines reported, the log kept, the lock untouched', async () => {
    writeTree(repo.dir, { 'cairn.yaml': 'stages:\n  s:\n    cmd: for i in $(seq 1 40); do echo out$i; done; exit 3\n    deps: [in.txt]\n    outs: [o.txt]\n' });
    const r = await run();
    assert.equal(r.code, 12, r.stderr);
    assert.match(r.stderr, /stage 's' failed: .* exited with code 3/);
    assert.match(r.stderr, /last 20 lines of its output:\n {2}\| out21\n/);
    assert.match(r.stderr, /\| out40\n/);
    assert.doesNotMatch(r.stderr, /\| out20\n/);
    assert.match(read(repo.dir, '.cairn/tmp/logs/s.log'), /out1\n/);
    assert.equal(lockText(), null);
    const json = await run('--json');
    assert.equal(json.code, 12);
    const data = JSON.parse(json.stdout);
    assert.equal(data.error.code, 'STAGE_FAILED');
    assert.deepEqual(data.failed, ['s']);
    assert.equal(data.stages[0].exitCode, 3);
  });

  it('a command that is not found: exit 12 and says so', async () => {
    writeTree(repo.dir, { 'cairn.yaml': 'stages:\n  s:\n    cmd: no-such-tool-here --go\n    deps: [in.txt]\n    outs: [o.txt]\n' });
    const r = await run();
    assert.equal(r.code, 12);
    assert.match(r.stderr, /exited with code 127 \(command not found\)/);
    assert.equal(lockText(), null);
  });

  it('an output the command did not produce is named, and the lock stays untouched', async () => {
    writeTree(repo.dir, { 'cairn.yaml': 'stages:\n  s:\n    cmd: echo hi > a.txt\n    deps: [in.txt]\n    outs: [a.txt, b.txt]\n' });
    const r = await run();
    assert.equal(r.code, 12);
    assert.match(r.stderr, /stage 's' did not produce output b.txt/);
    assert.equal(lockText(), null);
  });

  it('a params key that does not exist fails before anything runs', async () => {
    writeTree(repo.dir, {
      'params.yaml': 'a: 1\n',
      'cairn.yaml': 'stages:\n  s:\n    cmd: echo hi > a.txt\n    deps: [in.txt]\n    params: [b.c]\n    outs: [a.txt]\n',
    });
    const r = await run();
    assert.equal(r.code, 3);
    assert.match(r.stderr, /"b.c" missing from params.yaml/);
    assert.equal(lockText(), null);
  });
});
