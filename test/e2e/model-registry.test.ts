import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cairn, sh, tempGitRepo } from '../helpers/cli.js';

/** Tags as GTO creates them: `git tag -a NAME -m MESSAGE REF`, the tagger from GIT_COMMITTER_*. */
function gtoTag(dir: string, env: Record<string, string>, name: string, message: string, ref = 'HEAD', when?: string): void {
  sh(dir, `git tag -a '${name}' -m "${message}" ${ref}`, { ...env, GIT_COMMITTER_NAME: 'Gto User', GIT_COMMITTER_EMAIL: 'gto@example.invalid', ...(when ? { GIT_COMMITTER_DATE: when } : {}) });
}

const tags = (dir: string, env: Record<string, string>) => sh(dir, 'git tag -l', env).split('\n').filter(Boolean).sort();

describe('cairn model: register, promote, demote, deprecate, show, history', () => {
  let repo: ReturnType<typeof tempGitRepo>;
  const run = (args: string[]) => cairn(repo.dir, args, repo.env);
  before(async () => {
    repo = tempGitRepo();
    assert.equal((await run(['init', '-q'])).code, 0);
    writeFileSync(path.join(repo.dir, 'model.pkl'), 'weights-1');
    writeFileSync(path.join(repo.dir, 'metrics.json'), JSON.stringify({ accuracy: 0.93, latency_ms: 12 }));
    writeFileSync(path.join(repo.dir, 'cairn.yaml'), 'metrics: [metrics.json]\nartifacts:\n  churn:\n    path: model.pkl\n    type: model\n    desc: Churn classifier\n    labels: [tabular]\n');
    assert.equal((await run(['add', '-q', 'model.pkl'])).code, 0);
    sh(repo.dir, 'git add -A && git commit -qm one', repo.env);
  });
  after(() => repo.cleanup());

  it('registers v0.0.1 with the path, oid, metrics and cairn.yaml metadata in the tag message', async () => {
    const r = await run(['model', 'register', 'churn', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.version, 'v0.0.1');
    assert.equal(out.tag, 'churn@v0.0.1');
    const pointer = sh(repo.dir, 'cat model.pkl.cairn', repo.env);
    assert.match(pointer, new RegExp(out.metadata.oid));
    assert.deepEqual(out.metadata.metrics, { accuracy: 0.93, latency_ms: 12 });
    assert.equal(out.metadata.desc, 'Churn classifier');
    assert.deepEqual(out.metadata.labels, ['tabular']);
    const message = sh(repo.dir, "git tag -l --format='%(contents)' churn@v0.0.1", repo.env);
    assert.match(message, /^Registering artifact churn version v0\.0\.1\n\ncairn-metadata: 1\n\{/);
    assert.equal(sh(repo.dir, 'git cat-file -t churn@v0.0.1', repo.env).trim(), 'tag');
  });

  it('bumps the patch by default, or the part --bump names, on later commits', async () => {
    writeFileSync(path.join(repo.dir, 'model.pkl'), 'weights-2');
    assert.equal((await run(['add', '-q', 'model.pkl'])).code, 0);
    sh(repo.dir, 'git commit -qam two', repo.env);
    let r = await run(['model', 'register', 'churn', '--bump', 'minor']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /registered churn v0\.1\.0/);
    sh(repo.dir, 'git commit -q --allow-empty -m three', repo.env);
    r = await run(['model', 'register', 'churn']);
    assert.match(r.stdout, /registered churn v0\.1\.1/);
  });

  it('promotes behind a gate, refusing with exit 14 and the failing term named', async () => {
    let r = await run(['model', 'promote', 'churn', 'v0.1.0', '--to', 'prod', '--if', 'metrics.accuracy >= 0.95 and metrics.latency_ms < 20']);
    assert.equal(r.code, 14);
    assert.match(r.stderr, /gate failed on metrics\.accuracy >= 0\.95 \(metrics\.accuracy is 0\.93\)/);
    assert.doesNotMatch(r.stderr, /latency_ms/);
    assert.ok(!tags(repo.dir, repo.env).some((t) => t.includes('#')), 'no tag was created');
    r = await run(['model', 'promote', 'churn', 'v0.1.0', '--to', 'prod', '--if', 'metrics.accuracy >= 0.9 and metrics.latency_ms < 20']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /churn v0\.1\.0 is now prod \(tag churn#prod#1\)/);
    r = await run(['model', 'promote', 'churn', 'v0.1.1', '--to', 'prod']);
    assert.match(r.stdout, /tag churn#prod#2/);
    r = await run(['model', 'promote', 'churn', 'v0.0.1', '--to', 'staging']);
    assert.match(r.stdout, /tag churn#staging#3/);
  });

  it('shows the latest version and each alias, as text and JSON', async () => {
    let r = await run(['model', 'show']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /churn\s+v0\.1\.1\s+prod=v0\.1\.1 staging=v0\.0\.1\s+3/);
    r = await run(['model', 'show', 'churn', '--json']);
    const m = JSON.parse(r.stdout);
    assert.equal(m.latest, 'v0.1.1');
    assert.deepEqual(m.aliases, { prod: 'v0.1.1', staging: 'v0.0.1' });
    assert.deepEqual(m.versions.map((v: { version: string }) => v.version), ['v0.0.1', 'v0.1.0', 'v0.1.1']);
  });

  it('demotes and deprecates with GTO tags; history lists every event with who and when', async () => {
    let r = await run(['model', 'demote', 'churn', '--from', 'staging']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /tag churn#staging!#4/);
    r = await run(['model', 'deprecate', 'churn', 'v0.1.1']);
    assert.match(r.stdout, /tag churn@v0\.1\.1!#5/);
    const m = JSON.parse((await run(['model', 'show', 'churn', '--json'])).stdout);
    assert.equal(m.latest, 'v0.1.0');
    // prod lapsed with its deprecated version v0.1.1 and falls back to v0.1.0, which still holds it; staging was demoted.
    assert.deepEqual(m.aliases, { prod: 'v0.1.0' });
    r = await run(['model', 'history', 'churn', '--json']);
    const events = JSON.parse(r.stdout).events as Array<{ action: string; tag: string; author: string; version: string }>;
    assert.deepEqual(events.map((e) => e.action), ['deregister', 'unassign', 'assign', 'assign', 'assign', 'register', 'register', 'register']);
    assert.equal(events[1].version, 'v0.0.1');
    assert.equal(events[0].author, 'Test');
    r = await run(['model', 'history', 'churn']);
    assert.match(r.stdout, /Test\s+demoted from staging\s+v0\.0\.1\s+churn#staging!#4/);
    r = await run(['model', 'deprecate', 'churn']);
    assert.match(r.stdout, /deprecated model churn \(tag churn@deprecated\)/);
    assert.equal(JSON.parse((await run(['model', 'show', 'churn', '--json'])).stdout).deprecated, true);
  });
});

describe('cairn model reads and writes tags the way GTO does', () => {
  let repo: ReturnType<typeof tempGitRepo>;
  const run = (args: string[]) => cairn(repo.dir, args, repo.env);
  before(() => {
    repo = tempGitRepo();
    writeFileSync(path.join(repo.dir, 'model.bin'), 'm');
    sh(repo.dir, 'git add -A && git commit -qm model && git commit -q --allow-empty -m two', repo.env);
    // A registry GTO wrote (no cairn init, no metadata in the messages), with its exact messages.
    gtoTag(repo.dir, repo.env, 'rf@v1.0.0', 'Registering artifact rf version v1.0.0', 'HEAD~1', '2024-01-01T10:00:00Z');
    gtoTag(repo.dir, repo.env, 'rf@v1.1.0', 'Registering artifact rf version v1.1.0', 'HEAD', '2024-01-02T10:00:00Z');
    gtoTag(repo.dir, repo.env, 'rf#prod#1', 'Assigning stage prod to artifact rf version v1.0.0', 'HEAD~1', '2024-01-03T10:00:00Z');
    gtoTag(repo.dir, repo.env, 'rf#staging#2', 'Assigning stage staging to artifact rf version v1.1.0', 'HEAD', '2024-01-04T10:00:00Z');
    gtoTag(repo.dir, repo.env, 'rf#staging!#3', "Unassigning stage 'staging' to artifact 'rf' version 'v1.1.0'", 'HEAD', '2024-01-05T10:00:00Z');
    gtoTag(repo.dir, repo.env, 'nn@v0.0.1', 'Registering artifact nn version v0.0.1', 'HEAD', '2024-01-01T10:00:00Z');
    gtoTag(repo.dir, repo.env, 'nn@deprecated', "Deprecating artifact 'nn'", 'HEAD', '2024-01-06T10:00:00Z');
    sh(repo.dir, 'git tag v9.9.9 && git tag -a release -m release', repo.env);
  });
  after(() => repo.cleanup());

  it('shows a GTO registry without cairn init: versions, aliases, deprecation, authors', async () => {
    const r = await run(['model', 'show', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const models = JSON.parse(r.stdout).models as Array<{ name: string; latest: string; aliases: Record<string, string>; deprecated: boolean; versions: Array<{ author: string; created: string }> }>;
    assert.deepEqual(models.map((m) => m.name), ['nn', 'rf']);
    const rf = models[1];
    assert.equal(rf.latest, 'v1.1.0');
    assert.deepEqual(rf.aliases, { prod: 'v1.0.0' });
    assert.equal(rf.versions[0].author, 'Gto User');
    assert.equal(rf.versions[0].created, '2024-01-01T10:00:00.000Z');
    assert.equal(models[0].deprecated, true);
  });

  it('continues GTO\'s counter and writes tags and messages GTO would', async () => {
    let r = await run(['model', 'promote', 'rf', 'v1.1.0', '--to', 'prod']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /tag rf#prod#4/);
    assert.equal(sh(repo.dir, "git tag -l --format='%(contents)' 'rf#prod#4'", repo.env).trim(), 'Assigning stage prod to artifact rf version v1.1.0');
    assert.equal(sh(repo.dir, "git rev-parse 'rf#prod#4^{commit}'", repo.env), sh(repo.dir, 'git rev-parse HEAD', repo.env));
    r = await run(['model', 'demote', 'rf', '--from', 'prod']);
    assert.match(r.stdout, /tag rf#prod!#5/);
    assert.equal(sh(repo.dir, "git tag -l --format='%(contents)' 'rf#prod!#5'", repo.env).trim(), "Unassigning stage 'prod' to artifact 'rf' version 'v1.1.0'");
    // GTO's unassignment takes prod off v1.1.0 only: v1.0.0 still holds it (rf#prod#1 was never undone).
    assert.deepEqual(JSON.parse((await run(['model', 'show', 'rf', '--json'])).stdout).aliases, { prod: 'v1.0.0' });
  });
});

describe('cairn model: bad input is refused clearly and creates no tag', () => {
  let repo: ReturnType<typeof tempGitRepo>;
  const run = (args: string[]) => cairn(repo.dir, args, repo.env);
  let before_: string[];
  before(async () => {
    repo = tempGitRepo();
    assert.equal((await run(['init', '-q'])).code, 0);
    writeFileSync(path.join(repo.dir, 'model.pkl'), 'w');
    writeFileSync(path.join(repo.dir, 'loose.txt'), 'not tracked');
    assert.equal((await run(['add', '-q', 'model.pkl'])).code, 0);
    sh(repo.dir, 'git add model.pkl.cairn .gitignore && git commit -qm one', repo.env);
    assert.equal((await run(['model', 'register', 'churn', '--path', 'model.pkl', '--version', 'v1.0.0'])).code, 0);
    before_ = tags(repo.dir, repo.env);
  });
  after(() => repo.cleanup());

  const cases: Array<[string, string[], number, RegExp]> = [
    ['a version without the leading v', ['model', 'register', 'churn', '--path', 'model.pkl', '--version', '1.2.0'], 2, /"1\.2\.0" \(--version\) is not a version\nhint: write it with a leading "v": v1\.2\.0/],
    ['a version that exists', ['model', 'register', 'churn', '--path', 'model.pkl', '--version', 'v1.0.0'], 5, /version v1\.0\.0 of "churn" exists already/],
    ['a second version on the same commit', ['model', 'register', 'churn', '--path', 'model.pkl', '--version', 'v2.0.0'], 5, /already has version v1\.0\.0/],
    ['a path that is not tracked', ['model', 'register', 'other', '--path', 'loose.txt'], 4, /loose\.txt is not tracked at commit [0-9a-f]{12}\nhint: track it first/],
    ['no path and no artifacts entry', ['model', 'register', 'other'], 2, /no path for model "other".*\nhint: give --path, or declare it in cairn\.yaml/],
    ['a bad model name', ['model', 'register', 'Churn Model', '--path', 'model.pkl'], 2, /"Churn Model" is not a valid model name\nhint: use lowercase letters/],
    ['an unknown model', ['model', 'promote', 'chrun', 'v1.0.0', '--to', 'prod'], 4, /no model "chrun" in the registry\nhint: did you mean "churn"\?/],
    ['an unknown version', ['model', 'promote', 'churn', 'v3.0.0', '--to', 'prod'], 4, /model "churn" has no version v3\.0\.0\nhint: its versions: v1\.0\.0/],
    ['an alias with spaces', ['model', 'promote', 'churn', 'v1.0.0', '--to', 'my prod'], 2, /"my prod" is not a valid alias\nhint: an alias has no spaces/],
    ['a gate that does not parse', ['model', 'promote', 'churn', 'v1.0.0', '--to', 'prod', '--if', 'metrics.acc >>= 0.9'], 2, /--if: bad filter at column/],
    ['a gate on a version without metrics', ['model', 'promote', 'churn', 'v1.0.0', '--to', 'prod', '--if', 'metrics.acc > 0.9'], 14, /the version has no metrics\.acc\)\nhint: the version has no metrics snapshot/],
    ['demoting an alias that points nowhere', ['model', 'demote', 'churn', '--from', 'prod'], 4, /alias "prod" of "churn" points at no version/],
    ['a bad --bump', ['model', 'register', 'churn', '--bump', 'huge'], 2, /--bump huge: expected major, minor or patch/],
    ['--push without a Git remote', ['model', 'register', 'churn', '--path', 'model.pkl', '--push'], 2, /--push needs a Git remote/],
  ];
  for (const [what, args, code, pattern] of cases) {
    it(`refuses ${what}`, async () => {
      const r = await run(args);
      assert.equal(r.code, code, r.stderr);
      assert.match(r.stderr, pattern);
      assert.deepEqual(tags(repo.dir, repo.env), before_, 'no tag was created');
    });
  }

  it('--json errors carry the code, message and hint', async () => {
    const r = await run(['model', 'show', 'nope', '--json']);
    assert.equal(r.code, 4);
    const e = JSON.parse(r.stdout || r.stderr).error;
    assert.equal(e.code, 'NOT_FOUND');
    assert.match(e.hint, /cairn model register/);
  });
});
