import type { Command } from 'commander';
import { CairnError } from '../../core/errors.js';
import type { CliContext, CommandResult } from '../commandSpec.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

function pushOptions(cmd: Command): Command {
  return cmd
    .option('--push', 'push the new tag to the Git remote')
    .option('--git-remote <name>', 'the Git remote to push to (default: the branch\'s remote, else origin)');
}

export function configure(cmd: Command): void {
  pushOptions(
    cmd
      .command('register')
      .description('Register a version: an annotated Git tag NAME@vX.Y.Z on a commit, with the path, oid, run and metrics in its message')
      .argument('<name>', 'the model (lowercase letters, digits, - and /; `dir/cairn.yaml:name` for a nested pipeline file)')
      .argument('[ref]', 'the commit to register (default HEAD)')
      .option('--path <path>', "the model's file or folder (default: its `artifacts:` entry in cairn.yaml)")
      .option('--version <version>', 'the version, SemVer with a leading v (default: the latest with its patch bumped; the first is v0.0.1)')
      .option('--bump <part>', 'bump major, minor or patch of the latest version')
      .option('--run <run-id>', 'the tracking run that produced it: its metrics and params are kept with the version')
      .option('--type <type>', 'the artifact type (default: from cairn.yaml), e.g. model')
      .option('--desc <text>', 'a description (default: from cairn.yaml)')
      .option('--label <label>', 'a label (repeatable; default: from cairn.yaml)', collect)
      .option('--json', 'print the new version as JSON'),
  );
  pushOptions(
    cmd
      .command('promote')
      .description('Point an alias (prod, staging...) at a version with a tag NAME#ALIAS#N; the highest N wins, history stays')
      .argument('<name>', 'the model')
      .argument('<version>', 'the version, e.g. v1.2.0')
      .requiredOption('--to <alias>', 'the alias to point at it')
      .option('--if <expr>', 'a gate over its metrics, e.g. "metrics.accuracy >= 0.9 and metrics.latency_ms < 20"; refused when false')
      .option('--run <run-id>', "evaluate the gate on this tracking run's metrics instead of the version's snapshot")
      .option('--json', 'print the promotion as JSON'),
  );
  pushOptions(
    cmd
      .command('demote')
      .description('Take an alias off the version it points at (a tag NAME#ALIAS!#N)')
      .argument('<name>', 'the model')
      .requiredOption('--from <alias>', 'the alias to clear')
      .option('--json', 'print the result as JSON'),
  );
  pushOptions(
    cmd
      .command('deprecate')
      .description('Deprecate one version (tag NAME@vX.Y.Z!#N) or the whole model (tag NAME@deprecated)')
      .argument('<name>', 'the model')
      .argument('[version]', 'the version (default: the whole model)')
      .option('--json', 'print the result as JSON'),
  );
  cmd
    .command('show')
    .description('The registry: each model with its latest version and aliases, or one model with every version')
    .argument('[name]', 'one model')
    .option('--json', 'print it as JSON');
  cmd
    .command('history')
    .description("A model's events from its tags: registrations, promotions, demotions, deprecations, with who and when")
    .argument('<name>', 'the model')
    .option('--json', 'print the events as JSON');
  cmd
    .command('get')
    .description("Download a version's files from the data remote at its commit, here or from another repository")
    .argument('<ref>', 'NAME (latest), NAME@vX.Y.Z or NAME#ALIAS')
    .option('-o, --out <path>', "where to write (default: the model path's base name)")
    .option('--repo <git-url>', 'read the registry of another repository (a Git URL or path), without keeping a clone')
    .option('-f, --force', 'replace an existing output')
    .option('-j, --jobs <n>', 'parallel downloads')
    .option('--json', 'print what was downloaded as JSON');
  cmd
    .command('bundle')
    .description('Write a deployable .tar.gz: the model files and a model card (commit, data, params, metrics, environment, stages, how to load and serve it)')
    .argument('<ref>', 'NAME@vX.Y.Z (or NAME#ALIAS, NAME)')
    .requiredOption('-o, --out <file>', 'the archive to write, e.g. model.tar.gz')
    .option('-f, --force', 'replace an existing archive')
    .option('--json', 'print the bundle contents as JSON');
}

export async function run(ctx: CliContext, args: string[], opts: Record<string, unknown>, cmd: Command): Promise<CommandResult> {
  switch (cmd.name()) {
    case 'register': return (await import('./model/modelRegister.js')).modelRegister(ctx, args, opts);
    case 'promote': return (await import('./model/modelPromote.js')).modelPromote(ctx, args, opts);
    case 'demote': return (await import('./model/modelDemote.js')).modelDemote(ctx, args[0], opts);
    case 'deprecate': return (await import('./model/modelDeprecate.js')).modelDeprecate(ctx, args, opts);
    case 'show': return (await import('./model/modelShow.js')).modelShow(ctx, args[0]);
    case 'history': return (await import('./model/modelHistory.js')).modelHistory(ctx, args[0]);
    case 'get': return (await import('./model/modelGet.js')).modelGet(ctx, args[0], opts);
    case 'bundle': return (await import('./model/modelBundle.js')).modelBundle(ctx, args[0], opts);
    default: throw new CairnError('USAGE', 'model needs a subcommand: register, promote, demote, deprecate, show, history, get or bundle', { hint: 'see `cairn help model`' });
  }
}
