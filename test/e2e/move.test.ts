// cairn-test: both-layouts (scripts/run-tests.mjs runs this file on cache layouts 2 and 1)
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cairn, sh, tempGitRepo } from '../helpers/cli.js';
import { trackFixture } from '../helpers/trackFixture.js';
import { parsePointer } from '../../src/data/pointer.js';

describe('cairn move', () => {
  const repo = tempGitRepo();
  after(() => repo.cleanup());
  const read = (rel: string) => readFileSync(path.join(repo.dir, rel), 'utf8');

  before(async () => {
    assert.equal((await cairn(repo.dir, ['init'], repo.env)).code, 0);
    await trackFixture(repo.dir, 'data/raw', { 'a.csv': '1', 'sub/b.csv': '2' });
    await trackFixture(repo.dir, 'model.bin', 'weights');
    await trackFixture(repo.dir, 'frozen', { 'f.txt': 'f' });
    mkdirSync(path.join(repo.dir, 'data'), { recursive: true });
    sh(repo.dir, "printf '/raw\\n' > data/.gitignore && printf '/model.bin\\n/frozen\\n' > .gitignore", repo.env);
    sh(repo.dir, 'git add -A && git commit -qm tracked', repo.env);
  });

  it('renames a directory: data, pointer (with its new name) and .gitignore entries follow', async () => {
    const r = await cairn(repo.dir, ['move', 'data/raw', 'archive'], repo.env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(read('archive/sub/b.csv'), '2');
    assert.ok(!existsSync(path.join(repo.dir, 'data/raw')) && !existsSync(path.join(repo.dir, 'data/raw.cairn')));
    assert.equal(parsePointer(read('archive.cairn'), 'archive.cairn').path, 'archive');
    assert.match(read('.gitignore'), /^\/archive$/m);
    assert.ok(!existsSync(path.join(repo.dir, 'data/.gitignore')), 'a .gitignore left empty is removed');
    assert.match(r.stdout, /git add archive\.cairn data\/raw\.cairn/);
  });

  it('moves into an existing folder, given the pointer path', async () => {
    mkdirSync(path.join(repo.dir, 'models'));
    const r = await cairn(repo.dir, ['move', 'model.bin.cairn', 'models', '--json'], repo.env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).to, 'models/model.bin');
    assert.equal(read('models/model.bin'), 'weights');
    assert.match(read('models/.gitignore'), /^\/model\.bin$/m);
    assert.doesNotMatch(read('.gitignore'), /model\.bin/);
  });

  it('refuses an untracked source, an existing destination, a destination inside a tracked path, or outside the repo', async () => {
    const before = sh(repo.dir, 'find . -path ./.git -prune -o -print | sort', repo.env);
    const cases: Array<[string[], number, RegExp]> = [
      [['move', 'nope', 'x'], 4, /not tracked by cairn/],
      [['move', 'archive', 'frozen'], 5, /frozen already exists/],
      [['move', 'archive', 'frozen/inner'], 5, /inside frozen, which cairn already tracks/],
      [['move', 'archive', '../away'], 2, /outside the repository/],
      [['move', 'archive', 'archive/deeper'], 2, /into itself/],
      [['move', 'archive', '.cairn/x'], 2, /own folder/],
    ];
    for (const [args, code, message] of cases) {
      const r = await cairn(repo.dir, args, repo.env);
      assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
    }
    assert.equal(sh(repo.dir, 'find . -path ./.git -prune -o -print | sort', repo.env), before);
  });
});
