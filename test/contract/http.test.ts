// cairn-test: both-layouts (scripts/run-tests.mjs runs this file on cache layouts 2 and 1)
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { CairnError } from '../../src/core/errors.js';
import { objectRelPath } from '../../src/data/objectPath.js';
import { HttpRemote, parseIndexPage } from '../../src/remote/httpRemote.js';
import { startNginx } from '../helpers/nginx.js';
import { oidOf, runRemoteContract } from './remoteContract.js';
import { checkDownloadCutOff, folderFixture, seedFile, sharedServer } from './serverFixture.js';

const nginx = sharedServer(startNginx);
let counter = 0;

// Read-only: every case seeds the served folder directly and reads through the remote; write cases are skipped.
runRemoteContract('http (nginx, read-only)', async () => {
  const n = await nginx();
  const sub = `case-${++counter}`;
  const dir = path.join(n.root, sub);
  mkdirSync(dir);
  return folderFixture(new HttpRemote({ name: 'mirror', url: n.url(sub), settings: {}, env: {} }), dir);
});

describe('http remote', () => {
  it('reads metadata files and lists them through the directory index', async () => {
    const n = await nginx();
    seedFile(path.join(n.root, 'meta-case'), 'meta/runs/ab/one.json', Buffer.from('{"a":1}'));
    seedFile(path.join(n.root, 'meta-case'), 'meta/other/x', Buffer.from('x'));
    const remote = new HttpRemote({ name: 'mirror', url: n.url('meta-case'), settings: {}, env: {} });
    assert.equal((await remote.getMeta('runs/ab/one.json'))?.toString(), '{"a":1}');
    assert.deepEqual(await remote.listMeta('runs/'), ['runs/ab/one.json']);
    assert.deepEqual(await remote.listMeta(''), ['other/x', 'runs/ab/one.json']);
  });

  it('without directory indexes, existence falls back to HEAD and listing says why it cannot', async () => {
    const n = await nginx();
    const dir = path.join(n.root, 'noindex', 'store');
    const present = Array.from({ length: 80 }, (_, i) => Buffer.from(`object ${i}`));
    for (const data of present) seedFile(dir, objectRelPath(oidOf(data)), data);
    const remote = new HttpRemote({ name: 'mirror', url: n.url('noindex/store'), settings: {}, env: {} });
    const absent = Array.from({ length: 20 }, (_, i) => oidOf(Buffer.from(`absent ${i}`)));
    const found = await remote.exists([...present.map(oidOf), ...absent]);
    assert.equal(found.size, present.length);
    await assert.rejects(async () => {
      for await (const _ of remote.list()) void _;
    }, (err: CairnError) => err.code === 'REMOTE' && /does not publish directory listings/.test(err.message) && /autoindex/.test(err.hint ?? ''));
  });

  it('the server dying mid-download fails the stream, the cache keeps nothing, and a retry after restart succeeds', async (t) => {
    const n = await nginx();
    const remote = new HttpRemote({ name: 'mirror', url: n.url('dies'), settings: {}, env: {} });
    await checkDownloadCutOff(t, n, remote, path.join(n.root, 'dies'));
  });

  it('a server that is down is a transient REMOTE error naming the remote', async () => {
    const remote = new HttpRemote({ name: 'mirror', url: 'http://127.0.0.1:1/x', settings: {}, env: {} });
    await assert.rejects(remote.exists([oidOf(Buffer.from('x'))]), (err: CairnError) => {
      assert.equal(err.code, 'REMOTE');
      assert.match(err.message, /could not reach remote "mirror" \(http:\/\/127\.0\.0\.1:1\/x\)/);
      assert.equal(err.data?.transient, true);
      return true;
    });
  });

  it('parses nginx, Apache and python directory index pages', () => {
    const html = '<a href="../">../</a><a href="ab/">ab/</a><a href="?C=N;O=D">Name</a><a href="/abs">x</a><a href="f%20g">f g</a>';
    assert.deepEqual(parseIndexPage(html).sort(), ['ab/', 'f g']);
  });

  it('rejects a URL that is not http(s)', () => {
    assert.throws(() => new HttpRemote({ name: 'm', url: 'ftp://x/y', settings: {}, env: {} }), (err: CairnError) => err.code === 'INVALID');
  });
});

describe('http remote from the command line', () => {
  it('one clone publishes through a directory nginx serves, the other pulls over http://', async () => {
    const n = await nginx();
    const { cairn } = await import('../helpers/cli.js');
    const { checkTwoClonesExchange } = await import('../helpers/exchange.js');
    const served = path.join(n.root, 'exchange');
    const home = path.join(n.root, '..', 'home');
    mkdirSync(home, { recursive: true });
    await checkTwoClonesExchange({
      home,
      addRemote: async (cwd, env) => {
        const r = await cairn(cwd, ['remote', 'add', '-d', 'origin', n.url('exchange')], env);
        assert.equal(r.code, 0, r.stderr);
      },
      publish: async (cwd, env) => {
        // Writes to http:// are refused and change nothing; the files get there through a directory remote.
        const refused = await cairn(cwd, ['push'], env);
        assert.equal(refused.code, 9, refused.stderr);
        assert.match(refused.stderr, /read-only/);
        assert.equal((await cairn(cwd, ['remote', 'add', 'disk', served], env)).code, 0);
        const push = await cairn(cwd, ['push', '-r', 'disk'], env);
        assert.equal(push.code, 0, push.stderr);
      },
      storeDir: served,
    });
  });
});
