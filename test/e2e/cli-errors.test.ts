import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { cairn, tempGitRepo } from '../helpers/cli.js';

/** Every usage error is printed once, as `error:` + `hint:` lines, and exits 2 (USAGE). */
function printedOnce(stderr: string, message: RegExp): void {
  const errors = stderr.split('\n').filter((l) => l.startsWith('error:'));
  assert.equal(errors.length, 1, `one error line, got:\n${stderr}`);
  assert.match(errors[0], message);
  assert.ok(stderr.split('\n').every((l) => l === '' || /^(error|hint): /.test(l)), `only error/hint lines:\n${stderr}`);
}

describe('usage errors of the command line', () => {
  const repo = tempGitRepo();
  after(() => repo.cleanup());

  it('prints an unknown option once, with the usage line and a did-you-mean', async () => {
    const r = await cairn(repo.dir, ['status', '--exit-cod'], repo.env);
    assert.equal(r.code, 2);
    printedOnce(r.stderr, /^error: unknown option '--exit-cod'$/);
    assert.match(r.stderr, /^hint: did you mean `--exit-code`\?$/m);
    assert.match(r.stderr, /^hint: usage: cairn status \[options\] \[paths\.\.\.\] \(see `cairn help status`\)$/m);
    assert.equal(r.stdout, '');
  });

  it('prints a missing argument once, naming the sub-command in the usage line', async () => {
    const r = await cairn(repo.dir, ['remote', 'add', 'origin'], repo.env);
    assert.equal(r.code, 2);
    printedOnce(r.stderr, /^error: missing required argument 'url'$/);
    assert.match(r.stderr, /usage: cairn remote add \[options\] <name> <url> \(see `cairn help remote add`\)/);
  });

  it('prints an option without its value once', async () => {
    const r = await cairn(repo.dir, ['push', '-j'], repo.env);
    assert.equal(r.code, 2);
    printedOnce(r.stderr, /option '-j, --jobs <n>' argument missing/);
  });

  it('refuses excess arguments instead of ignoring them', async () => {
    const r = await cairn(repo.dir, ['init', 'extra'], repo.env);
    assert.equal(r.code, 2);
    printedOnce(r.stderr, /too many arguments: `cairn init` takes no arguments, and "extra" is left over/);
    assert.equal(existsSync(path.join(repo.dir, '.cairn')), false, 'nothing was initialized');
    const move = await cairn(repo.dir, ['move', 'a', 'b', 'c d'], repo.env);
    assert.equal(move.code, 2);
    printedOnce(move.stderr, /`cairn move` takes at most 2 arguments, and "c d" is left over/);
  });

  it('suggests the closest command and sub-command for a typo', async () => {
    const top = await cairn(repo.dir, ['stauts'], repo.env);
    assert.equal(top.code, 2);
    printedOnce(top.stderr, /unknown command "stauts"/);
    assert.match(top.stderr, /did you mean `cairn status`\?/);
    const sub = await cairn(repo.dir, ['remote', 'ad', 'origin', '/tmp/x'], repo.env);
    assert.equal(sub.code, 2);
    printedOnce(sub.stderr, /unknown command "cairn remote ad"/);
    assert.match(sub.stderr, /did you mean `cairn remote add`\? `cairn remote` takes one of: add, list, modify, remove, rename, default/);
  });

  it('reports usage errors as JSON on stdout under --json, and nothing on stderr', async () => {
    for (const args of [['add', '--json', '--bogus', 'x'], ['add', '--json'], ['fsck', 'extra', '--json'], ['remote', 'ad', '--json']]) {
      const r = await cairn(repo.dir, args, repo.env);
      assert.equal(r.code, 2, args.join(' '));
      assert.equal(r.stderr, '', args.join(' '));
      const { error } = JSON.parse(r.stdout);
      assert.equal(error.code, 'USAGE');
      assert.match(error.hint, /usage: cairn /);
    }
  });

  it('treats a command of sub-commands typed alone as a usage error, with its help on stderr', async () => {
    const r = await cairn(repo.dir, ['remote'], repo.env);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /Usage: cairn remote \[options\] \[command\]/);
    const help = await cairn(repo.dir, ['help', 'remote'], repo.env);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Usage: cairn remote/);
  });
});
