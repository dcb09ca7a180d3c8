import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'smol-toml';
import { CairnError } from '../../src/core/errors.js';
import { setKey, type RawConfig } from '../../src/core/config.js';
import { editTomlText } from '../../src/core/editTomlText.js';

/** Applies setKey edits to the parsed text and returns the edited text, as config writes do. */
function edit(text: string, ...changes: [string, unknown][]): string {
  const before = parse(text) as RawConfig;
  let after = before;
  for (const [key, value] of changes) after = setKey(after, key, value);
  return editTomlText(text, before, after, 'config.toml');
}

const FILE = `# cairn repository settings (committed).
# Secrets belong in config.local.toml.

[core]
# where push and pull go by default
remote = "origin"   # the team's NAS
autostage = false

# Remotes
[remote.origin]
url = "/mnt/nas/cairn"
jobs = 8 # the NAS is slow

# the cloud copy
[remote."s3 backup"]
url = 's3://bucket/prefix'

[cache]
link = [ "reflink", "copy" ]
`;

describe('editing TOML text in place', () => {
  it('changes one value and nothing else, keeping the comment after it', () => {
    assert.equal(edit(FILE, ['core.remote', 'backup']), FILE.replace('remote = "origin"   #', 'remote = "backup"   #'));
    assert.equal(edit(FILE, ['remote.origin.jobs', 16]), FILE.replace('jobs = 8 #', 'jobs = 16 #'));
    assert.equal(edit(FILE, ['cache.link', ['copy']]), FILE.replace('link = [ "reflink", "copy" ]', 'link = [ "copy" ]'));
  });

  it('adds a key at the end of its table, before the comments that introduce the next one', () => {
    const out = edit(FILE, ['remote.origin.read_only', true]);
    assert.equal(out, FILE.replace('jobs = 8 # the NAS is slow\n', 'jobs = 8 # the NAS is slow\nread_only = true\n'));
  });

  it('adds a table after the last table of its family, or at the end', () => {
    const out = edit(FILE, ['remote.team.url', 'ssh://host/srv']);
    assert.equal(out, FILE.replace(`url = 's3://bucket/prefix'\n`, `url = 's3://bucket/prefix'\n\n[remote.team]\nurl = "ssh://host/srv"\n`));
    const end = edit(FILE, ['pipeline.jobs', 2]);
    assert.equal(end, `${FILE}\n[pipeline]\njobs = 2\n`);
    assert.equal(edit('# only a comment\n', ['core.remote', 'x']), '# only a comment\n\n[core]\nremote = "x"\n');
    assert.equal(edit('', ['remote.my remote.url', '/x']), '[remote."my remote"]\nurl = "/x"\n');
  });

  it('removes a key line with its trailing comment', () => {
    assert.equal(edit(FILE, ['remote.origin.jobs', undefined]), FILE.replace('jobs = 8 # the NAS is slow\n', ''));
  });

  it('removes a whole table with the comments above and inside it, keeping those that introduce the next table', () => {
    const out = edit(FILE, ['remote.origin', undefined]);
    assert.equal(out, FILE.replace('# Remotes\n[remote.origin]\nurl = "/mnt/nas/cairn"\njobs = 8 # the NAS is slow\n\n', ''));
    const quoted = edit(FILE, ['remote.s3 backup', undefined]);
    assert.equal(quoted, FILE.replace(`# the cloud copy\n[remote."s3 backup"]\nurl = 's3://bucket/prefix'\n\n`, ''));
    assert.equal(edit('[core]\n# why\nremote = "x"\n', ['core.remote', undefined]), '');
    assert.equal(edit('[a]\nx = 1\n# about b\n\n[b]\ny = 2\n', ['a', undefined]), '# about b\n\n[b]\ny = 2\n');
  });

  it('renames a table in place, keeping its comments and the order of its keys', () => {
    const before = parse(FILE) as RawConfig;
    let after = setKey(before, 'remote.origin', undefined);
    after = setKey(after, 'remote.nas', (before.remote as RawConfig).origin);
    after = setKey(after, 'core.remote', 'nas');
    const out = editTomlText(FILE, before, after, 'config.toml');
    assert.equal(out, FILE.replace('[remote.origin]', '[remote.nas]').replace('remote = "origin"', 'remote = "nas"'));
  });

  it('writes strings TOML can read back, whatever they hold', () => {
    const value = 'a "quoted" \\ back\\slash\nnew line';
    const out = edit(FILE, ['remote.origin.url', value]);
    assert.equal((parse(out) as { remote: { origin: { url: string } } }).remote.origin.url, value);
  });

  it('keeps values that span lines intact, and replaces one whole', () => {
    const text = '[cache]\nlink = [\n  "reflink", # fastest\n  "copy",\n]\ndir = "/c"\n';
    assert.equal(edit(text, ['cache.dir', '/d']), text.replace('"/c"', '"/d"'));
    assert.equal(edit(text, ['cache.link', ['copy']]), '[cache]\nlink = [ "copy" ]\ndir = "/c"\n');
    assert.equal(edit(text, ['cache.link', undefined]), '[cache]\ndir = "/c"\n');
  });

  it('edits a file with Windows line endings', () => {
    const text = '# settings\r\n\r\n[core]\r\nremote = "a" # why\r\n';
    assert.equal(edit(text, ['core.remote', 'b']), text.replace('"a"', '"b"'));
    assert.equal(edit(text, ['core.remote', undefined]), '# settings\r\n');
  });

  it('edits dotted keys where they are', () => {
    const text = '[remote]\norigin.url = "/a" # here\n';
    assert.equal(edit(text, ['remote.origin.url', '/b']), '[remote]\norigin.url = "/b" # here\n');
  });

  const refused = (fn: () => void) => assert.throws(fn, (e: unknown) => e instanceof CairnError && e.code === 'INVALID' && /cannot update config\.toml without rewriting it/.test(e.message) && /nothing was written/.test(e.hint ?? ''));

  it('refuses, rather than lose anything, TOML it cannot edit in place', () => {
    refused(() => edit('[remote]\norigin = { url = "/a" }\n', ['remote.origin.jobs', 2]));
    refused(() => edit('[remote]\norigin = { url = "/a" }\n', ['remote.origin.url', '/b']));
    // a table defined by dotted keys cannot get a [header] of its own
    refused(() => edit('core.autostage = true\n', ['core.remote', 'x']));
  });
});

function withoutEmptyTables(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const entries = Object.entries(value).map(([k, v]) => [k, withoutEmptyTables(v)] as const);
  return Object.fromEntries(entries.filter(([, v]) => !(typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0)));
}

describe('editing TOML text in place, over many random config writes', () => {
  it('always reads back as the config written, and keeps the comments it did not remove', () => {
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const names = ['origin', 'nas', 's3 backup', 'team'];
    const keys = ['url', 'jobs', 'read_only', 'endpoint_url'];
    for (let round = 0; round < 20; round++) {
      let text = FILE;
      for (let step = 0; step < 25; step++) {
        const before = parse(text) as RawConfig;
        const remotes = Object.keys((before.remote as RawConfig | undefined) ?? {});
        const name = names[random(names.length)];
        let after: RawConfig;
        switch (random(5)) {
          case 0: after = setKey(before, `remote.${name}.${keys[random(keys.length)]}`, random(2) ? `/srv/${step}` : step + 1); break;
          case 1: after = setKey(before, `remote.${name}`, undefined); break;
          case 2: after = setKey(before, 'core.remote', random(2) ? name : undefined); break;
          case 3: after = setKey(before, 'cache.link', random(2) ? ['copy'] : ['reflink', 'hardlink']); break;
          default: {
            const from = remotes[random(Math.max(1, remotes.length))];
            if (!from || remotes.includes(name)) continue;
            after = setKey(setKey(before, `remote.${from}`, undefined), `remote.${name}`, (before.remote as RawConfig)[from]);
          }
        }
        text = editTomlText(text, before, after, 'config.toml');
        // Empty tables carry no setting; the text may drop one the config object still holds.
        assert.deepEqual(withoutEmptyTables(parse(text)), withoutEmptyTables(after), `round ${round} step ${step}:\n${text}`);
        assert.ok(text.startsWith('# cairn repository settings (committed).\n# Secrets belong in config.local.toml.\n'), text);
        assert.doesNotMatch(text, /\n\n\n/, 'never two blank lines in a row');
      }
    }
  });
});
