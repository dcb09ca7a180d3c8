// cairn-test: both-layouts (scripts/run-tests.mjs runs this file on cache layouts 2 and 1)
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { cairn, sh, testEnv } from '../helpers/cli.js';
import { makeImportingRepo, makeSourceRepo, type SourceFixture } from '../helpers/sourceRepo.js';

describe('cairn import', () => {
  let f: SourceFixture;
  let dst: string;
  before(async () => {
    f = await makeSourceRepo();
    dst = await makeImportingRepo(f);
    sh(dst, 'git add -A && git commit -q -m cairn', f.env);
  });
  after(() => f.cleanup());

  it('brings a folder at a revision, records its source in the pointer and ignores the data in Git', async () => {
    const r = await cairn(dst, ['import', '../src', 'data/imgs', '--rev', 'v1', '-o', 'imgs'], f.env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(path.join(dst, 'imgs', 'a.txt'), 'utf8'), 'a1');
    const pointer = parseYaml(readFileSync(path.join(dst, 'imgs.cairn'), 'utf8'));
    assert.equal(pointer.kind, 'dir');
    assert.equal(pointer.files, 2);
    // A local source is recorded as an absolute path: it survives moving or cloning this repository.
    assert.equal(pointer.source.url, f.src);
    assert.equal(pointer.source.path, 'data/imgs');
    assert.equal(pointer.source.rev, 'v1');
    assert.equal(pointer.source.commit, sh(f.src, 'git rev-parse v1').trim());
    assert.match(readFileSync(path.join(dst, '.gitignore'), 'utf8'), /^\/imgs$/m);
    assert.match(r.stdout, /git add imgs\.cairn \.gitignore/);
    assert.deepEqual(sh(dst, 'git status --porcelain').trim().split('\n').sort(), ['?? .gitignore', '?? imgs.cairn']);
    // The objects are in this repo's cache, so status and checkout treat the import like any tracked folder.
    const st = await cairn(dst, ['status', '--json'], f.env);
    assert.equal(st.code, 0, st.stderr + st.stdout);
  });

  it('imports a single file into a subfolder, with --json', async () => {
    const r = await cairn(dst, ['import', '../src', 'model.bin', '-o', 'models/base.bin', '--json'], f.env);
    assert.equal(r.code, 0, r.stderr);
    const data = JSON.parse(r.stdout);
    assert.equal(data.path, 'models/base.bin');
    assert.equal(data.pointer, 'models/base.bin.cairn');
    assert.equal(data.kind, 'file');
    assert.equal(data.source.path, 'model.bin');
    assert.equal(data.source.rev, undefined);
    assert.equal(readFileSync(path.join(dst, 'models', 'base.bin'), 'utf8'), 'm1');
    assert.match(readFileSync(path.join(dst, 'models', '.gitignore'), 'utf8'), /^\/base\.bin$/m);
  });

  it('a clone of the importing repo gets the data through its own remote', async () => {
    assert.equal((await cairn(dst, ['remote', 'add', '-d', 'origin', '../dst-storage'], f.env)).code, 0);
    const push = await cairn(dst, ['push'], f.env);
    assert.equal(push.code, 0, push.stderr);
    sh(dst, 'git add -A && git commit -q -m imports', f.env);
    sh(f.base, 'git clone -q dst dst-clone', f.env);
    const clone = path.join(f.base, 'dst-clone');
    const pull = await cairn(clone, ['pull'], f.env);
    assert.equal(pull.code, 0, pull.stderr);
    assert.equal(readFileSync(path.join(clone, 'imgs', 'b.txt'), 'utf8'), 'b');
    assert.equal(readFileSync(path.join(clone, 'models', 'base.bin'), 'utf8'), 'm1');
  });

  it('imports a file the source tracks in Git itself, as cairn data here', async () => {
    const r = await cairn(dst, ['import', '../src', 'README.md', '-o', 'docs/README.src.md', '--json'], f.env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).kind, 'file');
    assert.equal(readFileSync(path.join(dst, 'docs', 'README.src.md'), 'utf8'), 'hello\n');
    assert.equal(parseYaml(readFileSync(path.join(dst, 'docs', 'README.src.md.cairn'), 'utf8')).source.path, 'README.md');
  });

  it('with core.autostage, stages the pointer and .gitignore itself', async () => {
    assert.equal((await cairn(dst, ['config', '--local', 'core.autostage', 'true'], f.env)).code, 0);
    try {
      const r = await cairn(dst, ['import', '../src', 'model.bin', '-o', 'staged/model.bin'], f.env);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /Staged: staged\/model\.bin\.cairn staged\/\.gitignore/);
      const staged = sh(dst, 'git diff --cached --name-only').trim().split('\n');
      assert.ok(staged.includes('staged/model.bin.cairn') && staged.includes('staged/.gitignore'), staged.join(','));
    } finally {
      assert.equal((await cairn(dst, ['config', '--local', 'core.autostage', 'false'], f.env)).code, 0);
    }
  });

  it('refuses to import over an import, tracked data or untracked files, changing nothing', async () => {
    const before = readFileSync(path.join(dst, 'imgs.cairn'), 'utf8');
    const again = await cairn(dst, ['import', '../src', 'data/imgs', '-o', 'imgs'], f.env);
    assert.equal(again.code, 5);
    assert.match(again.stderr, /imgs is already imported from \/.*\/src\n/);
    assert.match(again.stderr, /cairn update imgs/);
    assert.equal(readFileSync(path.join(dst, 'imgs.cairn'), 'utf8'), before);
    writeFileSync(path.join(dst, 'notes.txt'), 'mine');
    const taken = await cairn(dst, ['import', '../src', 'model.bin', '-o', 'notes.txt'], f.env);
    assert.equal(taken.code, 5);
    assert.match(taken.stderr, /notes\.txt already exists/);
    assert.equal(readFileSync(path.join(dst, 'notes.txt'), 'utf8'), 'mine');
    assert.ok(!existsSync(path.join(dst, 'notes.txt.cairn')));
  });

  it('refuses to import onto a path a pipeline stage produces', async () => {
    writeFileSync(path.join(dst, 'cairn.yaml'), 'stages:\n  train:\n    cmd: echo m > weights.bin\n    outs: [weights.bin]\n');
    try {
      const r = await cairn(dst, ['import', '../src', 'model.bin', '-o', 'weights.bin'], f.env);
      assert.equal(r.code, 5, r.stderr);
      assert.match(r.stderr, /weights\.bin is an output of stage "train" in cairn\.yaml, so cairn import cannot track it too/);
      assert.ok(!existsSync(path.join(dst, 'weights.bin.cairn')));
      assert.ok(!existsSync(path.join(dst, 'weights.bin')));
    } finally {
      rmSync(path.join(dst, 'cairn.yaml'));
    }
  });

  it('explains bad inputs: outside the repo, not tracked, bad revision, not a cairn repo', async () => {
    const outside = await cairn(dst, ['import', '../src', 'model.bin', '-o', '../elsewhere.bin'], f.env);
    assert.equal(outside.code, 2);
    assert.match(outside.stderr, /outside the repository/);
    const nested = await cairn(dst, ['import', '../src', 'model.bin', '-o', 'imgs/model.bin'], f.env);
    assert.equal(nested.code, 5);
    assert.match(nested.stderr, /imgs\/model\.bin is inside imgs, which cairn already tracks/);
    assert.ok(!existsSync(path.join(dst, 'imgs', 'model.bin')));
    const internal = await cairn(dst, ['import', '../src', 'model.bin', '-o', '.cairn/x'], f.env);
    assert.equal(internal.code, 2);
    const nope = await cairn(dst, ['import', '../src', 'nothing/here'], f.env);
    assert.equal(nope.code, 4);
    assert.match(nope.stderr, /nothing\/here is not tracked in \.\.\/src/);
    assert.ok(!existsSync(path.join(dst, 'here')));
    const rev = await cairn(dst, ['import', '../src', 'model.bin', '--rev', 'no-such-tag', '-o', 'x.bin'], f.env);
    assert.equal(rev.code, 4);
    assert.ok(!existsSync(path.join(dst, 'x.bin.cairn')));
    const plain = path.join(f.base, 'plain');
    mkdirSync(plain);
    const notRepo = await cairn(plain, ['import', '../src', 'model.bin'], testEnv(f.home));
    assert.equal(notRepo.code, 4);
    assert.match(notRepo.stderr, /not a cairn repository/);
  });

  it('the recorded source still resolves after the importing repository is moved, and from a clone elsewhere', async () => {
    const moved = path.join(f.base, 'elsewhere', 'deeper', 'dst-moved');
    mkdirSync(path.dirname(moved), { recursive: true });
    sh(f.base, `cp -a dst-clone ${moved}`, f.env);
    const r = await cairn(moved, ['update', 'imgs', '--rev', 'main', '--json'], f.env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).updated[0].source.url, f.src);
    assert.equal(readFileSync(path.join(moved, 'imgs', 'a.txt'), 'utf8'), 'a2');
    const cloned = path.join(f.base, 'elsewhere', 'clone2');
    sh(f.base, `git clone -q ${moved} ${cloned}`, f.env);
    const u = await cairn(cloned, ['update', 'models/base.bin'], f.env);
    assert.equal(u.code, 0, u.stderr);
  });
});
