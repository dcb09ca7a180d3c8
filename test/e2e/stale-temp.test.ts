// cairn-test: both-layouts (scripts/run-tests.mjs runs this file on cache layouts 2 and 1)
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { CAIRN_BIN, testEnv } from '../helpers/cli.js';
import { cairnRepo, snapshot } from '../helpers/dataRepo.js';

const TEMP = /\.tmp-\d+-/;

/** Every cairn temp file below `dir` (relative paths). */
function temps(dir: string): string[] {
  return existsSync(dir) ? (readdirSync(dir, { recursive: true }) as string[]).filter((f) => TEMP.test(path.basename(f))) : [];
}

/** A pid that certainly belonged to a process that has exited. */
const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid!;

/** Starts `cairn checkout --force data`, and kills it with SIGKILL the moment a temp file shows up in the folder. */
function checkoutKilledMidway(cwd: string, env: Record<string, string>, data: string): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CAIRN_BIN, 'checkout', '--force', 'data'], { cwd, env, stdio: 'ignore' });
    let killed = false;
    const poll = setInterval(() => {
      if (temps(data).length && child.kill('SIGKILL')) killed = true;
    }, 2);
    child.on('close', () => {
      clearInterval(poll);
      resolve(killed);
    });
  });
}

describe('stale temp files of a killed cairn', async () => {
  const repo = await cairnRepo();
  after(() => repo.cleanup());
  const data = path.join(repo.dir, 'data');
  const env = testEnv(repo.home);
  // Large files: each copy takes long enough for a temp file to be seen (and killed) mid-write.
  writeFileSync(path.join(repo.dir, 'f0'), 'zero');
  const files: Record<string, Buffer> = {};
  for (let i = 0; i < 8; i++) files[`part/big${i}.bin`] = Buffer.alloc(24 << 20, i + 1);
  for (let i = 0; i < 300; i++) files[`small/s${i}.txt`] = Buffer.from(`row ${i}\n`);
  for (const [rel, bytes] of Object.entries(files)) {
    const file = path.join(data, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, bytes);
  }
  assert.equal((await repo.run(['add', 'data', 'f0'])).code, 0);
  const good = snapshot(data);

  it('a kill -9 mid-checkout leaves temp files; the next status walk removes them', async () => {
    let left: string[] = [];
    for (let attempt = 0; attempt < 5 && left.length === 0; attempt++) {
      rmSync(data, { recursive: true, force: true });
      if (await checkoutKilledMidway(repo.dir, env, data)) left = temps(data);
    }
    assert.ok(left.length > 0, 'the killed checkout left a temp file behind (the situation under test)');
    const st = await repo.run(['status', 'data']);
    assert.equal(st.code, 0, st.stderr);
    assert.deepEqual(temps(data), [], `status removed ${left.join(', ')}`);
  });

  it('the next checkout after a kill removes them too, and restores the folder exactly', async () => {
    let left: string[] = [];
    for (let attempt = 0; attempt < 5 && left.length === 0; attempt++) {
      rmSync(data, { recursive: true, force: true });
      if (await checkoutKilledMidway(repo.dir, env, data)) left = temps(data);
    }
    assert.ok(left.length > 0);
    const co = await repo.run(['checkout', '--force', 'data']);
    assert.equal(co.code, 0, co.stderr);
    assert.deepEqual(temps(data), []);
    assert.deepEqual(snapshot(data), good);
  });

  it('add removes a stale temp file; a live process\'s temp file and look-alike names stay', async () => {
    const stale = path.join(data, 'small', `.s1.txt.tmp-${deadPid()}-0-3`);
    const live = path.join(data, 'small', `.s2.txt.tmp-${process.pid}-0-4`);
    const notOurs = path.join(data, 'small', '.notes.tmp-draft');
    const lookAlike = path.join(data, 'small', `.backup.tmp-${deadPid()}-01`);
    for (const f of [stale, live, notOurs, lookAlike]) writeFileSync(f, 'half a copy');
    const r = await repo.run(['add', 'data', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!existsSync(stale), 'the dead writer\'s temp file is gone');
    assert.ok(existsSync(live), 'a running process may still rename its temp file: it stays');
    assert.ok(existsSync(notOurs), 'a name that is not exactly cairn\'s pattern is the user\'s');
    assert.ok(existsSync(lookAlike), 'close to the pattern (a dead "pid", digits after it) is still not cairn\'s');
    for (const f of [live, notOurs, lookAlike]) rmSync(f);
  });

  it('checkout of a tracked file removes its stale temp files beside it', async () => {
    const beside = path.join(repo.dir, `.f0.tmp-${deadPid()}-0-0`);
    const other = path.join(repo.dir, `.f1.tmp-${deadPid()}-0-0`);
    writeFileSync(beside, 'half');
    writeFileSync(other, 'not a temp of a tracked path');
    assert.equal((await repo.run(['checkout', 'f0'])).code, 0);
    assert.ok(!existsSync(beside));
    assert.ok(existsSync(other), 'only the tracked file\'s own temp names are touched');
  });
});
