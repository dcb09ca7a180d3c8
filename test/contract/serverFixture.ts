/** Set-up shared by the contract tests of backends that run against a real server on 127.0.0.1. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, type TestContext } from 'node:test';
import { objectRelPath } from '../../src/data/objectPath.js';
import { ObjectStore } from '../../src/data/objectStore.js';
import type { Remote } from '../../src/remote/remote.js';
import { oidOf, type ContractFixture } from './remoteContract.js';

/** One server for a whole test file: started on first use, stopped (and its files removed) after the file's tests. */
export function sharedServer<T extends { cleanup(): Promise<void> }>(start: () => Promise<T>): () => Promise<T> {
  let server: Promise<T> | null = null;
  after(async () => {
    if (server) await (await server).cleanup();
  });
  return () => (server ??= start());
}

/** Writes a file where the server keeps the remote's files, behind the remote's back. */
export function seedFile(dir: string, rel: string, data: Buffer): void {
  const file = path.join(dir, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, data);
}

/** A contract fixture for `remote`, whose files the server keeps in `dir` on this machine (seeded directly). */
export function folderFixture(remote: Remote, dir: string): ContractFixture {
  return {
    remote,
    cleanup: async () => {},
    seed: async (oid, data) => seedFile(dir, objectRelPath(oid), data),
    seedMeta: async (key, data) => seedFile(dir, `meta/${key}`, data),
    seedPack: async (file, data) => seedFile(dir, `packs/${file}`, data),
  };
}

/**
 * Kills the server while `remote` streams a big object out of `dir`: the download fails and the cache keeps nothing;
 * after a restart the same remote downloads it whole.
 */
export async function checkDownloadCutOff(t: TestContext, server: { stop(): Promise<void>; start(): Promise<void> }, remote: Remote, dir: string): Promise<void> {
  const data = randomBytes(48 * 1024 * 1024);
  const oid = oidOf(data);
  seedFile(dir, objectRelPath(oid), data);
  const cache = mkdtempSync(path.join(os.tmpdir(), 'cairn-cutoff-cache-'));
  t.after(() => rmSync(cache, { recursive: true, force: true }));
  const store = new ObjectStore(cache);
  let killed = false;
  const body = await remote.download(oid, {
    onBytes: (b) => {
      if (!killed && b > 1024 * 1024) {
        killed = true;
        void server.stop();
      }
    },
  });
  try {
    await assert.rejects(store.putStream(body, oid, 'big.bin'));
    assert.equal(await store.has(oid), false);
  } finally {
    await server.start();
  }
  const again = await store.putStream(await remote.download(oid), oid, 'big.bin');
  assert.equal(again.size, data.length);
}
