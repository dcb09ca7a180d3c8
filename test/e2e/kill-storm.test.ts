import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { hashBuffer } from '../../src/core/hash.js';
import { PackSet } from '../../src/data/packs/packSet.js';
import { CAIRN_BIN, sh, testEnv, type RunResult } from '../helpers/cli.js';
import { cairnRepo, snapshot } from '../helpers/dataRepo.js';

/** A small seeded generator, so a failing storm can be replayed with CAIRN_STORM_SEED. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Runs the built CLI; with `killAfterMs`, sends SIGKILL after that long (if it is still running). */
function runKilled(cwd: string, args: string[], env: Record<string, string>, killAfterMs?: number): Promise<RunResult & { killed: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CAIRN_BIN, ...args], { cwd, env });
    let stdout = '';
    let stderr = '';
    let killed = false;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = killAfterMs === undefined ? null : setTimeout(() => {
      killed = child.kill('SIGKILL');
    }, killAfterMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr, killed: killed && signal === 'SIGKILL' });
    });
    child.stdin.end();
  });
}

const isCairnTemp = (rel: string) => /(^|\/)\.[^/]+\.tmp-\d+-[0-9a-f]+(-\d+)?$/.test(rel);

// The storm runs on both cache layouts: loose objects (1) and small objects in packs (2).
for (const layout of [1, 2] as const) describe(`kill storm (cache layout ${layout}): killed commands and a damaged cache never lose a committed version silently`, () => {
  it('every committed version is restorable, or fsck names exactly the objects that were deleted', { timeout: 120_000 }, async (t) => {
    const seed = Number(process.env.CAIRN_STORM_SEED ?? Date.now() % 100_000);
    t.diagnostic(`seed ${seed} (replay with CAIRN_STORM_SEED=${seed})`);
    const rnd = prng(seed);
    const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)];
    const repo = await cairnRepo();
    after(() => repo.cleanup());
    const env = { ...testEnv(repo.home), CAIRN_CACHE_LAYOUT: String(layout) };
    const packs = path.join(repo.dir, '.cairn', 'cache', 'packs');
    const data = path.join(repo.dir, 'data');
    const objects = path.join(repo.dir, '.cairn', 'cache', 'objects');
    const run = (args: string[], killAfterMs?: number) => runKilled(repo.dir, args, env, killAfterMs);

    // The truth: each committed version's files (the workspace as it was when `cairn add` succeeded).
    const versions: Array<{ sha: string; files: Record<string, string> }> = [];
    const workspaceFiles = () => Object.fromEntries(Object.entries(snapshot(data)).filter(([rel]) => !isCairnTemp(rel)));
    let counter = 0;
    const edit = () => {
      mkdirSync(data, { recursive: true });
      // 400 small files (enough for the worker pool and the per-folder listing), a few changed each time.
      for (let i = 0; i < 400; i++) {
        const file = path.join(data, `part-${i % 7}`, `f${i}.txt`);
        if (!existsSync(file) || rnd() < 0.1) {
          mkdirSync(path.dirname(file), { recursive: true });
          writeFileSync(file, `row ${i} v${counter++}\n`);
        }
      }
      // Now and then a file above the 8 MiB small-file limit, which the cache writer copies by another path.
      if (rnd() < 0.2) writeFileSync(path.join(data, 'big.bin'), Buffer.alloc(9 << 20, counter++ % 251));
    };
    const damageCache = () => {
      const prefixes = existsSync(objects) ? readdirSync(objects).filter((p) => /^[0-9a-f]{2}$/.test(p)) : [];
      const r = rnd();
      if (r < 0.35 && prefixes.length) rmSync(path.join(objects, pick(prefixes)), { recursive: true, force: true });
      else if (r < 0.7 && prefixes.length) {
        const dir = path.join(objects, pick(prefixes));
        const names = existsSync(dir) ? readdirSync(dir) : [];
        for (let k = 0; k < 3 && names.length; k++) rmSync(path.join(dir, pick(names)), { force: true });
      } else if (r < 0.75) rmSync(objects, { recursive: true, force: true });
      else if (r < 0.9 && existsSync(packs)) {
        // Layout 2: a whole pack goes (its index first, as a repack removes it).
        const names = readdirSync(packs).filter((n) => n.endsWith('.idx'));
        if (names.length) {
          const name = pick(names).slice(0, -4);
          rmSync(path.join(packs, `${name}.idx`), { force: true });
          rmSync(path.join(packs, `${name}.pack`), { force: true });
        }
      }
    };

    const started = Date.now();
    let kills = 0;
    edit();
    // On a loaded machine most commands are killed: keep going (up to 30 rounds) until two versions are committed.
    for (let round = 0; (Date.now() - started < 6_000 || versions.length < 2) && round < 30 && (versions.length < 5 || kills === 0); round++) {
      // Random kills; a seed whose first rounds all finished before their kill gets one sure kill (20 ms: mid-start).
      const kill = kills === 0 && round >= 4 ? 20 : rnd() < 0.75 ? 30 + Math.floor(rnd() * 400) : undefined;
      const action = versions.length === 0 ? 'add' : pick(['add', 'add', 'commit', 'checkout']);
      if (action === 'checkout') {
        sh(repo.dir, `git checkout -q ${pick(versions).sha} -- data.cairn`, env);
        if ((await run(['checkout', '--force', 'data'], kill)).killed) kills++;
      } else {
        edit();
        const files = workspaceFiles();
        const r = await run(action === 'add' ? ['add', 'data'] : ['commit', 'data'], kill);
        if (r.killed) kills++;
        if (r.code === 0 && !r.killed) {
          sh(repo.dir, 'git add -A && git commit -qm version', env);
          versions.push({ sha: sh(repo.dir, 'git rev-parse HEAD', env).trim(), files });
        } else if (!r.killed) {
          assert.fail(`cairn ${action} failed without a kill (exit ${r.code}): ${r.stderr}`);
        }
      }
      damageCache();
    }
    assert.ok(versions.length >= 2, `the storm committed ${versions.length} version(s)`);
    t.diagnostic(`${versions.length} versions committed and ${kills} commands killed in ${Date.now() - started} ms`);
    assert.ok(kills > 0, "the storm killed at least one command mid-way");

    // Stored loose or (layout 2) in a pack; read afresh each time, as the checks below may repair the cache.
    const loose = (oid: string) => existsSync(path.join(objects, oid.slice(0, 2), oid.slice(2))) || new PackSet(path.join(repo.dir, '.cairn', 'cache')).lookup(oid) !== null;
    // big.bin is above cache.chunk_threshold: stored as chunks, it is present when its ref, manifest and chunks are.
    const present = (oid: string) => {
      if (loose(oid)) return true;
      const ref = path.join(repo.dir, '.cairn', 'cache', 'meta', 'chunked', oid.slice(0, 2), oid.slice(2));
      if (!existsSync(ref)) return false;
      const manifest = readFileSync(ref, 'utf8').trim();
      if (!loose(manifest)) return false;
      const m = JSON.parse(readFileSync(path.join(objects, manifest.slice(0, 2), manifest.slice(2)), 'utf8')) as { chunks: Array<{ oid: string }> };
      return m.chunks.every((c) => loose(c.oid));
    };
    for (const v of versions) {
      sh(repo.dir, `git checkout -q ${v.sha} -- data.cairn`, env);
      const treeOid = /oid: (\w+)/.exec(readFileSync(path.join(repo.dir, 'data.cairn'), 'utf8'))![1];
      // What the deletions took from this version: the tree (then its files cannot be listed), or these files.
      const lost = !present(treeOid)
        ? [{ oid: treeOid, path: 'data' }]
        : Object.entries(v.files).map(([rel, text]) => ({ oid: hashBuffer(Buffer.from(text, 'latin1')), path: `data/${rel}` }))
          .filter((f) => !present(f.oid)).sort((a, b) => (a.path < b.path ? -1 : 1));
      const fsck = await run(['fsck', '--repair', '--json']);
      const report = JSON.parse(fsck.stdout);
      assert.deepEqual(report.corrupt, [], `no object is ever half-written (seed ${seed})`);
      assert.deepEqual(report.missing, lost, `fsck names exactly what was lost from ${v.sha} (seed ${seed})`);
      assert.equal(fsck.code, lost.length ? 4 : 0, fsck.stderr);
      if (lost.length) {
        // Re-adding the same content brings the version back: the pointer Git holds is unchanged, fsck is clean.
        rmSync(data, { recursive: true, force: true });
        for (const [rel, text] of Object.entries(v.files)) {
          mkdirSync(path.dirname(path.join(data, rel)), { recursive: true });
          writeFileSync(path.join(data, rel), text, 'latin1');
        }
        const add = await run(['add', 'data']);
        assert.equal(add.code, 0, add.stderr);
        assert.equal(sh(repo.dir, `git diff ${v.sha} -- data.cairn`, env), '', 're-adding gives the committed pointer');
        assert.equal((await run(['fsck'])).code, 0);
      }
      const co = await run(['checkout', '--force', 'data']);
      assert.equal(co.code, 0, co.stderr);
      assert.deepEqual(snapshot(data), v.files, `version ${v.sha} restored exactly, no temp file left (seed ${seed})`);
    }
  });
});
