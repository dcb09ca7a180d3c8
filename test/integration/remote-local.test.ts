import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeContext } from '../../src/core/context.js';
import { openLocalRemote } from '../../src/remote/localRemote.js';
import { runRemoteContract } from '../contract/remoteContract.js';

runRemoteContract('local directory', async ({ readOnly }) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cairn-local-remote-'));
  const root = path.join(dir, 'remote');
  const remote = await openLocalRemote('test', root, readOnly ? { read_only: true } : {}, makeContext({ cwd: dir }));
  return {
    remote,
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
    seed: async (oid, data) => {
      const file = path.join(root, 'objects', oid.slice(0, 2), oid.slice(2));
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, data);
    },
    seedPack: async (file, data) => {
      mkdirSync(path.join(root, 'packs'), { recursive: true });
      writeFileSync(path.join(root, 'packs', file), data);
    },
  };
});
