import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CairnError } from '../../src/core/errors.js';
import { extractHrefs, httpTarget, urlFor } from '../../src/remote/httpClient.js';
import { sshTarget } from '../../src/remote/sftpTarget.js';
import { isRemoteGitUrl, normalizeSourcePath } from '../../src/remote/sourceRepo.js';
import { parseMultistatus } from '../../src/remote/webdavRemote.js';

describe('ssh:// remote URLs', () => {
  it('takes user, port and path from the URL, and options over them', () => {
    const t = sshTarget({ name: 'o', url: 'ssh://alice@host.example:2222/srv/cairn/', settings: {}, env: {} });
    assert.deepEqual([t.user, t.host, t.port, t.root], ['alice', 'host.example', 2222, '/srv/cairn']);
    const o = sshTarget({ name: 'o', url: 'ssh://alice@host.example/srv', settings: { user: 'bob', port: 2200 }, env: {} });
    assert.deepEqual([o.user, o.port], ['bob', 2200]);
    const d = sshTarget({ name: 'o', url: 'ssh://host.example/srv', settings: {}, env: { USER: 'carol' } });
    assert.deepEqual([d.user, d.port], ['carol', 22]);
  });

  it('reads /~/path as a folder in the login\'s home (a relative SFTP path)', () => {
    assert.equal(sshTarget({ name: 'o', url: 'ssh://host/~/cairn/store', settings: {}, env: {} }).root, 'cairn/store');
    assert.throws(() => sshTarget({ name: 'o', url: 'ssh://host/~/', settings: {}, env: {} }), (e: CairnError) => e.code === 'INVALID');
  });

  it('keeps a password out of the display URL', () => {
    const t = sshTarget({ name: 'o', url: 'ssh://alice:pw@host/x', settings: {}, env: {} });
    assert.equal(t.password, 'pw');
    assert.equal(t.displayUrl, 'ssh://alice:***@host/x');
  });

  it('rejects a URL without a folder, or a bad port', () => {
    assert.throws(() => sshTarget({ name: 'o', url: 'ssh://host', settings: {}, env: {} }), (e: CairnError) => e.code === 'INVALID');
    assert.throws(() => sshTarget({ name: 'o', url: 'ssh://host/x', settings: { port: 'abc' }, env: {} }), (e: CairnError) => e.code === 'INVALID');
  });
});

describe('webdav and http URLs', () => {
  it('maps webdav(s) to http(s), moves credentials into a header and escapes paths', () => {
    const t = httpTarget({ name: 'd', url: 'webdavs://u:p%40ss@dav.example/remote.php/dav', settings: {}, env: {} }, 'WebDAV', { 'webdav:': 'http:', 'webdavs:': 'https:' });
    assert.equal(t.base.href, 'https://dav.example/remote.php/dav/');
    assert.equal(t.authorization, `Basic ${Buffer.from('u:p@ss').toString('base64')}`);
    assert.equal(t.displayUrl, 'webdavs://u:***@dav.example/remote.php/dav');
    assert.equal(urlFor(t, 'meta/a b/c').href, 'https://dav.example/remote.php/dav/meta/a%20b/c');
    const token = httpTarget({ name: 'd', url: 'https://h/x', settings: { token: 'tok' }, env: {} }, 'HTTP', { 'https:': 'https:' });
    assert.equal(token.authorization, 'Bearer tok');
  });

  it('reads PROPFIND answers with any namespace prefix and absolute or relative hrefs', () => {
    const xml = `<?xml version="1.0"?><d:multistatus xmlns:d="DAV:">
      <d:response><d:href>/dav/objects/</d:href><d:propstat><d:prop><d:resourcetype><d:collection/></d:resourcetype></d:prop></d:propstat></d:response>
      <d:response><d:href>http://h/dav/objects/ab/</d:href><d:propstat><d:prop><d:resourcetype><d:collection /></d:resourcetype></d:prop></d:propstat></d:response>
      <D:response xmlns:D="DAV:"><D:href>/dav/objects/x%20y</D:href><D:propstat><D:prop><D:resourcetype/></D:prop></D:propstat></D:response>
    </d:multistatus>`;
    assert.deepEqual(parseMultistatus(xml), [
      { path: '/dav/objects/', collection: true },
      { path: '/dav/objects/ab/', collection: true },
      { path: '/dav/objects/x y', collection: false },
    ]);
    assert.deepEqual(extractHrefs('<a href="a&amp;b">x</a>'), ['a&b']);
  });
});

describe('get and import sources', () => {
  it('tells Git URLs from folder paths', () => {
    for (const url of ['https://github.com/o/r.git', 'ssh://git@h/r', 'git@github.com:o/r.git', 'file:///srv/r', 'buildhost:repos/r.git']) assert.ok(isRemoteGitUrl(url), url);
    for (const url of ['../r', '/srv/r', 'r', 'C:/r']) assert.ok(!isRemoteGitUrl(url), url);
  });

  it('normalizes source paths and refuses ones that leave the repository', () => {
    assert.equal(normalizeSourcePath('./data/imgs/'), 'data/imgs');
    for (const bad of ['../x', '/etc/passwd', 'a/../../b', '', '.']) {
      assert.throws(() => normalizeSourcePath(bad), (e: CairnError) => e.code === 'USAGE', bad);
    }
  });
});
