import type { Command } from 'commander';
import { openRepo } from '../../core/repo.js';
import { withRepoLock } from '../../core/repoLock.js';
import { editPipelineFile, PIPELINE_FILE } from '../../pipeline/loadPipeline.js';
import { setFrozenInText } from '../../pipeline/stageEdit.js';
import type { CliContext, CommandResult } from '../commandSpec.js';

export function configure(cmd: Command): void {
  cmd.argument('<stages...>', 'stage names (a foreach/matrix group name freezes all its instances)').option('--json', 'print the result as JSON');
}

/** Shared by freeze and unfreeze: sets or clears `frozen: true` in cairn.yaml, keeping its formatting. */
export async function setFrozen(ctx: CliContext, names: string[], frozen: boolean): Promise<CommandResult> {
  const repo = await openRepo({ cwd: ctx.cwd, env: ctx.env });
  const { pipeline } = await withRepoLock(repo.tmpDir, {}, () =>
    editPipelineFile(repo, (text) => setFrozenInText(text, names, frozen, PIPELINE_FILE)),
  );
  const affected = [...pipeline.stages.values()].filter((s) => names.includes(s.name) || (s.group !== undefined && names.includes(s.group)));
  const verb = frozen ? 'Froze' : 'Unfroze';
  return {
    data: { frozen, stages: affected.map((s) => s.name) },
    summary: [`${verb} ${affected.map((s) => `"${s.name}"`).join(', ')}.${frozen ? ' `cairn repro` skips frozen stages until `cairn unfreeze`.' : ''}`],
  };
}

export async function run(ctx: CliContext, args: string[]): Promise<CommandResult> {
  return setFrozen(ctx, args, true);
}
