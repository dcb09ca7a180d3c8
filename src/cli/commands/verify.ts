import type { Command } from 'commander';
import { CairnError, ERROR_CODES } from '../../core/errors.js';
import { openRepo } from '../../core/repo.js';
import { verificationRecord, verifyRevision, type VerifyResult } from '../../experiments/verifyRevision.js';
import { updateVersionMetadata } from '../../registry/git/updateVersionMetadata.js';
import type { CliContext, CommandResult } from '../commandSpec.js';
import { resolveVerifyTarget } from '../lineageTarget.js';
import { positiveInt } from '../positiveInt.js';

export function configure(cmd: Command): void {
  cmd
    .argument('<target>', 'the commit to reproduce (a branch, tag or commit id), or a model version NAME@vX.Y.Z / NAME#ALIAS')
    .option('--stage <stage>', 'only this stage and the stages it needs')
    .option('--record', "write the result into the model version's tag (NAME@vX.Y.Z only; push the tag again with --force to share it)")
    .option('--keep', 'keep the isolated workspace (its path is printed) to look into it')
    .option('-j, --jobs <n>', 'run up to N independent stages at once')
    .option('--json', 'print the result as JSON (the stages\' output goes to stderr)');
}

const short = (oid: string | null) => (oid ? oid.slice(0, 12) : '-');

function describe(result: VerifyResult): string[] {
  const lines: string[] = [];
  const width = Math.max(0, ...result.outputs.map((o) => o.path.length));
  for (const s of result.stages) {
    lines.push(`stage ${s.stage}: ${s.outcome}${s.error ? ` (${s.error})` : ''}`);
    for (const o of result.outputs.filter((x) => x.stage === s.stage)) {
      const detail = o.status === 'match' ? short(o.recorded_oid)
        : o.status === 'differs' ? `recorded ${short(o.recorded_oid)}, reproduced ${short(o.reproduced_oid)}`
          : o.status === 'frozen' ? `${short(o.recorded_oid)} (frozen: taken as recorded)` : `recorded ${short(o.recorded_oid)}, not produced`;
      lines.push(`  ${(o.match ? 'match' : o.status.toUpperCase()).padEnd(8)} ${o.path.padEnd(width)}  ${detail}`);
    }
  }
  for (const i of result.inputs) lines.push(`input ${i.path} of stage ${i.stage}: ran on ${short(i.used_oid)}, recorded ${short(i.recorded_oid)}`);
  for (const m of result.missing_data) lines.push(`missing data: ${m} is neither in the cache nor on the remote (\`cairn push\` it from a clone that has it)`);
  return lines;
}

export async function run(ctx: CliContext, args: string[], opts: Record<string, unknown>): Promise<CommandResult> {
  const repo = await openRepo({ cwd: ctx.cwd, env: ctx.env });
  const { model, ...target } = await resolveVerifyTarget(repo, { arg: args[0], stage: opts.stage as string | undefined });
  if (opts.record && !model) {
    throw new CairnError('USAGE', `--record writes into a model version's tag, and ${args[0]} is not a model version`, { hint: 'verify a version: `cairn verify churn@v1.0.0 --record`' });
  }
  const result = await verifyRevision(repo, ctx, {
    ...target, keep: Boolean(opts.keep), jobs: positiveInt(opts.jobs, '--jobs', 'cairn verify HEAD -j 2'),
    onOutput: (text) => process.stderr.write(text),
  });
  const failed = result.stages.some((s) => s.outcome === 'failed' || s.outcome === 'interrupted');
  const n = result.outputs.length;
  const summary = result.reproduced
    ? [`Reproduced: all ${n} output(s) of ${args[0]} (${result.commit.slice(0, 12)}) have the recorded bytes.`]
    : [`Not reproduced: ${result.differing.length} of ${n} output(s) differ from what ${args[0]} (${result.commit.slice(0, 12)}) recorded${result.differing.length ? `: ${result.differing.join(', ')}` : ''}${failed ? '; a stage failed' : ''}.`];
  if (opts.record && model) {
    await updateVersionMetadata(repo.root, model.tag, (m) => ({ ...m, verified: verificationRecord(result, Date.now()) }));
    summary.push(`Recorded in ${model.tag}: ${result.reproduced ? 'reproduced' : 'not reproduced'} (share it with \`git push --force <remote> refs/tags/${model.tag}\`).`);
  }
  if (result.workspace) summary.push(`The workspace is kept at ${result.workspace} (remove it with \`git worktree remove --force ${result.workspace}\`).`);
  // A failed stage is STAGE_FAILED as in repro; outputs that differ are a finding, CHANGED (13), as status --exit-code.
  const exitCode = result.reproduced ? 0 : failed ? ERROR_CODES.STAGE_FAILED.exit : ERROR_CODES.CHANGED.exit;
  return { data: result, text: describe(result), summary, exitCode };
}
