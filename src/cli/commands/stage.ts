import path from 'node:path';
import type { Command } from 'commander';
import { CairnError } from '../../core/errors.js';
import { openRepo, type Repo } from '../../core/repo.js';
import { withRepoLock } from '../../core/repoLock.js';
import { editPipelineFile, loadPipeline, PIPELINE_FILE } from '../../pipeline/loadPipeline.js';
import { addStageToText, declaredStageNames, type NewStage } from '../../pipeline/stageEdit.js';
import type { Stage } from '../../pipeline/types.js';
import type { CliContext, CommandResult } from '../commandSpec.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function configure(cmd: Command): void {
  cmd.enablePositionalOptions();
  cmd
    .command('add')
    .description('Add a stage to cairn.yaml (comments and formatting are kept)')
    .requiredOption('-n, --name <name>', 'stage name')
    .option('-d, --deps <path>', 'a dependency (repeatable)', collect)
    .option('-p, --params <keys>', 'params: `lr,model.depth` in params.yaml, `file.yaml:a,b`, or `file.yaml:` for all (repeatable)', collect)
    .option('-o, --outs <path>', 'an output stored in the cache (repeatable)', collect)
    .option('-O, --outs-no-cache <path>', 'an output not stored in the cache (repeatable)', collect)
    .option('--outs-persist <path>', 'an output kept (not deleted) before the stage runs (repeatable)', collect)
    .option('-m, --metrics <path>', 'a metrics file (repeatable)', collect)
    .option('-M, --metrics-no-cache <path>', 'a metrics file not stored in the cache (repeatable)', collect)
    .option('--plots <path>', 'a plots file (repeatable)', collect)
    .option('--plots-no-cache <path>', 'a plots file not stored in the cache (repeatable)', collect)
    .option('-w, --wdir <dir>', 'working directory of the command (default: the current directory)')
    .option('--desc <text>', 'a one-line description')
    .option('--always-changed', 'always run this stage')
    .option('-f, --force', 'replace a stage of the same name')
    .option('--json', 'print the added stage as JSON')
    .argument('<command...>', 'the command to run (quote it, or put it after --)')
    .passThroughOptions();
  cmd
    .command('list')
    .description('List the stages of every cairn.yaml (stages of other files as path/to/cairn.yaml:stage)')
    .option('--json', 'print the stages as JSON');
  // Run on a cluster node by `repro --via-remote` jobs: fetch a stage's deps first, send its outputs last.
  cmd
    .command('job-io', { hidden: true })
    .argument('<direction>', 'pull or push')
    .argument('<stage>')
    .requiredOption('--batch <id>')
    .description("move a stage's deps (pull) or outputs (push) through the default remote (used by repro --via-remote jobs)");
}

/** A stage as `stage list --json` and `stage add --json` report it. */
export function stageJson(s: Stage): Record<string, unknown> {
  return {
    name: s.name,
    file: s.source.file,
    ...(s.desc ? { desc: s.desc } : {}),
    cmd: s.cmd,
    wdir: s.wdir,
    deps: s.deps,
    params: s.params,
    outs: s.outs,
    frozen: s.frozen,
    always_changed: s.alwaysChanged,
  };
}

/** Paths and wdir typed relative to the current folder, as cairn.yaml wants them (relative to the repo root). */
function wdirFor(repo: Repo, cwd: string, wdir: string | undefined): string {
  const abs = path.resolve(cwd, wdir ?? '.');
  const rel = path.relative(repo.root, abs).split(path.sep).join('/');
  if (rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new CairnError('USAGE', `wdir ${wdir ?? cwd} is outside the repository ${repo.root}`, { hint: 'choose a folder inside the repository' });
  }
  return rel || '.';
}

async function add(ctx: CliContext, args: string[], opts: Record<string, unknown>): Promise<CommandResult> {
  const repo = await openRepo({ cwd: ctx.cwd, env: ctx.env });
  const command = args.join(' ').trim();
  if (!command) throw new CairnError('USAGE', 'stage add needs a command to run', { hint: 'e.g. `cairn stage add -n train -d train.py -o model.pkl python train.py`' });
  const list = (k: string) => (opts[k] as string[] | undefined) ?? [];
  const stage: NewStage = {
    name: String(opts.name),
    cmd: command,
    deps: list('deps'),
    params: list('params'),
    outs: list('outs'),
    outsNoCache: list('outsNoCache'),
    outsPersist: list('outsPersist'),
    metrics: list('metrics'),
    metricsNoCache: list('metricsNoCache'),
    plots: list('plots'),
    plotsNoCache: list('plotsNoCache'),
    wdir: wdirFor(repo, ctx.cwd, opts.wdir as string | undefined),
    desc: opts.desc as string | undefined,
    alwaysChanged: Boolean(opts.alwaysChanged),
  };
  let replaced = false;
  const { pipeline } = await withRepoLock(repo.tmpDir, {}, () =>
    editPipelineFile(repo, (text) => {
      replaced = declaredStageNames(text, PIPELINE_FILE).includes(stage.name);
      return addStageToText(text, stage, { file: PIPELINE_FILE, force: Boolean(opts.force) });
    }),
  );
  const added = pipeline.stages.get(stage.name);
  if (!added) {
    // The validated file always holds the stage just written; reaching this line would be a bug in the edit.
    throw new CairnError('INTERNAL', `stage "${stage.name}" is missing after it was written to ${PIPELINE_FILE}`);
  }
  const outs = added.outs.map((o) => o.path);
  return {
    data: stageJson(added),
    summary: [`${replaced ? 'Replaced' : 'Added'} stage "${stage.name}" ${replaced ? 'in' : 'to'} ${PIPELINE_FILE}.`, ...(outs.length ? [`Run \`cairn repro ${stage.name}\` to produce ${outs.join(', ')}.`] : [])],
  };
}

async function list(ctx: CliContext): Promise<CommandResult> {
  const repo = await openRepo({ cwd: ctx.cwd, env: ctx.env });
  const pipeline = await loadPipeline(repo);
  const stages = [...pipeline.stages.values()];
  if (stages.length === 0) return { data: [], summary: [`No stages in ${pipeline.files.length > 1 ? 'the pipeline files' : PIPELINE_FILE}; add one with \`cairn stage add\`.`] };
  const width = Math.max(...stages.map((s) => s.name.length));
  const text = stages.map((s) => {
    const about = s.desc ?? s.cmd.join(' && ');
    const outs = s.outs.length ? `  → ${s.outs.map((o) => o.path).join(', ')}` : '';
    return `${s.name.padEnd(width)}  ${about}${outs}${s.frozen ? '  (frozen)' : ''}`;
  });
  return { data: stages.map(stageJson), text };
}

async function jobIo(ctx: CliContext, args: string[], opts: Record<string, unknown>): Promise<CommandResult> {
  const [direction, name] = args;
  if (direction !== 'pull' && direction !== 'push') throw new CairnError('USAGE', `stage job-io takes pull or push, not "${direction}"`);
  const repo = await openRepo({ cwd: ctx.cwd, env: ctx.env });
  const stage = (await loadPipeline(repo)).stages.get(name);
  if (!stage) throw new CairnError('NOT_FOUND', `no stage named '${name}' in this checkout`, { hint: 'the node\'s checkout of the repository must be at the commit cairn submitted from' });
  const { receiveStageInputs, sendStageOutputs } = await import('../../pipeline/viaRemote.js');
  const batch = String(opts.batch);
  if (direction === 'pull') {
    const paths = await receiveStageInputs(repo, ctx, batch, stage);
    return { data: { paths }, summary: [`fetched ${paths.length} dep(s) of ${name}: ${paths.join(', ')}`] };
  }
  await sendStageOutputs(repo, ctx, batch, stage);
  return { data: { stage: name }, summary: [`sent the outputs of ${name}`] };
}

export async function run(ctx: CliContext, args: string[], opts: Record<string, unknown>, cmd: Command): Promise<CommandResult> {
  if (cmd.name() === 'add') return add(ctx, args, opts);
  if (cmd.name() === 'list') return list(ctx);
  if (cmd.name() === 'job-io') return jobIo(ctx, args, opts);
  throw new CairnError('USAGE', 'stage needs a subcommand: add or list', { hint: 'see `cairn help stage`' });
}
