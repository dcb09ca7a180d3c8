import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { PYTHON_CLIENT_DIR } from '../../src/sdk/index.js';
import { PROJECT_ROOT, tempDir } from '../helpers/cli.js';

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

  it('is built by `npm run build` into dist/python as a wheel that pip installs offline and that imports from there', (t) => {
    const wheel = path.join(PROJECT_ROOT, 'dist', 'python', 'cairn_client-0.1.0-py3-none-any.whl');
    assert.ok(existsSync(wheel), 'npm run build writes the wheel');
    if (spawnSync(python!, ['-m', 'pip', '--version']).status !== 0) return t.skip('pip is not installed');
    const tmp = tempDir('cairn-wheel-');
    t.after(tmp.cleanup);
    const target = path.join(tmp.dir, 'site');
    const install = spawnSync(python!, ['-m', 'pip', 'install', '--no-index', '--no-deps', '--quiet', '--disable-pip-version-check', '--target', target, wheel], { encoding: 'utf8' });
    assert.equal(install.status, 0, install.stderr);
    const r = spawnSync(python!, ['-c', 'import cairn; print(cairn.__file__)'], { cwd: tmp.dir, env: { PATH: process.env.PATH, PYTHONPATH: target }, encoding: 'utf8' });
    assert.equal(r.stdout.trim(), path.join(target, 'cairn', '__init__.py'));
  });

  it('is where the SDK says it is, so stages can put it on PYTHONPATH', () => {
    assert.equal(PYTHON_CLIENT_DIR, path.join(PROJECT_ROOT, 'clients', 'python'));
    assert.ok(existsSync(path.join(PYTHON_CLIENT_DIR, 'cairn', '__init__.py')));
  });
});
