// cairn-test: both-layouts (scripts/run-tests.mjs runs this file on cache layouts 2 and 1)
import assert from 'node:assert/strict';
import { chownSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { CairnError } from '../../src/core/errors.js';
import { WebdavRemote } from '../../src/remote/webdavRemote.js';
import { startApacheDav } from '../helpers/apache.js';
import { oidOf, runRemoteContract } from './remoteContract.js';
import { checkDownloadCutOff, folderFixture, sharedServer } from './serverFixture.js';

const apache = sharedServer(startApacheDav);
let counter = 0;

runRemoteContract('webdav (Apache mod_dav)', async ({ readOnly }) => {
  const a = await apache();
  const sub = `case-${++counter}`;
  const dir = path.join(a.davDir, sub);
  return folderFixture(new WebdavRemote({ name: 'origin', url: a.url(sub), settings: readOnly ? { read_only: true } : {}, env: {} }), dir);
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

  it('folders removed behind its back (another clone\'s gc) are created again', async () => {
    const a = await apache();
    const remote = new WebdavRemote({ name: 'origin', url: a.url('vanish'), settings: {}, env: {} });
    const data = Buffer.from('comes back');
    const file = path.join(a.davDir, '..', 'vanish-src');
    writeFileSync(file, data);
    await remote.upload(oidOf(data), file, data.length);
    rmSync(path.join(a.davDir, 'vanish', 'objects'), { recursive: true, force: true });
    await remote.upload(oidOf(data), file, data.length);
    assert.equal((await remote.exists([oidOf(data)])).size, 1);
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

  it('the server dying mid-download fails the stream and the cache keeps nothing', async (t) => {
    const a = await apache();
    const remote = new WebdavRemote({ name: 'origin', url: a.url('dies'), settings: {}, env: {} });
    await checkDownloadCutOff(t, a, remote, path.join(a.davDir, 'dies'));
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

describe('webdav remote from the command line', () => {
  it('two clones exchange data through webdav:// behind basic auth, the password kept out of committed config', async () => {
    const a = await apache();
    const { cairn } = await import('../helpers/cli.js');
    const { checkTwoClonesExchange } = await import('../helpers/exchange.js');
    const setPassword = async (cwd: string, env: Record<string, string>) => {
      const r = await cairn(cwd, ['remote', 'modify', 'origin', 'password', a.password], env);
      assert.equal(r.code, 0, r.stderr);
    };
    await checkTwoClonesExchange({
      home: a.davDir,
      addRemote: async (cwd, env) => {
        const r = await cairn(cwd, ['remote', 'add', '-d', 'origin', a.secureUrl('exchange')], env);
        assert.equal(r.code, 0, r.stderr);
        assert.equal((await cairn(cwd, ['remote', 'modify', 'origin', 'user', a.user], env)).code, 0);
        await setPassword(cwd, env);
        const committed = readFileSync(path.join(cwd, '.cairn', 'config.toml'), 'utf8');
        assert.doesNotMatch(committed, new RegExp(a.password));
      },
      configureClone: setPassword,
      storeDir: path.join(a.secureDir, 'exchange'),
    });
  });

  it('a wrong password stops a push with an AUTH error that names the remote and hides the password', async (t) => {
    const a = await apache();
    const { cairn, tempGitRepo, writeTree } = await import('../helpers/cli.js');
    const repo = tempGitRepo();
    t.after(() => repo.cleanup());
    assert.equal((await cairn(repo.dir, ['init'], repo.env)).code, 0);
    writeTree(repo.dir, { 'f.txt': 'x' });
    assert.equal((await cairn(repo.dir, ['add', 'f.txt'], repo.env)).code, 0);
    const url = a.secureUrl('wrong').replace('webdav://', `webdav://${a.user}:not-the-password@`);
    assert.equal((await cairn(repo.dir, ['remote', 'add', '-d', 'origin', url], repo.env)).code, 0);
    const r = await cairn(repo.dir, ['push', '--json'], repo.env);
    assert.equal(r.code, 8, r.stderr);
    const err = JSON.parse(r.stdout).error;
    assert.equal(err.code, 'AUTH');
    assert.match(err.message, /remote "origin"/);
    assert.doesNotMatch(r.stdout + r.stderr, /not-the-password/);
  });
});
