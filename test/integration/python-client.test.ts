import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { PYTHON_CLIENT_DIR } from '../../src/sdk/index.js';
import { PROJECT_ROOT } from '../helpers/cli.js';

const python = spawnSync('python3', ['--version']).status === 0 ? 'python3' : undefined;

describe('the Python client (clients/python)', { skip: python ? false : 'python3 is not installed' }, () => {
  it('passes its own unittest suites (lines, validation, endings, buffering, wheel)', () => {
    const tests = path.join(PROJECT_ROOT, 'clients', 'python', 'tests');
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CAIRN_')));
    const r = spawnSync(python!, ['-m', 'unittest', 'discover', '-s', tests, '-t', tests], {
      cwd: PROJECT_ROOT, env: { ...env, PYTHONDONTWRITEBYTECODE: '1' }, encoding: 'utf8', timeout: 300_000,
    });
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stderr, /^OK/m);
    assert.match(r.stderr, /Ran [1-9]\d* tests/);
  });

  it('is where the SDK says it is, so stages can put it on PYTHONPATH', () => {
    assert.equal(PYTHON_CLIENT_DIR, path.join(PROJECT_ROOT, 'clients', 'python'));
    assert.ok(existsSync(path.join(PYTHON_CLIENT_DIR, 'cairn', '__init__.py')));
  });
});
