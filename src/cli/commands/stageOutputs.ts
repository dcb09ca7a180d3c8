import { isCairnError } from '../../core/errors.js';
import type { Repo } from '../../core/repo.js';
import type { StageOutput } from '../../data/stageOutputs.js';
import { loadPipeline } from '../../pipeline/loadPipeline.js';
import type { CliContext } from '../commandSpec.js';

/**
 * Every output the pipeline declares, for the data commands that must not fight it (add, remove). A pipeline that
 * does not load is warned about, not fatal: `cairn add` of unrelated data must keep working while cairn.yaml is edited.
 */
export async function declaredOutputs(repo: Repo, ctx: CliContext): Promise<StageOutput[]> {
  try {
    const pipeline = await loadPipeline(repo);
    return [...pipeline.stages.values()].flatMap((s) => s.outs.map((o) => ({ path: o.path, stage: s.name, file: s.source.file, cache: o.cache })));
  } catch (err) {
    if (!isCairnError(err)) throw err;
    ctx.warn(`stage outputs were not checked, the pipeline does not load: ${err.message}`);
    return [];
  }
}
