import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { cairn, sh, tempDir, testEnv, writeTree } from './cli.js';
import { corruptObject, hasObject, objectBytes, repoCache } from './storeObjects.js';

export interface ExchangeSetup {
  /** Configures the remote in the first clone (`cairn remote add -d` and `modify` calls); the config is committed. */
  addRemote(cwd: string, env: Record<string, string>): Promise<void>;
  /** What another clone must set up itself (secrets live in the uncommitted config.local.toml). */
  configureClone?(cwd: string, env: Record<string, string>): Promise<void>;
  /** For a read-only remote: how the first clone's objects get to it (e.g. a push to the directory nginx serves). */
  publish?(cwd: string, env: Record<string, string>): Promise<void>;
  /** The folder on the server's disk that holds the remote's objects, loose or packed (for the corruption check). */
  storeDir: string;
  home: string;
}

async function ok(cwd: string, args: string[], env: Record<string, string>) {
  const r = await cairn(cwd, args, env);
  assert.equal(r.code, 0, `cairn ${args.join(' ')}: ${r.stderr}`);
  return r;
}

/**
 * Two clones of one repo exchange data through a remote the way users do: add + push + git push in one, git pull +
 * cairn pull in the other; then a corrupted object on the remote is refused by name and never reaches the workspace.
 */
export async function checkTwoClonesExchange(setup: ExchangeSetup): Promise<void> {
  const tmp = tempDir('cairn-exchange-');
  try {
    const env = testEnv(setup.home);
    const origin = path.join(tmp.dir, 'origin.git');
    sh(tmp.dir, `git init -q --bare -b main ${origin}`, env);
    const a = path.join(tmp.dir, 'a');
    const b = path.join(tmp.dir, 'b');
    sh(tmp.dir, `git clone -q ${origin} a 2>/dev/null`, env);
    sh(a, 'git commit -q --allow-empty -m init && git push -q origin main', env);
    await ok(a, ['init'], env);
    await setup.addRemote(a, env);
    const files: Record<string, string> = { 'model.bin': 'weights v1' };
    for (let i = 0; i < 40; i++) files[`data/part-${i}.txt`] = `row ${i}\n`.repeat(i + 1);
    writeTree(a, files);
    await ok(a, ['add', 'data', 'model.bin'], env);
    if (setup.publish) await setup.publish(a, env);
    else {
      const push = await ok(a, ['push'], env);
      assert.match(push.stdout + push.stderr, /42 files pushed|pushed/);
      const again = await ok(a, ['push', '--json'], env);
      assert.equal(JSON.parse(again.stdout).transferred, 0, 'a second push sends nothing');
    }
    sh(a, 'git add -A && git commit -q -m data && git push -q origin main', env);

    sh(tmp.dir, `git clone -q ${origin} b`, env);
    await setup.configureClone?.(b, env);
    const pull = await ok(b, ['pull'], env);
    assert.match(pull.stdout + pull.stderr, /fetched|pulled|checked out|added/i);
    for (const [rel, content] of Object.entries(files)) assert.equal(readFileSync(path.join(b, rel), 'utf8'), content, rel);

    // A corrupt object on the remote: reported by path, never stored, never checked out.
    const oid = /oid: ([0-9a-f]{64})/.exec(readFileSync(path.join(a, 'model.bin.cairn'), 'utf8'))![1];
    const c = path.join(tmp.dir, 'c');
    sh(tmp.dir, `git clone -q ${origin} c`, env);
    await setup.configureClone?.(c, env);
    const good = objectBytes(setup.storeDir, oid).toString('latin1');
    corruptObject(setup.storeDir, oid, 'tampered');
    try {
      const bad = await cairn(c, ['pull', 'model.bin'], env);
      assert.equal(bad.code, 6, bad.stderr);
      assert.match(bad.stderr, /model\.bin/);
      assert.ok(!existsSync(path.join(c, 'model.bin')));
      assert.ok(!hasObject(repoCache(c), oid));
    } finally {
      corruptObject(setup.storeDir, oid, good);
    }
    mkdirSync(path.join(tmp.dir, 'done'));
  } finally {
    tmp.cleanup();
  }
}
