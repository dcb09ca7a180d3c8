import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { PROJECT_ROOT } from '../helpers/cli.js';

// --dry-run only: a real run would install packages and could replace node_modules.
const setup = (...args: string[]) => spawnSync('bash', [path.join(PROJECT_ROOT, 'scripts', 'setup.sh'), ...args], { encoding: 'utf8' });

describe('scripts/setup.sh', () => {
  it('sets up only what the demo needs for npm start, and the test servers for npm test', () => {
    const demo = setup('demo', '--dry-run');
    assert.equal(demo.status, 0, demo.stderr);
    assert.match(demo.stderr, /^setup: Debian packages for demo: git python3$/m);
    assert.doesNotMatch(demo.stderr, /apache2|nginx|openssh-server/);
    const test = setup('test', '--dry-run');
    assert.equal(test.status, 0, test.stderr);
    assert.match(test.stderr, /^setup: Debian packages for test: git openssh-server apache2 apache2-utils nginx postgresql git-lfs rsync chromium slurmctld slurmd slurm-client munge python3$/m);
  });

  it('says which scripts use which profile', () => {
    const read = (f: string) => readFileSync(path.join(PROJECT_ROOT, 'scripts', f), 'utf8');
    assert.match(read('demo.sh'), /^bash scripts\/setup\.sh demo$/m);
    assert.match(read('test.sh'), /^bash scripts\/setup\.sh test$/m);
  });

  it('refuses an unknown profile', () => {
    const r = setup('everything', '--dry-run');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /unknown profile "everything"/);
  });
});
