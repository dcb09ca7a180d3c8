import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cairn, sh, tempDir, testEnv } from '../helpers/cli.js';

describe('concurrent promotions from two clones of one bare repository', () => {
  const base = tempDir();
  const origin = path.join(base.dir, 'origin.git');
  const a = path.join(base.dir, 'a');
  const b = path.join(base.dir, 'b');
  // Two people: different identities, so their tags are different objects even within one second.
  const envA = testEnv(path.join(base.dir, 'home-a'), { GIT_COMMITTER_NAME: 'Alice', GIT_COMMITTER_EMAIL: 'alice@example.invalid' });
  const envB = testEnv(path.join(base.dir, 'home-b'), { GIT_COMMITTER_NAME: 'Bob', GIT_COMMITTER_EMAIL: 'bob@example.invalid' });
  const show = async (dir: string, env: Record<string, string>) => JSON.parse((await cairn(dir, ['model', 'show', 'churn', '--json'], env)).stdout);

  before(async () => {
    for (const home of ['home-a', 'home-b']) mkdirSync(path.join(base.dir, home));
    sh(base.dir, `git init -q --bare -b main ${origin} && git clone -q ${origin} ${a}`, envA);
    assert.equal((await cairn(a, ['init', '-q'], envA)).code, 0);
    writeFileSync(path.join(a, 'model.txt'), 'one');
    sh(a, 'git add -A && git commit -qm one', envA);
    assert.equal((await cairn(a, ['model', 'register', 'churn', '--path', 'model.txt', '--push'], envA)).code, 0);
    writeFileSync(path.join(a, 'model.txt'), 'two');
    sh(a, 'git commit -qam two && git push -q origin main', envA);
    const r = await cairn(a, ['model', 'register', 'churn', '--path', 'model.txt', '--push'], envA);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /pushed churn@v0\.0\.2 to origin/);
    sh(base.dir, `git clone -q ${origin} ${b}`, envB);
  });
  after(() => base.cleanup());

  it('the second push renumbers its tag past the first, and both clones then agree: the later N wins', async () => {
    // Both clones see N = 0 and want churn#prod#1; Alice pushes first.
    let r = await cairn(a, ['model', 'promote', 'churn', 'v0.0.1', '--to', 'prod', '--push'], envA);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /tag churn#prod#1/);
    r = await cairn(b, ['model', 'promote', 'churn', 'v0.0.2', '--to', 'prod', '--push'], envB);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /tag churn#prod#2\b/, 'Bob lost the race for #1 and took #2');
    assert.deepEqual(sh(origin, "git tag -l 'churn#*'", envA).split('\n').filter(Boolean).sort(), ['churn#prod#1', 'churn#prod#2']);
    assert.equal(sh(origin, "git tag -l --format='%(taggername)' 'churn#prod#1'", envA).trim(), 'Alice');
    sh(a, 'git fetch -q --tags origin', envA);
    const fromA = await show(a, envA);
    const fromB = await show(b, envB);
    assert.deepEqual(fromA.aliases, { prod: 'v0.0.2' });
    assert.deepEqual(fromB.aliases, fromA.aliases);
  });

  it('promotions to different aliases with the same N do not collide', async () => {
    sh(b, 'git fetch -q --tags origin', envB);
    const ra = await cairn(a, ['model', 'promote', 'churn', 'v0.0.1', '--to', 'staging', '--push'], envA);
    const rb = await cairn(b, ['model', 'promote', 'churn', 'v0.0.1', '--to', 'canary', '--push'], envB);
    assert.equal(ra.code, 0, ra.stderr);
    assert.equal(rb.code, 0, rb.stderr);
    assert.match(ra.stdout, /churn#staging#3/);
    assert.match(rb.stdout, /churn#canary#3/);
    sh(a, 'git fetch -q --tags origin', envA);
    assert.deepEqual((await show(a, envA)).aliases, { canary: 'v0.0.1', prod: 'v0.0.2', staging: 'v0.0.1' });
  });

  it('a version the remote registered first is refused, and the local tag is dropped', async () => {
    writeFileSync(path.join(a, 'model.txt'), 'three-a');
    sh(a, 'git commit -qam three-a', envA);
    writeFileSync(path.join(b, 'model.txt'), 'three-b');
    sh(b, 'git commit -qam three-b', envB);
    assert.equal((await cairn(a, ['model', 'register', 'churn', '--path', 'model.txt', '--push'], envA)).code, 0);
    const r = await cairn(b, ['model', 'register', 'churn', '--path', 'model.txt', '--push'], envB);
    assert.equal(r.code, 5, r.stderr);
    assert.match(r.stderr, /already has churn@v0\.0\.3 with other content\nhint: someone pushed the same tag first/);
    assert.equal(sh(b, "git tag -l 'churn@v0.0.3'", envB).trim(), '');
  });
});
