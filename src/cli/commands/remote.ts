import type { Command } from 'commander';
import { CairnError } from '../../core/errors.js';
import { openRepo } from '../../core/repo.js';
import {
  addRemote, defaultRemoteName, displayRemoteUrl, listRemotes, modifyRemote, redactOptions, removeRemote, renameRemote,
  setDefaultRemote,
} from '../../remote/remoteConfig.js';
import type { CliContext, CommandResult } from '../commandSpec.js';

export function configure(cmd: Command): void {
  cmd.command('add')
    .description('add a remote (a directory path, file://, s3://bucket/prefix, ssh://, webdav(s)://, http(s)://)')
    .argument('<name>', 'a short name such as origin')
    .argument('<url>', 'where the objects go')
    .option('-d, --default', 'make it the default remote')
    .option('-f, --force', 'replace a remote of the same name')
    .option('--local', 'write to .cairn/config.local.toml (not committed)')
    .option('--json', 'print the result as JSON');
  cmd.command('list')
    .description('list the remotes, the default first marked with *')
    .option('--json', 'print the result as JSON');
  cmd.command('modify')
    .description('set or unset one option of a remote (secrets always go to config.local.toml)')
    .argument('<name>', 'the remote')
    .argument('<option>', 'url, endpoint_url, region, profile, access_key_id, secret_access_key, jobs, read_only...')
    .argument('[value]', 'the new value')
    .option('--unset', 'remove the option')
    .option('--local', 'write to .cairn/config.local.toml (not committed)')
    .option('--json', 'print the result as JSON');
  cmd.command('remove')
    .description('remove a remote from the configuration (the data on it stays)')
    .argument('<name>', 'the remote')
    .option('--json', 'print the result as JSON');
  cmd.command('rename')
    .description('rename a remote')
    .argument('<old>', 'its current name')
    .argument('<new>', 'the new name')
    .option('--json', 'print the result as JSON');
  cmd.command('default')
    .description('show or set the default remote')
    .argument('[name]', 'the remote to make the default')
    .option('--unset', 'clear the default')
    .option('--local', 'write to .cairn/config.local.toml (not committed)')
    .option('--json', 'print the result as JSON');
}

export async function run(ctx: CliContext, args: string[], opts: Record<string, unknown>, cmd: Command): Promise<CommandResult> {
  const repo = await openRepo({ cwd: ctx.cwd, env: ctx.env });
  const local = Boolean(opts.local);
  switch (cmd.name()) {
    case 'add': {
      const [name, url] = args;
      const spec = await addRemote(repo, ctx.env, { name, url, makeDefault: Boolean(opts.default), force: Boolean(opts.force), local });
      const moved = spec.options.password !== undefined ? ' (its password went to .cairn/config.local.toml)' : '';
      return { data: { name, url: displayRemoteUrl(spec.url), default: Boolean(opts.default) }, summary: [`Added remote "${name}" ${displayRemoteUrl(spec.url)}${opts.default ? ' (default)' : ''}${moved}`] };
    }
    case 'list': {
      const def = defaultRemoteName(repo);
      const remotes = listRemotes(repo).map((r) => ({
        name: r.name, url: displayRemoteUrl(r.url), default: r.name === def, options: redactOptions(r.options),
      }));
      const width = Math.max(0, ...remotes.map((r) => r.name.length));
      return {
        data: remotes,
        text: remotes.map((r) => `${r.default ? '*' : ' '} ${r.name.padEnd(width)}  ${r.url}`),
      };
    }
    case 'modify': {
      const [name, option, value] = args;
      if (value !== undefined && opts.unset) throw new CairnError('USAGE', 'give either a value or --unset, not both');
      await modifyRemote(repo, ctx.env, { name, option, value, unset: Boolean(opts.unset), local });
      const shown = opts.unset ? null : redactOptions({ [option]: option === 'url' ? displayRemoteUrl(value!) : value })[option];
      return { data: { name, option, value: shown }, summary: [opts.unset ? `Unset ${option} of remote "${name}"` : `Set ${option} of remote "${name}" to ${String(shown)}`] };
    }
    case 'remove': {
      const [name] = args;
      await removeRemote(repo, ctx.env, name);
      return { data: { name, removed: true }, summary: [`Removed remote "${name}" (the data stored on it was not touched)`] };
    }
    case 'rename': {
      const [from, to] = args;
      await renameRemote(repo, ctx.env, from, to);
      return { data: { from, to }, summary: [`Renamed remote "${from}" to "${to}"`] };
    }
    case 'default': {
      const [name] = args;
      if (name === undefined && !opts.unset) {
        const current = defaultRemoteName(repo);
        if (!current) throw new CairnError('NOT_FOUND', 'no default remote is set', { hint: 'set one with `cairn remote default NAME`' });
        return { data: { default: current }, text: current };
      }
      if (name !== undefined && opts.unset) throw new CairnError('USAGE', 'give either a name or --unset, not both');
      await setDefaultRemote(repo, ctx.env, name, local);
      return { data: { default: name ?? null }, summary: [name ? `Default remote is now "${name}"` : 'Cleared the default remote'] };
    }
    default:
      throw new CairnError('USAGE', `unknown remote sub-command "${cmd.name()}"`, { hint: 'see `cairn help remote`' });
  }
}
