// cairn-test: both-layouts (scripts/run-tests.mjs runs this file on cache layouts 2 and 1)
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { CairnError } from '../../src/core/errors.js';
import { objectRelPath } from '../../src/data/objectPath.js';
import { SftpRemote } from '../../src/remote/sftpRemote.js';
import { startSshd } from '../helpers/sshd.js';
import { oidOf, runRemoteContract } from './remoteContract.js';
import { folderFixture, seedFile, sharedServer } from './serverFixture.js';

const sshd = sharedServer(startSshd);
let counter = 0;

runRemoteContract('sftp (OpenSSH)', async ({ readOnly }) => {
  const s = await sshd();
  const sub = `case-${++counter}`;
  const dir = path.join(s.dataDir, sub);
  return folderFixture(new SftpRemote({ name: 'origin', url: s.url(sub), settings: readOnly ? { read_only: true } : {}, env: { HOME: s.home } }), dir);
}, { bigFileSize: 8 * 1024 * 1024 });

async function rejectsWith(promise: Promise<unknown>, code: string, pattern: RegExp): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof CairnError, String(err));
    assert.equal(err.code, code, err.message);
    assert.match(err.message + ' ' + (err.hint ?? ''), pattern);
    return true;
  });
}

describe('sftp remote: logins, host keys and faults', () => {
  it('an unknown host key is refused with the ssh-keyscan line to add it', async () => {
    const s = await sshd();
    const home = path.join(s.dataDir, 'empty-home');
    mkdirSync(path.join(home, '.ssh'), { recursive: true });
    const remote = new SftpRemote({ name: 'origin', url: s.url('x'), settings: { keyfile: s.clientKey }, env: { HOME: home } });
    await rejectsWith(remote.exists([oidOf(Buffer.from('a'))]), 'AUTH', new RegExp(`host key for 127\\.0\\.0\\.1:${s.port} is not known.*ssh-keyscan -p ${s.port} 127\\.0\\.0\\.1`));
    await remote.close();
  });

  it('a changed host key is refused as a mismatch', async () => {
    const s = await sshd();
    const file = path.join(s.dataDir, 'wrong_known_hosts');
    // A valid ed25519 key that is not the server's.
    writeFileSync(file, `[127.0.0.1]:${s.port} ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n`);
    const remote = new SftpRemote({ name: 'origin', url: s.url('x'), settings: { known_hosts: file }, env: { HOME: s.home } });
    await rejectsWith(remote.exists([oidOf(Buffer.from('a'))]), 'AUTH', /does NOT match known_hosts/);
    await remote.close();
  });

  it('hashed known_hosts entries are understood', async () => {
    const s = await sshd();
    const { createHmac } = await import('node:crypto');
    const salt = randomBytes(20);
    const hash = createHmac('sha1', salt).update(`[127.0.0.1]:${s.port}`).digest('base64');
    const file = path.join(s.dataDir, 'hashed_known_hosts');
    writeFileSync(file, `|1|${salt.toString('base64')}|${hash} ${s.hostKeyLine}\n`);
    const remote = new SftpRemote({ name: 'origin', url: s.url('hashed'), settings: { known_hosts: file }, env: { HOME: s.home } });
    assert.equal((await remote.exists([oidOf(Buffer.from('a'))])).size, 0);
    await remote.close();
  });

  it('a user the server does not accept is an AUTH error naming the remote and the methods tried', async () => {
    const s = await sshd();
    const remote = new SftpRemote({ name: 'origin', url: s.url('x'), settings: { user: 'nobody' }, env: { HOME: s.home } });
    await rejectsWith(remote.exists([oidOf(Buffer.from('a'))]), 'AUTH', /authentication to remote "origin" .* as nobody failed \(tried key/);
    await remote.close();
  });

  it('a wrong password is an AUTH error and the password never appears in it', async () => {
    const s = await sshd();
    const home = path.join(s.dataDir, 'no-keys-home');
    mkdirSync(path.join(home, '.ssh'), { recursive: true });
    writeFileSync(path.join(home, '.ssh', 'known_hosts'), `[127.0.0.1]:${s.port} ${s.hostKeyLine}\n`);
    const remote = new SftpRemote({ name: 'origin', url: `ssh://root:s3cret-pw@127.0.0.1:${s.port}/tmp/x`, settings: {}, env: { HOME: home } });
    await assert.rejects(remote.exists([oidOf(Buffer.from('a'))]), (err: CairnError) => {
      assert.equal(err.code, 'AUTH');
      assert.doesNotMatch(err.message + (err.hint ?? ''), /s3cret-pw/);
      assert.match(err.message, /root:\*\*\*@/);
      return true;
    });
    await remote.close();
  });

  it('logs in with a key held by ssh-agent (SSH_AUTH_SOCK from the passed environment)', async () => {
    const s = await sshd();
    const dir = path.join(s.dataDir, 'agent');
    mkdirSync(dir);
    const home = path.join(dir, 'home');
    mkdirSync(path.join(home, '.ssh'), { recursive: true });
    writeFileSync(path.join(home, '.ssh', 'known_hosts'), readFileSync(s.knownHosts));
    const sock = path.join(dir, 'agent.sock');
    const agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
    try {
      for (let i = 0; i < 100 && !existsSync(sock); i++) await new Promise((r) => setTimeout(r, 20));
      const add = spawnSync('ssh-add', [s.clientKey], { env: { SSH_AUTH_SOCK: sock }, encoding: 'utf8' });
      assert.equal(add.status, 0, add.stderr);
      const remote = new SftpRemote({ name: 'origin', url: s.url('agent-store'), settings: {}, env: { HOME: home, SSH_AUTH_SOCK: sock } });
      assert.equal((await remote.exists([oidOf(Buffer.from('a'))])).size, 0);
      await remote.close();
    } finally {
      // Wait for the agent to remove its socket before the folder is cleaned up.
      const exited = new Promise((resolve) => agent.once('exit', resolve));
      agent.kill();
      await exited;
    }
  });

  it('uses a passphrase-protected key file with key_passphrase, and says what to do without it', async () => {
    const s = await sshd();
    const key = path.join(s.dataDir, 'locked_key');
    const gen = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'open sesame', '-f', key], { encoding: 'utf8' });
    assert.equal(gen.status, 0, gen.stderr);
    s.authorize(readFileSync(`${key}.pub`, 'utf8'));
    const settings = { keyfile: key, known_hosts: s.knownHosts };
    const without = new SftpRemote({ name: 'origin', url: s.url('pp'), settings, env: { HOME: '/nonexistent' } });
    await rejectsWith(without.exists([oidOf(Buffer.from('a'))]), 'AUTH', /key file .*locked_key cannot be used.*key_passphrase/);
    const withIt = new SftpRemote({ name: 'origin', url: s.url('pp'), settings: { ...settings, key_passphrase: 'open sesame' }, env: { HOME: '/nonexistent' } });
    assert.equal((await withIt.exists([oidOf(Buffer.from('a'))])).size, 0);
    await withIt.close();
  });

  it('ssh://host/~/path stores relative to the login folder', async () => {
    const s = await sshd();
    const remote = new SftpRemote({ name: 'origin', url: `ssh://root@127.0.0.1:${s.port}/~/homed/store`, settings: {}, env: { HOME: s.home } });
    const data = Buffer.from('in home');
    const file = path.join(s.dataDir, 'home-src');
    writeFileSync(file, data);
    await remote.upload(oidOf(data), file, data.length);
    assert.ok(existsSync(path.join(s.sftpHome, 'homed', 'store', objectRelPath(oidOf(data)))));
    assert.equal((await remote.exists([oidOf(data)])).size, 1);
    await remote.close();
  });

  it('folders removed behind its back (another clone\'s gc) are created again', async () => {
    const s = await sshd();
    const remote = new SftpRemote({ name: 'origin', url: s.url('vanish'), settings: {}, env: { HOME: s.home } });
    const data = Buffer.from('comes back');
    const file = path.join(s.dataDir, 'vanish-src');
    writeFileSync(file, data);
    await remote.upload(oidOf(data), file, data.length);
    rmSync(path.join(s.dataDir, 'vanish', 'objects'), { recursive: true, force: true });
    await remote.upload(oidOf(data), file, data.length);
    assert.equal((await remote.exists([oidOf(data)])).size, 1);
    await remote.close();
  });

  it('a closed port is a REMOTE error worth a retry', async () => {
    const s = await sshd();
    const remote = new SftpRemote({ name: 'origin', url: 'ssh://root@127.0.0.1:1/tmp/x', settings: {}, env: { HOME: s.home } });
    await assert.rejects(remote.exists([oidOf(Buffer.from('a'))]), (err: CairnError) => {
      assert.equal(err.code, 'REMOTE');
      assert.match(err.message, /could not connect to remote "origin" at 127\.0\.0\.1:1/);
      assert.equal(err.data?.transient, true);
      return true;
    });
  });

  it('the server dying mid-transfer fails the call, and after a restart the same remote reconnects and finishes', async () => {
    const s = await sshd();
    const remote = new SftpRemote({ name: 'origin', url: s.url('dies'), settings: {}, env: { HOME: s.home } });
    const data = randomBytes(24 * 1024 * 1024);
    const oid = oidOf(data);
    const file = path.join(s.dataDir, 'big-upload');
    writeFileSync(file, data);
    let killed = false;
    const upload = remote.upload(oid, file, data.length, {
      onBytes: (n) => {
        if (!killed && n > 1024 * 1024) {
          killed = true;
          void s.stop();
        }
      },
    });
    await assert.rejects(upload, (err: CairnError) => err instanceof CairnError && err.code === 'REMOTE');
    await s.start();
    assert.equal((await remote.exists([oid])).size, 0, 'no partial object under the final name');
    await remote.upload(oid, file, data.length);
    assert.equal((await remote.exists([oid])).size, 1);
    await remote.close();
  });
});

describe('sftp remote from the command line', () => {
  it('two clones exchange data through ssh://, and a corrupt object is refused', async () => {
    const s = await sshd();
    const { checkTwoClonesExchange } = await import('../helpers/exchange.js');
    await checkTwoClonesExchange({
      home: s.home,
      addRemote: async (cwd, env) => {
        const { cairn } = await import('../helpers/cli.js');
        const r = await cairn(cwd, ['remote', 'add', '-d', 'origin', s.url('exchange')], env);
        assert.equal(r.code, 0, r.stderr);
      },
      storeDir: path.join(s.dataDir, 'exchange'),
    });
  });

  it('an unknown host key stops a push with the ssh-keyscan hint, sending nothing', async (t) => {
    const s = await sshd();
    const { cairn, tempGitRepo, writeTree } = await import('../helpers/cli.js');
    const repo = tempGitRepo();
    t.after(() => repo.cleanup());
    assert.equal((await cairn(repo.dir, ['init'], repo.env)).code, 0);
    writeTree(repo.dir, { 'f.txt': 'x' });
    assert.equal((await cairn(repo.dir, ['add', 'f.txt'], repo.env)).code, 0);
    assert.equal((await cairn(repo.dir, ['remote', 'add', '-d', 'origin', s.url('hostkey')], repo.env)).code, 0);
    assert.equal((await cairn(repo.dir, ['remote', 'modify', 'origin', 'keyfile', s.clientKey], repo.env)).code, 0);
    const r = await cairn(repo.dir, ['push'], repo.env);
    assert.equal(r.code, 8, r.stderr);
    assert.match(r.stderr, new RegExp(`host key for 127\\.0\\.0\\.1:${s.port} is not known; add it with ssh-keyscan -p ${s.port} 127\\.0\\.0\\.1`));
    const known = path.join(repo.home, 'known_hosts');
    writeFileSync(known, readFileSync(s.knownHosts));
    assert.equal((await cairn(repo.dir, ['remote', 'modify', 'origin', 'known_hosts', known], repo.env)).code, 0);
    const ok = await cairn(repo.dir, ['push'], repo.env);
    assert.equal(ok.code, 0, ok.stderr);
  });
});

describe('sftp remote: resuming, status and gc from the command line', () => {
  it('a push after an interrupted one sends only what is missing; status and gc --remote work over ssh://', async (t) => {
    const s = await sshd();
    const { cairn, tempGitRepo, writeTree } = await import('../helpers/cli.js');
    const repo = tempGitRepo();
    t.after(() => repo.cleanup());
    const env = { ...repo.env, HOME: s.home };
    assert.equal((await cairn(repo.dir, ['init'], env)).code, 0);
    const files: Record<string, string> = {};
    for (let i = 0; i < 20; i++) files[`data/f${i}.txt`] = `file ${i}`;
    writeTree(repo.dir, { ...files, 'old.bin': 'no longer used' });
    assert.equal((await cairn(repo.dir, ['add', 'data', 'old.bin'], env)).code, 0);
    assert.equal((await cairn(repo.dir, ['remote', 'add', '-d', 'origin', s.url('resume')], env)).code, 0);
    // What an interrupted push leaves: some objects in place, and a partial upload under a temp name.
    const store = path.join(s.dataDir, 'resume');
    for (const content of Object.values(files).slice(0, 8)) seedFile(store, objectRelPath(oidOf(Buffer.from(content))), Buffer.from(content));
    seedFile(store, `objects/ab/.tmp-${'ab'.repeat(8)}-123456`, Buffer.from('partial'));
    const push = await cairn(repo.dir, ['push', '--json'], env);
    assert.equal(push.code, 0, push.stderr);
    const report = JSON.parse(push.stdout);
    // 12 files of the folder and old.bin were missing; the 8 seeded files were not sent again.
    assert.equal(report.transferred, 13, push.stdout);
    assert.equal(report.present, 8, push.stdout);
    const status = await cairn(repo.dir, ['status', '--remote', '--json'], env);
    assert.equal(status.code, 0, status.stderr + status.stdout);
    // Forget old.bin, then collect garbage on the remote.
    assert.equal((await cairn(repo.dir, ['remove', 'old.bin'], env)).code, 0);
    const oldOid = oidOf(Buffer.from('no longer used'));
    const gc = await cairn(repo.dir, ['gc', '--workspace', '--remote', '--force', '--json'], env);
    assert.equal(gc.code, 0, gc.stderr);
    const remote = new SftpRemote({ name: 'origin', url: s.url('resume'), settings: {}, env: { HOME: s.home } });
    assert.equal((await remote.exists([oldOid])).size, 0, 'gc removed the unreferenced object');
    assert.equal((await remote.exists(Object.values(files).map((c) => oidOf(Buffer.from(c))))).size, 20);
    await remote.close();
  });
});

describe('cairn get through an ssh:// remote', () => {
  it('downloads from a source repo whose default remote is SFTP, with the user\'s own keys', async (t) => {
    const s = await sshd();
    const { cairn, sh, tempDir, testEnv, writeTree } = await import('../helpers/cli.js');
    const tmp = tempDir('cairn-get-ssh-');
    t.after(() => tmp.cleanup());
    const env = testEnv(s.home);
    const src = path.join(tmp.dir, 'src');
    mkdirSync(src);
    sh(src, 'git init -q -b main . && git commit -q --allow-empty -m init', env);
    assert.equal((await cairn(src, ['init'], env)).code, 0);
    writeTree(src, { 'data/a.txt': 'over ssh', 'data/b.txt': 'too' });
    assert.equal((await cairn(src, ['add', 'data'], env)).code, 0);
    assert.equal((await cairn(src, ['remote', 'add', '-d', 'origin', s.url('get-src')], env)).code, 0);
    const push = await cairn(src, ['push'], env);
    assert.equal(push.code, 0, push.stderr);
    sh(src, 'git add -A && git commit -q -m data', env);
    // A clone has no cache: the data can only come from the SFTP remote.
    sh(tmp.dir, 'git clone -q src clone', env);
    const r = await cairn(tmp.dir, ['get', 'clone', 'data', '-o', 'got', '--json'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).from, ['remote "origin" of clone']);
    assert.equal(readFileSync(path.join(tmp.dir, 'got', 'a.txt'), 'utf8'), 'over ssh');
  });
});
