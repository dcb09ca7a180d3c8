import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cairn, tempGitRepo } from '../helpers/cli.js';

const PIPELINE = `# stages of the demo
stages:
  prepare:
    cmd: python prep.py   # keep this comment
    outs: [data]
  build:
    foreach: [us, eu]
    do:
      cmd: make \${item}
      outs:
        - out/\${item}
`;

describe('cairn freeze / unfreeze', () => {
  const repo = tempGitRepo();
  const file = path.join(repo.dir, 'cairn.yaml');
  before(async () => {
    await cairn(repo.dir, ['init'], repo.env);
    writeFileSync(file, PIPELINE);
  });
  after(() => repo.cleanup());

  it('freeze adds only a `frozen: true` line; unfreeze restores the file byte for byte', async () => {
    const r = await cairn(repo.dir, ['freeze', 'prepare'], repo.env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(file, 'utf8'), PIPELINE.replace('    outs: [data]\n', '    outs: [data]\n    frozen: true\n'));
    const list = JSON.parse((await cairn(repo.dir, ['stage', 'list', '--json'], repo.env)).stdout);
    assert.equal(list.find((s: { name: string }) => s.name === 'prepare').frozen, true);
    assert.equal((await cairn(repo.dir, ['unfreeze', 'prepare'], repo.env)).code, 0);
    assert.equal(readFileSync(file, 'utf8'), PIPELINE);
  });

  it('a foreach group is frozen through its template; one instance alone is refused', async () => {
    const r = await cairn(repo.dir, ['freeze', 'build', '--json'], repo.env);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { frozen: true, stages: ['build@us', 'build@eu'] });
    assert.match(readFileSync(file, 'utf8'), /      cmd: make \$\{item\}\n      outs:\n        - out\/\$\{item\}\n      frozen: true\n/);
    const one = await cairn(repo.dir, ['unfreeze', 'build@us'], repo.env);
    assert.equal(one.code, 2);
    assert.match(one.stderr, /instance of the foreach\/matrix stage "build"/);
    assert.equal((await cairn(repo.dir, ['unfreeze', 'build'], repo.env)).code, 0);
    assert.equal(readFileSync(file, 'utf8'), PIPELINE);
  });

  it('an unknown stage is NOT_FOUND with a did-you-mean, and nothing changes even if other names were fine', async () => {
    const r = await cairn(repo.dir, ['freeze', 'prepare', 'prepair'], repo.env);
    assert.equal(r.code, 4);
    assert.match(r.stderr, /no stage named "prepair"/);
    assert.match(r.stderr, /did you mean "prepare"/);
    assert.equal(readFileSync(file, 'utf8'), PIPELINE);
  });
});
