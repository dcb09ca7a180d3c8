import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Command } from 'commander';
import { COMMAND_GROUPS, COMMANDS } from '../../src/cli/registry.js';
import { cairn, tempGitRepo } from '../helpers/cli.js';

describe('cairn help', () => {
  const repo = tempGitRepo();
  after(() => repo.cleanup());

  it('cairn alone prints the short help on stdout, every command by area, and exits 2 (usage) as git alone does', async () => {
    const r = await cairn(repo.dir, [], repo.env);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, '');
    assert.match(r.stdout, /^usage: cairn /);
    for (const group of COMMAND_GROUPS) {
      assert.match(r.stdout, new RegExp(`^  ${group.title}: +${group.commands.map((c) => c.name).join(' ')}$`, 'm'));
    }
    assert.match(r.stdout, /`cairn help <command>` shows its options and examples/);
  });

  it('cairn --help lists every command with its summary under its area, and exits 0', async () => {
    for (const args of [['--help'], ['help'], ['-h']]) {
      const r = await cairn(repo.dir, args, repo.env);
      assert.equal(r.code, 0, args.join(' '));
      for (const group of COMMAND_GROUPS) assert.match(r.stdout, new RegExp(`^${group.title}:$`, 'm'));
      const width = Math.max(...COMMANDS.map((c) => c.name.length));
      for (const c of COMMANDS) assert.ok(r.stdout.includes(`  ${c.name.padEnd(width)}  ${c.summary}\n`), `${args.join(' ')} lists ${c.name}`);
      assert.match(r.stdout, /-q, --quiet/);
    }
  });

  it('every sub-command has help with an example of its own and the global options', async () => {
    for (const entry of COMMANDS) {
      const module = await entry.load();
      const cmd = new Command(entry.name);
      module.configure(cmd);
      // Hidden sub-commands (`queue exec`, what `queue start` runs) are internal and not shown in help.
      for (const sub of cmd.commands.filter((c) => !(c as unknown as { _hidden?: boolean })._hidden)) {
        const r = await cairn(repo.dir, ['help', entry.name, sub.name()], repo.env);
        assert.equal(r.code, 0, `help ${entry.name} ${sub.name()}: ${r.stderr}`);
        assert.match(r.stdout, new RegExp(`^Usage: cairn ${entry.name} ${sub.name()} `, 'm'));
        assert.match(r.stdout, new RegExp(`Examples:\\n(  .*\\n)*  cairn ${entry.name} ${sub.name()}\\b`), `help ${entry.name} ${sub.name()} has its own example`);
        assert.match(r.stdout, /Global options: -q/);
      }
    }
  });
});
