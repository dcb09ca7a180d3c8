// cairn-test: both-layouts (scripts/run-tests.mjs runs this file on cache layouts 2 and 1)
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cairn, sh, testEnv, writeTree } from '../helpers/cli.js';
import { cairnRepo, snapshot } from '../helpers/dataRepo.js';
import { startSshd, type Sshd } from '../helpers/sshd.js';

describe('cairn push and pull over SFTP with a few hundred files', () => {
  let sshd: Sshd;
  let repo: Awaited<ReturnType<typeof cairnRepo>>;
  let env: Record<string, string>;
  const files: Record<string, string> = {};
  for (let i = 0; i < 300; i++) files[`data/part-${i % 10}/f${i}.txt`] = `row ${i}\n`.repeat(1 + (i % 7));

  before(async () => {
    sshd = await startSshd();
    repo = await cairnRepo();
    // The server's client key and known_hosts live in this HOME.
    env = testEnv(sshd.home);
    writeTree(repo.dir, files);
    assert.equal((await cairn(repo.dir, ['add', 'data'], env)).code, 0);
    assert.equal((await cairn(repo.dir, ['remote', 'add', '-d', 'store', sshd.url('many')], env)).code, 0);
    sh(repo.dir, 'git add -A && git commit -qm data', env);
  });
  after(async () => {
    await sshd?.cleanup();
    repo?.cleanup();
  });

  it('push prints no MaxListenersExceededWarning', async () => {
    const r = await cairn(repo.dir, ['push'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /MaxListenersExceededWarning|memory leak/);
  });

  it('pull of ~300 files into an empty cache and workspace prints no MaxListenersExceededWarning', async () => {
    const want = snapshot(path.join(repo.dir, 'data'));
    rmSync(path.join(repo.dir, '.cairn', 'cache'), { recursive: true, force: true });
    rmSync(path.join(repo.dir, 'data'), { recursive: true, force: true });
    const r = await cairn(repo.dir, ['pull'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /MaxListenersExceededWarning|memory leak/);
    assert.deepEqual(snapshot(path.join(repo.dir, 'data')), want);
  });
});
