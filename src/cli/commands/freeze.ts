import type { Command } from 'commander';
import { openRepo } from '../../core/repo.js';
import { withRepoLock } from '../../core/repoLock.js';
import { resolveTarget } from '../../pipeline/dag.js';
import { editPipelineFile, loadPipeline } from '../../pipeline/loadPipeline.js';
import { readTextAt } from '../../pipeline/params.js';
import { setFrozenInText } from '../../pipeline/stageEdit.js';
import type { Pipeline } from '../../pipeline/types.js';
import type { CliContext, CommandResult } from '../commandSpec.js';
import { repoRelativeTargets } from '../pipelineTargets.js';

export function configure(cmd: Command): void {
  cmd.argument('<stages...>', 'stage names or addresses (path/to/cairn.yaml:stage; a foreach/matrix group name freezes all its instances)').option('--json', 'print the result as JSON');
}

/** The pipeline file and the key under its `stages:` that a freeze target names (bare names may be in any file). */
function locate(pipeline: Pipeline, target: string): { file: string; key: string } {
  const colon = target.lastIndexOf(':');
  if (colon > 0 && pipeline.files.includes(target.slice(0, colon))) return { file: target.slice(0, colon), key: target.slice(colon + 1) };
  const base = target.split('@')[0];
  const files = [...new Set([...pipeline.stages.values()].filter((s) => s.source.key === base).map((s) => s.source.file))];
  // A name declared in several files: resolveTarget says which addresses the user can choose from.
  if (files.length > 1) resolveTarget(pipeline, target);
  return { file: files[0] ?? pipeline.file, key: target };
}

/** Shared by freeze and unfreeze: sets or clears `frozen: true` in the pipeline files, keeping their formatting. */
export async function setFrozen(ctx: CliContext, names: string[], frozen: boolean): Promise<CommandResult> {
  const repo = await openRepo({ cwd: ctx.cwd, env: ctx.env });
  const pipeline = await withRepoLock(repo.tmpDir, {}, async () => {
    const loaded = await loadPipeline(repo);
    const byFile = new Map<string, string[]>();
    for (const name of repoRelativeTargets(repo, ctx.cwd, names)) {
      const { file, key } = locate(loaded, name);
      byFile.set(file, [...(byFile.get(file) ?? []), key]);
    }
    // Every edit is made in memory first, so a bad name in one file changes no file.
    const edits = await Promise.all([...byFile].map(async ([file, keys]) => {
      const before = (await readTextAt(repo, file)) ?? '';
      return { file, text: setFrozenInText(before, keys, frozen, file) };
    }));
    let result = loaded;
    for (const { file, text } of edits) result = (await editPipelineFile(repo, () => text, file)).pipeline;
    return { result, byFile };
  });
  const chosen = new Set([...pipeline.byFile].flatMap(([file, keys]) => keys.map((k) => `${file}\0${k}`)));
  const affected = [...pipeline.result.stages.values()].filter((s) => chosen.has(`${s.source.file}\0${s.localName}`) || chosen.has(`${s.source.file}\0${s.source.key}`));
  const verb = frozen ? 'Froze' : 'Unfroze';
  return {
    data: { frozen, stages: affected.map((s) => s.name) },
    summary: [`${verb} ${affected.map((s) => `"${s.name}"`).join(', ')}.${frozen ? ' `cairn repro` skips frozen stages until `cairn unfreeze`.' : ''}`],
  };
}

export async function run(ctx: CliContext, args: string[]): Promise<CommandResult> {
  return setFrozen(ctx, args, true);
}
