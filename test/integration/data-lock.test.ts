import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { acquireRepoLock } from '../../src/core/repoLock.js';
import { CAIRN_BIN, testEnv, writeTree } from '../helpers/cli.js';
import { cairnRepo } from '../helpers/dataRepo.js';

describe('mutating data commands and the repository lock', async () => {
  const repo = await cairnRepo();
  after(() => repo.cleanup());

  it('cairn add waits for the lock, says whom it waits for, then runs', async () => {
    writeTree(repo.dir, { 'data/a': 'a' });
    const lock = await acquireRepoLock(path.join(repo.dir, '.cairn', 'tmp'));
    const child = spawn(process.execPath, [CAIRN_BIN, 'add', 'data'], { cwd: repo.dir, env: { ...testEnv(repo.home), ...repo.env } });
    let stderr = '';
    let released = false;
    const done = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
    await new Promise<void>((resolve) => {
      child.stderr.on('data', (d) => {
        stderr += d;
        if (!released && /waiting for the repository lock held by/.test(stderr)) {
          released = true;
          assert.ok(!existsSync(path.join(repo.dir, 'data.cairn')), 'nothing happens while the lock is held');
          lock.release();
          resolve();
        }
      });
      child.on('close', () => resolve());
    });
    if (!released) lock.release();
    assert.equal(await done, 0, stderr);
    assert.ok(released, `it said it was waiting: ${stderr}`);
    assert.ok(existsSync(path.join(repo.dir, 'data.cairn')));
  });
});
