import assert from 'node:assert/strict';
import { chownSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { CairnError } from '../../src/core/errors.js';
import { objectRelPath } from '../../src/data/objectPath.js';
import { WebdavRemote } from '../../src/remote/webdavRemote.js';
import { startApacheDav, type ApacheDav } from '../helpers/apache.js';
import { oidOf, runRemoteContract } from './remoteContract.js';

let server: Promise<ApacheDav> | null = null;
const apache = () => (server ??= startApacheDav());
after(async () => {
  if (server) await (await server).cleanup();
});
let counter = 0;

function seedFile(dir: string, rel: string, data: Buffer): void {
  const file = path.join(dir, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, data);
}

runRemoteContract('webdav (Apache mod_dav)', async ({ readOnly }) => {
  const a = await apache();
  const sub = `case-${++counter}`;
  const dir = path.join(a.davDir, sub);
  const remote = new WebdavRemote({ name: 'origin', url: a.url(sub), settings: readOnly ? { read_only: true } : {}, env: {} });
  return {
    remote,
    cleanup: async () => {},
    seed: async (oid, data) => seedFile(dir, objectRelPath(oid), data),
    seedMeta: async (key, data) => seedFile(dir, `meta/${key}`, data),
  };
}, { bigFileSize: 8 * 1024 * 1024 });

describe('webdav remote: credentials and faults', () => {
  it('with the right password it reads and writes behind basic auth', async () => {
    const a = await apache();
    const remote = new WebdavRemote({ name: 'secure', url: a.secureUrl('ok'), settings: { user: a.user, password: a.password }, env: {} });
    const data = Buffer.from('behind basic auth');
    const file = path.join(a.davDir, '..', 'upload-src');
    writeFileSync(file, data);
    await remote.upload(oidOf(data), file, data.length);
    assert.equal((await remote.exists([oidOf(data)])).size, 1);
  });

  it('a wrong password is an AUTH error naming the remote with the URL redacted', async () => {
    const a = await apache();
    const remote = new WebdavRemote({ name: 'secure', url: a.secureUrl('ok').replace('webdav://', `webdav://${a.user}:wrong-pw@`), settings: {}, env: {} });
    await assert.rejects(remote.exists([oidOf(Buffer.from('x'))]), (err: CairnError) => {
      assert.equal(err.code, 'AUTH');
      assert.match(err.message, /authentication to remote "secure" \(webdav:\/\/alice:\*\*\*@127\.0\.0\.1/);
      assert.doesNotMatch(err.message + (err.hint ?? ''), /wrong-pw/);
      return true;
    });
  });

  it('no credentials for a protected share is an AUTH error that says how to set them', async () => {
    const a = await apache();
    const remote = new WebdavRemote({ name: 'secure', url: a.secureUrl('ok'), settings: {}, env: {} });
    await assert.rejects(remote.exists([oidOf(Buffer.from('x'))]), (err: CairnError) => {
      assert.equal(err.code, 'AUTH');
      assert.match(err.hint ?? '', /cairn remote modify secure user/);
      return true;
    });
  });

  it('a folder the server may not write is a PERMISSION error', async () => {
    const a = await apache();
    const locked = path.join(a.davDir, 'locked');
    mkdirSync(locked, { mode: 0o555 });
    chownSync(locked, 0, 0);
    const remote = new WebdavRemote({ name: 'origin', url: a.url('locked'), settings: {}, env: {} });
    const data = Buffer.from('no room');
    const file = path.join(a.davDir, '..', 'locked-src');
    writeFileSync(file, data);
    await assert.rejects(remote.upload(oidOf(data), file, data.length), (err: CairnError) => {
      assert.ok(err.code === 'PERMISSION', `${err.code}: ${err.message}`);
      return true;
    });
  });

  it('a server that is down is a transient REMOTE error, and writes succeed once it is back', async () => {
    const a = await apache();
    const remote = new WebdavRemote({ name: 'origin', url: a.url('restart'), settings: {}, env: {} });
    await a.stop();
    try {
      await assert.rejects(remote.exists([oidOf(Buffer.from('x'))]), (err: CairnError) => {
        assert.equal(err.code, 'REMOTE');
        assert.match(err.message, /could not reach remote "origin"/);
        assert.equal(err.data?.transient, true);
        return true;
      });
    } finally {
      await a.start();
    }
    const data = Buffer.from('after restart');
    const file = path.join(a.davDir, '..', 'restart-src');
    writeFileSync(file, data);
    await remote.upload(oidOf(data), file, data.length);
    assert.equal((await remote.exists([oidOf(data)])).size, 1);
  });
});
