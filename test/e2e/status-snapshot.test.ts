// cairn-test: both-layouts (scripts/run-tests.mjs runs this file on cache layouts 2 and 1)
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { writeTree } from '../helpers/cli.js';
import { cairnRepo } from '../helpers/dataRepo.js';

/** Moves every timestamp under `dir` an hour back, so status trusts them (recent ones are "racy" and never snapshotted). */
function age(dir: string): void {
  const then = new Date(Date.now() - 3600_000);
  for (const name of readdirSync(dir, { recursive: true }) as string[]) utimesSync(path.join(dir, name), then, then);
  utimesSync(dir, then, then);
}

const snapshots = (root: string) => {
  const dir = path.join(root, '.cairn/tmp/status');
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.snap')) : [];
};

/** A repo whose tracked folder `data` has been seen unchanged by status, so its stat snapshot exists. */
async function snapshotted() {
  const repo = await cairnRepo();
  writeTree(repo.dir, { 'data/a.csv': 'one', 'data/sub/b.csv': 'two', 'data/c.log': 'three', 'keep.txt': 'x' });
  mkdirSync(path.join(repo.dir, 'data/empty'));
  assert.equal((await repo.run(['add', 'data'])).code, 0);
  age(path.join(repo.dir, 'data'));
  const first = await repo.run(['status', '--json']);
  assert.equal(JSON.parse(first.stdout).clean, true, first.stdout);
  assert.equal(snapshots(repo.dir).length, 1, 'status leaves a stat snapshot of the unchanged folder');
  return repo;
}

/** Status with the snapshot must say exactly what status without it says. */
async function agrees(repo: Awaited<ReturnType<typeof cairnRepo>>): Promise<{ clean: boolean; data: { paths: Array<Record<string, unknown>> } }> {
  const withSnap = await repo.run(['status', '--json']);
  rmSync(path.join(repo.dir, '.cairn/tmp/status'), { recursive: true, force: true });
  rmSync(path.join(repo.dir, '.cairn/tmp/state.db'), { force: true });
  const without = await repo.run(['status', '--json']);
  assert.deepEqual(JSON.parse(withSnap.stdout), JSON.parse(without.stdout));
  return JSON.parse(withSnap.stdout);
}

describe('cairn status with a stat snapshot (the fast path for unchanged folders)', () => {
  it('an unchanged folder stays clean, and the snapshot is reused', async (t) => {
    const repo = await snapshotted();
    t.after(() => repo.cleanup());
    const before = statSync(path.join(repo.dir, '.cairn/tmp/status', snapshots(repo.dir)[0])).mtimeMs;
    const r = await agrees(repo);
    assert.equal(r.clean, true);
    assert.ok(before > 0);
  });

  const changes: Array<[string, (dir: string) => void, (p: Record<string, unknown>) => void]> = [
    ['a file rewritten with the same size', (d) => writeFileSync(path.join(d, 'data/a.csv'), 'ONE'), (p) => assert.deepEqual(p.modified, ['data/a.csv'])],
    ['a file added to a subfolder', (d) => writeFileSync(path.join(d, 'data/sub/new.csv'), 'n'), (p) => assert.deepEqual(p.added, ['data/sub/new.csv'])],
    ['a file added to a folder that was empty', (d) => writeFileSync(path.join(d, 'data/empty/e.csv'), 'e'), (p) => assert.deepEqual(p.added, ['data/empty/e.csv'])],
    ['a new subfolder with a file', (d) => writeTree(d, { 'data/deep/er/x.csv': 'x' }), (p) => assert.deepEqual(p.added, ['data/deep/er/x.csv'])],
    ['a file deleted', (d) => rmSync(path.join(d, 'data/sub/b.csv')), (p) => assert.deepEqual(p.deleted, ['data/sub/b.csv'])],
    ['a file made executable (mtime unchanged)', (d) => chmodSync(path.join(d, 'data/a.csv'), 0o755), (p) => assert.deepEqual(p.modified, ['data/a.csv'])],
    ['a file replaced by a folder', (d) => { rmSync(path.join(d, 'data/c.log')); writeTree(d, { 'data/c.log/inner': 'i' }); }, (p) => assert.deepEqual(p.added, ['data/c.log/inner'])],
    ['a root .cairnignore rule that now hides a file', (d) => writeFileSync(path.join(d, '.cairnignore'), '*.log\n'), (p) => assert.deepEqual(p.deleted, ['data/c.log'])],
  ];
  for (const [what, change, check] of changes) {
    it(`sees ${what}`, async (t) => {
      const repo = await snapshotted();
      t.after(() => repo.cleanup());
      change(repo.dir);
      const r = await agrees(repo);
      assert.equal(r.clean, false);
      assert.equal(r.data.paths[0].workspace, 'modified');
      check(r.data.paths[0]);
    });
  }

  it('sees a whole folder deleted, and a damaged snapshot file only costs speed', async (t) => {
    const repo = await snapshotted();
    t.after(() => repo.cleanup());
    const snap = path.join(repo.dir, '.cairn/tmp/status', snapshots(repo.dir)[0]);
    writeFileSync(snap, 'cairn-stat-snapshot 1\n{"path":"data"');
    assert.equal((await agrees(repo)).clean, true);
    rmSync(path.join(repo.dir, 'data'), { recursive: true });
    assert.equal((await agrees(repo)).data.paths[0].workspace, 'missing');
  });

  it('keeps no snapshot when timestamps are too recent to trust', async (t) => {
    const repo = await cairnRepo();
    t.after(() => repo.cleanup());
    writeTree(repo.dir, { 'data/a.csv': 'one' });
    assert.equal((await repo.run(['add', 'data'])).code, 0);
    // A timestamp in the future stands for "written within the clock's resolution of now": the same rule applies.
    const soon = new Date(Date.now() + 3600_000);
    utimesSync(path.join(repo.dir, 'data/a.csv'), soon, soon);
    assert.equal(JSON.parse((await repo.run(['status', '--json'])).stdout).clean, true);
    assert.deepEqual(snapshots(repo.dir), []);
  });
});
