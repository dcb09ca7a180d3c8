import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { CairnError } from '../../core/errors.js';
import { openRepo } from '../../core/repo.js';
import { repro, type ReproResult } from '../../pipeline/repro.js';
import { openExecutor } from '../../pipeline/executors/openExecutor.js';
import { repoRecorder } from '../../experiments/repoRecorder.js';
import type { StageResult } from '../../pipeline/runStage.js';
import type { CliContext, CommandResult } from '../commandSpec.js';
import { positiveInt } from '../positiveInt.js';
import { repoRelativeTargets } from '../pipelineTargets.js';

export function configure(cmd: Command): void {
  cmd
    .argument('[targets...]', 'stages (train, path/to/cairn.yaml:stage), foreach/matrix groups or pipeline files to bring up to date, with their upstream; default: all')
    .option('-f, --force', 'run the selected stages even if nothing changed (no run-cache restore)')
    .option('-s, --single-item', 'only the targets, not their upstream stages')
    .option('--downstream', 'the targets and every stage downstream of them')
    .option('--dry', 'print which stages would run and why, without running anything')
    .option('-j, --jobs <n>', 'run up to N independent stages at once (default: pipeline.jobs or 1)')
    .option('-k, --keep-going', 'after a failure, keep running stages that do not depend on it')
    .option('--pull', 'first fetch the outputs cairn.lock records (and the run cache) from the default remote')
    .option('--no-run-cache', 'always run changed stages instead of restoring outputs seen before')
    .option('--no-record', 'record no runs for the stages that run (tracking.record false does it for good)')
    .option('--via-remote', 'with a cluster executor: jobs fetch their deps from and send their outputs to the default remote (nodes without a shared file system)')
    .option('--executor <name>', 'what runs the stages: local (this machine) or slurm (sbatch jobs; see docs/cluster.md); default: pipeline.executor')
    .option('--json', 'print the result as JSON (command output then goes to stderr)');
}

const why = (s: StageResult) => s.reasons.map((r) => r.message).join('; ');

function summary(result: ReproResult): string[] {
  if (result.dry) {
    return result.stages.map((s) => s.outcome === 'would-run' ? `Would run stage '${s.stage}': ${why(s)}`
      : s.outcome === 'frozen' ? `Stage '${s.stage}' is frozen${s.reasons.length ? ` (changed: ${why(s)})` : ''}`
        : `Stage '${s.stage}' is up to date`);
  }
  const groups: [string, string][] = [
    ['ran', 'ran'], ['restored', 'restored from run cache'], ['up-to-date', 'up to date'], ['frozen', 'frozen'],
    ['failed', 'failed'], ['interrupted', 'interrupted (did not finish)'], ['not-run', 'not run'],
  ];
  const lines: string[] = [];
  for (const [outcome, label] of groups) {
    const names = result.stages.filter((s) => s.outcome === outcome).map((s) => s.stage);
    if (names.length) lines.push(`${label}: ${names.join(', ')}`);
  }
  if (result.gitFiles.length) lines.push('', 'To record this with git, run:', '', `\tgit add ${result.gitFiles.join(' ')}`);
  return lines;
}

/** The failure report people need: which stage, how it failed, its last lines of output, where the log is. */
function failureReport(result: ReproResult): string {
  const parts: string[] = [];
  for (const s of result.stages.filter((x) => x.outcome === 'failed')) {
    parts.push(`error: ${s.error?.message ?? `stage '${s.stage}' failed`}`);
    if (s.job) parts.push(`job: ${s.job}`);
    if (s.tail?.length) parts.push(`last ${s.tail.length} lines of its output:`, ...s.tail.map((l) => `  | ${l}`));
    if (s.error?.hint) parts.push(`hint: ${s.error.hint}`);
  }
  const unfinished = result.stages.filter((x) => x.outcome === 'interrupted').map((x) => x.stage);
  if (result.interrupted) {
    parts.push(`interrupted: ${unfinished.length ? `stage(s) ${unfinished.join(', ')} did not finish; ` : ''}cairn.lock has no entry for them`);
  }
  return parts.length ? parts.join('\n') + '\n' : '';
}

export async function run(ctx: CliContext, args: string[], opts: Record<string, unknown>): Promise<CommandResult> {
  const repo = await openRepo({ cwd: ctx.cwd, env: ctx.env });
  const jobs = positiveInt(opts.jobs, '--jobs', 'cairn repro -j 2') ?? repo.config.pipeline.jobs ?? 1;
  // Every stage that runs is recorded as a run (the store is opened only then): see `cairn runs list`.
  const executor = opts.dry ? undefined : openExecutor(String(opts.executor ?? repo.config.pipeline.executor), repo, ctx);
  if (opts.viaRemote && executor && !executor.dependencies) {
    throw new CairnError('USAGE', '--via-remote needs a cluster executor: locally the stages already see the workspace', { hint: 'cairn repro --executor slurm --via-remote' });
  }
  const viaRemote = opts.viaRemote && executor ? {
    batch: `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`,
    // The repository's checkout on the nodes: the same path, unless the cluster puts it elsewhere.
    nodeRoot: ctx.env.CAIRN_NODE_ROOT || repo.root,
    cairnArgv: [process.execPath, process.argv[1]],
  } : undefined;
  const recorder = opts.dry || opts.record === false ? null : repoRecorder(repo, repo, ctx, { kind: 'repro', command: `cairn ${process.argv.slice(2).join(' ')}` });
  const result = await repro(repo, ctx, {
    hooks: recorder?.hooks, executor, viaRemote,
    targets: repoRelativeTargets(repo, ctx.cwd, args), force: Boolean(opts.force), single: Boolean(opts.singleItem), downstream: Boolean(opts.downstream),
    dry: Boolean(opts.dry), jobs, keepGoing: Boolean(opts.keepGoing), pull: Boolean(opts.pull), runCache: opts.runCache !== false,
    // Command output is the stage's, not cairn's: it streams as it comes; under --json it stays off stdout.
    onOutput: (text, stream) => (ctx.json || stream === 'stderr' ? process.stderr : process.stdout).write(text),
  });
  const runId = await recorder?.finish(result.interrupted ? 'KILLED' : result.failed.length ? 'FAILED' : 'FINISHED').catch((err: Error) => {
    ctx.warn(`the run of this repro was not completed: ${err.message}`);
    return null;
  });
  const report = failureReport(result);
  if (report) process.stderr.write(report);
  const exitCode = result.interrupted ? 130 : result.failed.length ? 12 : 0;
  const data = {
    ...result,
    ...(runId ? { run_id: runId } : {}),
    ...(exitCode ? { error: { code: exitCode === 130 ? 'INTERRUPTED' : 'STAGE_FAILED', message: report.split('\n')[0].replace(/^error: /, '') } } : {}),
  };
  const lines = summary(result);
  if (runId) lines.push(`recorded as run ${runId.slice(0, 8)} (\`cairn runs show ${runId.slice(0, 8)}\`)`);
  return { data, ...(result.dry ? { text: lines } : { summary: lines }), exitCode };
}
