// cairn-test: both-layouts (scripts/run-tests.mjs runs this file on cache layouts 2 and 1)
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cairn, sh, tempGitRepo, writeTree } from '../helpers/cli.js';
import { storedOids } from '../helpers/storeObjects.js';

// Two stages: prep writes a folder, train writes the model and a scratch file that stays local (push: false).
const PIPELINE = `stages:
  prep:
    cmd: mkdir -p data/clean && cp in.txt data/clean/a.txt && echo b > data/clean/b.txt
    deps: [in.txt]
    outs: [data/clean]
  train:
    cmd: echo RAN-TRAIN && cat data/clean/a.txt data/clean/b.txt > model.pkl && echo tmp > scratch.bin
    deps: [data/clean]
    outs:
      - model.pkl
      - scratch.bin: {push: false}
`;

/** The objects a local-directory remote holds, as oids. */
function remoteOids(store: string): Set<string> {
  return new Set(storedOids(store));
}

function lockOid(root: string, out: string): string {
  const text = readFileSync(path.join(root, 'cairn.lock'), 'utf8');
  const m = new RegExp(`- path: ${out.replace('.', '\\.')}\\n\\s+oid: ([0-9a-f]{64})`).exec(text);
  assert.ok(m, `no oid for ${out} in cairn.lock:\n${text}`);
  return m[1];
}

describe('pipeline outputs in cairn.lock travel through push, pull, fetch and status --remote', () => {
  const origin = tempGitRepo();
  const store = path.join(origin.home, 'store');
  const clone = path.join(origin.home, 'clone');
  after(() => origin.cleanup());

  before(async () => {
    assert.equal((await cairn(origin.dir, ['init'], origin.env)).code, 0);
    assert.equal((await cairn(origin.dir, ['remote', 'add', 'store', store, '-d'], origin.env)).code, 0);
    writeTree(origin.dir, { 'in.txt': 'a\n', 'cairn.yaml': PIPELINE });
    const r = await cairn(origin.dir, ['repro'], origin.env);
    assert.equal(r.code, 0, r.stderr);
    sh(origin.dir, 'git add -A && git commit -q -m pipeline', origin.env);
  });

  it('plain push sends the cached outputs, not the push: false one; status --remote lists them', async () => {
    const push = await cairn(origin.dir, ['push', '--json'], origin.env);
    assert.equal(push.code, 0, push.stderr);
    // model.pkl and the two files of data/clean (counts are files; the tree object goes with them).
    assert.equal(JSON.parse(push.stdout).transferred, 3);
    const onRemote = remoteOids(store);
    assert.ok(onRemote.has(lockOid(origin.dir, 'model.pkl')));
    assert.ok(onRemote.has(lockOid(origin.dir, 'data/clean')));
    assert.ok(!onRemote.has(lockOid(origin.dir, 'scratch.bin')), 'push: false output was pushed');

    const status = await cairn(origin.dir, ['status', '--remote', '--json'], origin.env);
    assert.equal(status.code, 0, status.stderr);
    const paths = JSON.parse(status.stdout).paths as { path: string; state: string }[];
    assert.deepEqual(paths.map((p) => [p.path, p.state]).sort(), [['data/clean', 'in sync'], ['model.pkl', 'in sync']]);
  });

  it('push names a stage output like a tracked path; a push: false output by name is refused, changing nothing', async () => {
    const one = await cairn(origin.dir, ['push', 'model.pkl', '--json'], origin.env);
    assert.equal(one.code, 0, one.stderr);
    assert.equal(JSON.parse(one.stdout).present, 1);
    const from = await cairn(path.join(origin.dir, 'data'), ['push', 'clean', '--json'], origin.env);
    assert.equal(from.code, 0, from.stderr);
    assert.equal(JSON.parse(from.stdout).present, 2);

    const before = remoteOids(store);
    const refused = await cairn(origin.dir, ['push', 'scratch.bin'], origin.env);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /scratch\.bin is an output of stage 'train' with push: false/);
    assert.deepEqual(remoteOids(store), before);

    const unknown = await cairn(origin.dir, ['push', 'nothing.bin'], origin.env);
    assert.equal(unknown.code, 4);
    assert.match(unknown.stderr, /nothing\.bin is not tracked by cairn .*no output of that path in cairn\.lock/);
  });

  it('pull in a fresh clone restores the outputs with the right bytes, and the clone stays clean for Git', async () => {
    sh(origin.home, `git clone -q ${origin.dir} ${clone}`, origin.env);
    const r = await cairn(clone, ['pull', '--json'], origin.env);
    assert.equal(r.code, 0, r.stderr);
    const data = JSON.parse(r.stdout);
    assert.equal(data.transferred, 3);
    assert.deepEqual(data.checkedOut.map((c: { path: string }) => c.path).sort(), ['data/clean', 'model.pkl']);
    assert.equal(readFileSync(path.join(clone, 'model.pkl'), 'utf8'), 'a\nb\n');
    assert.equal(readFileSync(path.join(clone, 'data/clean/a.txt'), 'utf8'), 'a\n');
    assert.equal(readFileSync(path.join(clone, 'data/clean/b.txt'), 'utf8'), 'b\n');
    assert.ok(!existsSync(path.join(clone, 'scratch.bin')), 'a push: false output cannot come from the remote');
    assert.equal(sh(clone, 'git status --porcelain', origin.env), '');
    // The restored outputs match the lock: nothing to run except the stage whose scratch output is missing.
    const dry = await cairn(clone, ['repro', '--dry', '--json'], origin.env);
    assert.equal(dry.code, 0, dry.stderr);
    const outcomes = Object.fromEntries(JSON.parse(dry.stdout).stages.map((s: { stage: string; outcome: string }) => [s.stage, s.outcome]));
    assert.deepEqual(outcomes, { prep: 'up-to-date', train: 'would-run' });
  });

  it('a pull with the output already in place transfers and changes nothing', async () => {
    const again = await cairn(clone, ['pull', '--json'], origin.env);
    assert.equal(again.code, 0, again.stderr);
    const data = JSON.parse(again.stdout);
    assert.equal(data.transferred, 0);
    assert.deepEqual(data.checkedOut, []);
  });

  it('pull leaves a locally changed output alone without --force', async () => {
    sh(clone, 'rm -f model.pkl && echo hand > model.pkl', origin.env);
    const r = await cairn(clone, ['pull'], origin.env);
    assert.equal(r.code, 5, r.stderr);
    assert.match(r.stderr, /local changes to 1 file\(s\) in model\.pkl/);
    assert.match(r.stderr, /copy a changed pipeline output elsewhere first/);
    assert.equal(readFileSync(path.join(clone, 'model.pkl'), 'utf8'), 'hand\n');
    const forced = await cairn(clone, ['pull', '--force'], origin.env);
    assert.equal(forced.code, 0, forced.stderr);
    assert.equal(readFileSync(path.join(clone, 'model.pkl'), 'utf8'), 'a\nb\n');
  });

  it('fetch --all-commits brings the outputs an older cairn.lock recorded', async () => {
    writeFileSync(path.join(origin.dir, 'in.txt'), 'second\n');
    assert.equal((await cairn(origin.dir, ['repro'], origin.env)).code, 0);
    sh(origin.dir, 'git commit -q -am second', origin.env);
    const push = await cairn(origin.dir, ['push', '--json'], origin.env);
    assert.equal(push.code, 0, push.stderr);
    sh(clone, 'git pull -q', origin.env);
    const fetched = await cairn(clone, ['fetch', '--all-commits', '--json'], origin.env);
    assert.equal(fetched.code, 0, fetched.stderr);
    // The new model and the new a.txt (b.txt is shared with the first version).
    assert.equal(JSON.parse(fetched.stdout).transferred, 2);
    const co = await cairn(clone, ['checkout'], origin.env);
    assert.equal(co.code, 4, 'scratch.bin is not in the clone cache, and says so');
    assert.match(co.stderr, /cairn repro train/);
    assert.equal(readFileSync(path.join(clone, 'model.pkl'), 'utf8'), 'second\nb\n');
  });

  it('flipping push: false in cairn.yaml updates cairn.lock without running the stage, and the output then travels', async () => {
    writeFileSync(path.join(origin.dir, 'cairn.yaml'), PIPELINE.replace('scratch.bin: {push: false}', 'scratch.bin'));
    const r = await cairn(origin.dir, ['repro'], origin.env);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout + r.stderr, /RAN-TRAIN/);
    assert.doesNotMatch(readFileSync(path.join(origin.dir, 'cairn.lock'), 'utf8'), /push: false/);
    const push = await cairn(origin.dir, ['push', 'scratch.bin', '--json'], origin.env);
    assert.equal(push.code, 0, push.stderr);
    assert.equal(JSON.parse(push.stdout).transferred, 1);
  });

  it('a malformed output entry in cairn.lock stops push with a clear error before anything moves', async () => {
    const lockFile = path.join(origin.dir, 'cairn.lock');
    const good = readFileSync(lockFile, 'utf8');
    writeFileSync(lockFile, good.replace(`oid: ${lockOid(origin.dir, 'model.pkl')}`, 'oid: not-a-hash'));
    const before = remoteOids(store);
    const r = await cairn(origin.dir, ['push'], origin.env);
    writeFileSync(lockFile, good);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /malformed lock file cairn\.lock: stages\.train\.outs\[0\]: oid is not 64 lowercase hex digits/);
    assert.deepEqual(remoteOids(store), before);
  });
});
