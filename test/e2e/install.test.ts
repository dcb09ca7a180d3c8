import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { spawnSync } from 'node:child_process';
import { cairn, sh, tempDir, testEnv, writeTree } from '../helpers/cli.js';
import { cairnRepo, snapshot } from '../helpers/dataRepo.js';

const OLD_HOOK = '#!/bin/sh\necho "old hook $3" >> old-hook.log\n';

/** A repository with data/raw.csv tracked and committed on main, and a branch `more` where it has another line. */
async function dataRepo() {
  const repo = await cairnRepo();
  writeTree(repo.dir, { 'data/raw.csv': 'a\n' });
  await repo.run(['add', 'data/raw.csv']);
  sh(repo.dir, 'git add -A && git commit -qm data && git checkout -qb more && echo b >> data/raw.csv', repo.env);
  await repo.run(['add', 'data/raw.csv']);
  sh(repo.dir, 'git add -A && git commit -qm more && git checkout -q main', repo.env);
  await repo.run(['checkout']);
  return repo;
}

describe('cairn install / uninstall', () => {
  it('hooks chain with an existing hook: git checkout runs it and then cairn checkout; uninstall puts it back', async (t) => {
    const repo = await dataRepo();
    t.after(() => repo.cleanup());
    const hook = path.join(repo.dir, '.git/hooks/post-checkout');
    writeFileSync(hook, OLD_HOOK, { mode: 0o755 });
    const r = await repo.run(['install', '--hooks']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /hook post-checkout: installed; the hook that was there runs first \(kept as <hook>\.pre-cairn\)/);
    assert.equal(readFileSync(`${hook}.pre-cairn`, 'utf8'), OLD_HOOK);
    assert.equal(existsSync(path.join(repo.dir, '.gitattributes')), false, '--hooks leaves the merge driver out');
    sh(repo.dir, 'git checkout -q more', repo.env);
    assert.equal(readFileSync(path.join(repo.dir, 'data/raw.csv'), 'utf8'), 'a\nb\n', 'cairn checkout ran');
    assert.equal(readFileSync(path.join(repo.dir, 'old-hook.log'), 'utf8'), 'old hook 1\n', 'the old hook ran, with its arguments');
    // Installing again rewrites cairn's hook and chains nothing twice.
    assert.match((await repo.run(['install', '--hooks'])).stdout, /hook post-checkout: updated/);
    assert.equal(readFileSync(`${hook}.pre-cairn`, 'utf8'), OLD_HOOK);
    const u = await repo.run(['uninstall']);
    assert.match(u.stdout, /hook post-checkout: removed; the hook it chained is back/);
    assert.match(u.stdout, /hook pre-push: removed/);
    assert.equal(readFileSync(hook, 'utf8'), OLD_HOOK);
    assert.equal(existsSync(`${hook}.pre-cairn`), false);
  });

  it('pre-commit warns about uncommitted data without blocking; pre-push pushes the data to the default remote', async (t) => {
    const repo = await dataRepo();
    const store = tempDir();
    const bare = tempDir();
    t.after(() => { repo.cleanup(); store.cleanup(); bare.cleanup(); });
    assert.equal((await repo.run(['install'])).code, 0);
    sh(repo.dir, 'echo c >> data/raw.csv && echo x > notes.txt && git add notes.txt', repo.env);
    const commit = spawnSync('git', ['commit', '-m', 'notes'], { cwd: repo.dir, env: repo.env, encoding: 'utf8' });
    assert.equal(commit.status, 0, commit.stderr);
    assert.match(commit.stderr, /cairn: tracked data or pipeline outputs changed/);
    assert.match(commit.stderr, /data\/raw\.csv/);
    sh(repo.dir, `git checkout -q -- . && git init -q --bare ${bare.dir} && git remote add origin ${bare.dir}`, repo.env);
    await repo.run(['checkout', '--force']);
    // No default remote yet: the push goes through and there is nothing to send data to.
    sh(repo.dir, 'git push -q origin main', repo.env);
    assert.equal((await repo.run(['remote', 'add', '-d', 'store', store.dir])).code, 0);
    sh(repo.dir, 'git commit -qam remote', repo.env);
    const push = spawnSync('git', ['push', 'origin', 'main'], { cwd: repo.dir, env: repo.env, encoding: 'utf8' });
    assert.equal(push.status, 0, push.stderr);
    const status = JSON.parse((await repo.run(['status', '--remote', '--json'])).stdout);
    assert.equal(status.clean, true);
    assert.deepEqual(status.paths.map((p: { path: string; state: string }) => `${p.path}:${p.state}`), ['data/raw.csv:in sync']);
    // A push that cannot send the data stops the git push.
    // (the remote's folder replaced by a file: even root cannot write there)
    sh(repo.dir, `rm -rf ${store.dir} && echo x > ${store.dir} && echo d >> data/raw.csv`, repo.env);
    await repo.run(['add', 'data/raw.csv']);
    sh(repo.dir, 'git commit -qam more-data', repo.env);
    const blocked = spawnSync('git', ['push', 'origin', 'main'], { cwd: repo.dir, env: repo.env, encoding: 'utf8' });
    assert.notEqual(blocked.status, 0);
    assert.match(blocked.stderr, /cairn: `cairn push` failed, so the git push is stopped/);
    assert.notEqual(sh(repo.dir, `git --git-dir=${bare.dir} rev-parse main`), sh(repo.dir, 'git rev-parse main'), 'the commits were not pushed');
  });

  it('outside a Git repository, or outside a cairn repository, install is a clear error and creates nothing', async (t) => {
    const dir = tempDir();
    t.after(() => dir.cleanup());
    const env = testEnv(dir.dir);
    assert.equal((await cairn(dir.dir, ['init', '--no-git'], env)).code, 0);
    const before = snapshot(dir.dir);
    const r = await cairn(dir.dir, ['install'], env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /is not in a Git repository, so there are no Git hooks or merge drivers to install/);
    assert.match(r.stderr, /hint: run `git init` first/);
    assert.deepEqual(snapshot(dir.dir), before);
    const none = await cairn(path.dirname(dir.dir), ['install'], env);
    assert.equal(none.code, 4);
  });
});

describe('the merge driver', () => {
  /** Two stages that read their own input file, committed and reproduced on main. */
  async function twoStages() {
    const repo = await cairnRepo();
    writeTree(repo.dir, {
      'a.txt': '1\n', 'b.txt': '1\n',
      'cairn.yaml': 'stages:\n  a:\n    cmd: cat a.txt > a.out\n    deps: [a.txt]\n    outs: [a.out]\n  b:\n    cmd: cat b.txt > b.out\n    deps: [b.txt]\n    outs: [b.out]\n',
    });
    assert.equal((await repo.run(['repro'])).code, 0);
    assert.equal((await repo.run(['install', '--merge-driver'])).code, 0);
    sh(repo.dir, 'git add -A && git commit -qm pipeline', repo.env);
    return repo;
  }
  const onBranch = async (repo: Awaited<ReturnType<typeof twoStages>>, branch: string, file: string, text: string) => {
    sh(repo.dir, `git checkout -qb ${branch} main && echo ${text} > ${file}`, repo.env);
    assert.equal((await repo.run(['repro'])).code, 0);
    sh(repo.dir, `git commit -qam ${branch}`, repo.env);
  };

  it('a real git merge of two branches that reran different stages merges cairn.lock cleanly', async (t) => {
    const repo = await twoStages();
    t.after(() => repo.cleanup());
    assert.match(readFileSync(path.join(repo.dir, '.gitattributes'), 'utf8'), /^cairn\.lock merge=cairn$/m);
    await onBranch(repo, 'left', 'a.txt', 2);
    await onBranch(repo, 'right', 'b.txt', 3);
    const merge = spawnSync('git', ['merge', '-q', '--no-edit', 'left'], { cwd: repo.dir, env: repo.env, encoding: 'utf8' });
    assert.equal(merge.status, 0, merge.stderr + merge.stdout);
    const lock = readFileSync(path.join(repo.dir, 'cairn.lock'), 'utf8');
    assert.doesNotMatch(lock, /<<<<<<<|>>>>>>>/);
    await repo.run(['checkout', '--force']);
    const dry = await repo.run(['repro', '--dry']);
    assert.match(dry.stdout, /Stage 'a' is up to date/);
    assert.match(dry.stdout, /Stage 'b' is up to date/);
  });

  it('both branches changing the same stage leave that stage between conflict markers, and git reports the conflict', async (t) => {
    const repo = await twoStages();
    t.after(() => repo.cleanup());
    await onBranch(repo, 'left', 'a.txt', 2);
    await onBranch(repo, 'right', 'a.txt', 3);
    sh(repo.dir, 'git checkout -q right && echo 4 > b.txt', repo.env);
    await repo.run(['repro']);
    sh(repo.dir, 'git commit -qam right-b', repo.env);
    const merge = spawnSync('git', ['merge', '--no-edit', 'left'], { cwd: repo.dir, env: repo.env, encoding: 'utf8' });
    assert.notEqual(merge.status, 0);
    assert.match(merge.stdout + merge.stderr, /CONFLICT \(content\): Merge conflict in cairn\.lock/);
    assert.match(merge.stdout + merge.stderr, /cairn\.lock: both sides changed stage\(s\) a differently/);
    const lock = readFileSync(path.join(repo.dir, 'cairn.lock'), 'utf8');
    assert.match(lock, /<<<<<<< ours \(stage a\)\n  a:\n[\s\S]*=======\n  a:\n[\s\S]*>>>>>>> theirs \(stage a\)\n  b:\n/);
    assert.equal(lock.match(/<<<<<<</g)?.length, 1, 'only stage a conflicts');
  });

  it('a pointer file both branches changed is a conflict between the two pointers; one side\'s change merges', async (t) => {
    const repo = await twoStages();
    t.after(() => repo.cleanup());
    writeTree(repo.dir, { 'raw.csv': '1\n', 'other.csv': '1\n' });
    await repo.run(['add', 'raw.csv', 'other.csv']);
    sh(repo.dir, 'git add -A && git commit -qm data', repo.env);
    const change = async (branch: string, file: string, text: string) => {
      sh(repo.dir, `git checkout -qb ${branch} main && echo ${text} > ${file}`, repo.env);
      await repo.run(['add', file]);
      sh(repo.dir, `git commit -qam ${branch}`, repo.env);
    };
    await change('left', 'raw.csv', 2);
    await change('right', 'raw.csv', 3);
    sh(repo.dir, 'git checkout -q left && echo 4 > other.csv', repo.env);
    await repo.run(['add', 'other.csv']);
    sh(repo.dir, 'git commit -qam left-other && git checkout -q right', repo.env);
    const merge = spawnSync('git', ['merge', '--no-edit', 'left'], { cwd: repo.dir, env: repo.env, encoding: 'utf8' });
    assert.notEqual(merge.status, 0);
    assert.match(merge.stderr, /raw\.csv\.cairn: both sides changed the data version differently/);
    const pointer = readFileSync(path.join(repo.dir, 'raw.csv.cairn'), 'utf8');
    assert.match(pointer, /^<<<<<<< ours \(raw\.csv\.cairn\)\n# cairn pointer[\s\S]*\n=======\n# cairn pointer[\s\S]*>>>>>>> theirs \(raw\.csv\.cairn\)\n$/);
    assert.doesNotMatch(readFileSync(path.join(repo.dir, 'other.csv.cairn'), 'utf8'), /<<<<<<</, 'the pointer only one side changed merged');
  });

  it('uninstall removes the driver config and the attributes block', async (t) => {
    const repo = await twoStages();
    t.after(() => repo.cleanup());
    assert.equal((await repo.run(['uninstall', '--merge-driver'])).code, 0);
    assert.equal(existsSync(path.join(repo.dir, '.gitattributes')), false);
    assert.equal(spawnSync('git', ['config', '--get', 'merge.cairn.driver'], { cwd: repo.dir }).status, 1);
  });
});
