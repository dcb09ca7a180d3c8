import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { shellArgv, stageShell } from '../../src/pipeline/executor.js';
import { cairn, tempGitRepo, writeTree } from '../helpers/cli.js';

const PIPELINE = `stages:
  which:
    cmd: if [[ -n "$BASH_VERSION" ]]; then echo bash > shell.txt; else echo other > shell.txt; fi
    outs: [shell.txt]
`;

describe('stage commands run through the user\'s shell', () => {
  it('$SHELL wins, /bin/sh is the fallback, bash and zsh skip their rc files', () => {
    assert.equal(stageShell({ SHELL: '/usr/bin/bash' }), '/usr/bin/bash');
    assert.equal(stageShell({}), '/bin/sh');
    assert.equal(stageShell({ SHELL: '' }), '/bin/sh');
    assert.deepEqual(shellArgv('/usr/bin/bash', 'echo hi'), ['/usr/bin/bash', '--noprofile', '--norc', '-c', 'echo hi']);
    assert.deepEqual(shellArgv('/bin/zsh', 'x'), ['/bin/zsh', '--no-rcs', '-c', 'x']);
    assert.deepEqual(shellArgv('/bin/sh', 'x'), ['/bin/sh', '-c', 'x']);
  });

  it('with SHELL=bash, `[[ ... ]]` works in a stage command', async (t) => {
    const repo = tempGitRepo();
    t.after(() => repo.cleanup());
    writeTree(repo.dir, { 'cairn.yaml': PIPELINE });
    assert.equal((await cairn(repo.dir, ['init'], repo.env)).code, 0);
    const bash = '/usr/bin/bash';
    const r = await cairn(repo.dir, ['repro'], { ...repo.env, SHELL: bash });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(path.join(repo.dir, 'shell.txt'), 'utf8'), 'bash\n');
  });

  it('without SHELL, commands run through /bin/sh', async (t) => {
    const repo = tempGitRepo();
    t.after(() => repo.cleanup());
    writeTree(repo.dir, { 'cairn.yaml': 'stages:\n  which:\n    cmd: echo "$0" > shell.txt\n    outs: [shell.txt]\n' });
    assert.equal((await cairn(repo.dir, ['init'], repo.env)).code, 0);
    const r = await cairn(repo.dir, ['repro'], repo.env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(path.join(repo.dir, 'shell.txt'), 'utf8'), '/bin/sh\n');
  });

  it('a SHELL that does not exist fails the stage with a message naming it', async (t) => {
    const repo = tempGitRepo();
    t.after(() => repo.cleanup());
    writeTree(repo.dir, { 'cairn.yaml': PIPELINE });
    assert.equal((await cairn(repo.dir, ['init'], repo.env)).code, 0);
    const r = await cairn(repo.dir, ['repro'], { ...repo.env, SHELL: '/nonexistent/shell' });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /shell \/nonexistent\/shell .*does not exist/);
    assert.match(r.stderr, /set SHELL/);
  });
});
