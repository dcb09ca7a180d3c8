import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cairn, tempGitRepo } from '../helpers/cli.js';

const COMMENTED = `# Team settings: ask Ana before changing the remote.

[core]
autostage = false # we stage by hand

# The NAS in room 2
[remote.nas]
url = "/mnt/nas/cairn"
jobs = 4   # more makes the NAS fall over

[cache]
# reflink on the CI machines, copy elsewhere
link = ["reflink", "copy"]
`;

/** Every command that writes `.cairn/config.toml` edits the lines it changes and keeps the rest, comments included. */
describe('config writes keep comments', () => {
  const repo = tempGitRepo();
  const configFile = path.join(repo.dir, '.cairn', 'config.toml');
  const localFile = path.join(repo.dir, '.cairn', 'config.local.toml');
  after(() => repo.cleanup());
  const read = () => readFileSync(configFile, 'utf8');
  const ok = async (...args: string[]) => {
    const r = await cairn(repo.dir, args, repo.env);
    assert.equal(r.code, 0, `cairn ${args.join(' ')}: ${r.stderr}`);
    return r;
  };
  const keepsComments = (text: string) => {
    for (const c of ['# Team settings: ask Ana', '# we stage by hand', '# reflink on the CI machines, copy elsewhere']) assert.ok(text.includes(c), `${c} kept in:\n${text}`);
  };

  before(async () => {
    await ok('init');
    writeFileSync(configFile, COMMENTED);
  });

  it('cairn config KEY VALUE changes one line in place and adds new keys to their table', async () => {
    await ok('config', 'core.autostage', 'true');
    assert.equal(read(), COMMENTED.replace('autostage = false #', 'autostage = true #'));
    await ok('config', 'pipeline.jobs', '2');
    assert.equal(read(), COMMENTED.replace('autostage = false #', 'autostage = true #') + '\n[pipeline]\njobs = 2\n');
    await ok('config', 'pipeline.jobs', '--unset');
    await ok('config', 'core.autostage', 'false');
    assert.equal(read(), COMMENTED);
  });

  it('remote add, modify, default, rename and remove keep every comment they do not remove', async () => {
    await ok('remote', 'add', '-d', 'cloud', 's3://bucket/prefix');
    let text = read();
    keepsComments(text);
    assert.ok(text.includes('# The NAS in room 2\n[remote.nas]\nurl = "/mnt/nas/cairn"\njobs = 4   # more makes the NAS fall over\n\n[remote.cloud]\nurl = "s3://bucket/prefix"\n'), text);
    assert.match(text, /\[core\]\nautostage = false # we stage by hand\nremote = "cloud"\n/);

    await ok('remote', 'modify', 'nas', 'jobs', '2');
    assert.ok(read().includes('jobs = 2   # more makes the NAS fall over'));
    await ok('remote', 'modify', 'cloud', 'secret_access_key', 'SECRET');
    assert.doesNotMatch(read(), /SECRET/, 'secrets go to config.local.toml');
    assert.match(readFileSync(localFile, 'utf8'), /\[remote\.cloud\]\nsecret_access_key = "SECRET"/);

    await ok('remote', 'default', 'nas');
    assert.match(read(), /remote = "nas"/);
    await ok('remote', 'rename', 'nas', 'room2');
    text = read();
    assert.ok(text.includes('# The NAS in room 2\n[remote.room2]\nurl = "/mnt/nas/cairn"\njobs = 2   # more makes the NAS fall over\n'), text);
    assert.match(text, /remote = "room2"/);
    assert.match(readFileSync(localFile, 'utf8'), /secret_access_key/);

    await ok('remote', 'remove', 'cloud');
    text = read();
    keepsComments(text);
    assert.doesNotMatch(text, /cloud/);
    assert.doesNotMatch(readFileSync(localFile, 'utf8'), /cloud|SECRET/);
    await ok('remote', 'default', '--unset');
    await ok('remote', 'remove', 'room2');
    assert.equal(read(), `# Team settings: ask Ana before changing the remote.

[core]
autostage = false # we stage by hand

[cache]
# reflink on the CI machines, copy elsewhere
link = ["reflink", "copy"]
`);
  });

  it('a password in a remote URL still goes to config.local.toml', async () => {
    await ok('remote', 'add', 'dav', 'webdavs://ana:pw@host/dav');
    assert.match(read(), /\[remote\.dav\]\nurl = "webdavs:\/\/ana@host\/dav"/);
    assert.match(readFileSync(localFile, 'utf8'), /password = "pw"/);
    keepsComments(read());
    await ok('remote', 'remove', 'dav');
  });

  it('refuses, changing nothing, a layout it cannot edit in place', async () => {
    const inline = '# inline tables are valid TOML\nremote = { nas = { url = "/mnt/nas" } }\n';
    writeFileSync(configFile, inline);
    const r = await cairn(repo.dir, ['remote', 'modify', 'nas', 'jobs', '2'], repo.env);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /cannot update .*config\.toml without rewriting it/);
    assert.match(r.stderr, /hint: edit the file by hand; nothing was written/);
    assert.equal(read(), inline);
  });
});
