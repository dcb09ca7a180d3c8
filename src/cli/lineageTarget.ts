import { CairnError } from '../core/errors.js';
import type { Repo } from '../core/repo.js';
import type { LineageTargetRef } from '../experiments/fileLineage.js';
import { resolveRev } from '../git/git.js';
import { lockedStagesAt } from '../pipeline/lockedStagesAt.js';
import { resolveModelRef, type ResolvedModelRef } from '../registry/git/resolveModelRef.js';
import { existsInWorkspace, isRev, repoPrefix } from './revOrPath.js';

/**
 * The hook for registry references: `NAME@VERSION` (and `NAME#ALIAS`) resolved to the commit and path the model
 * version points at, or null when `arg` is not one. Lineage and verify both call it first, so wiring the
 * registry's `resolveModelRef` in here gives both commands model targets.
 */
export async function resolveModelTarget(repo: Repo, arg: string): Promise<(LineageTargetRef & { model: ResolvedModelRef }) | null> {
  if (!MODEL_REF.test(arg)) return null;
  const model = await resolveModelRef(repo.root, arg);
  if (!model.path) {
    throw new CairnError('NOT_FOUND', `${arg} (${model.tag}) records no model path, and cairn.yaml at its commit declares none`, {
      hint: `declare it under artifacts: in cairn.yaml, or give the path: \`cairn lineage ${model.tag}:PATH\``,
      data: { model: model.name, version: model.version },
    });
  }
  return { commit: model.commit, path: model.path, model };
}

/** `NAME@vX.Y.Z`, `NAME@latest` or `NAME#ALIAS` (GTO's shortcuts); a plain path or revision never looks like one. */
const MODEL_REF = /^[a-z0-9][a-z0-9/:=-]*(@(v\d+\.\d+\.\d+\S*|latest|greatest)|#[a-z0-9][a-z0-9-]*)$/;

/** `PATH`, `REV:PATH` or a model reference, with `--rev` for a plain PATH (default HEAD), as {commit, repo-relative path}. */
export async function resolveLineageTarget(repo: Repo, options: { cwd: string; arg: string; rev?: string }): Promise<LineageTargetRef & { model?: ResolvedModelRef }> {
  const { arg } = options;
  const model = await resolveModelTarget(repo, arg);
  if (model) {
    if (options.rev !== undefined) throw new CairnError('USAGE', `${arg} names its own commit; --rev ${options.rev} cannot apply`, { hint: `drop --rev: \`cairn lineage ${arg}\`` });
    return model;
  }
  let rev = options.rev ?? 'HEAD';
  let input = arg;
  const colon = arg.indexOf(':');
  // REV:PATH as `git show` takes it; a path that exists in the workspace (even with a colon) is a path.
  if (colon > 0 && !existsInWorkspace(options.cwd, arg) && (await isRev(repo, arg.slice(0, colon)))) {
    if (options.rev !== undefined) throw new CairnError('USAGE', `both ${arg} and --rev ${options.rev} name a revision`, { hint: 'give the revision once: `cairn lineage REV:PATH` or `cairn lineage PATH --rev REV`' });
    rev = arg.slice(0, colon);
    input = arg.slice(colon + 1);
  }
  if (!repo.git) throw new CairnError('USAGE', 'lineage reads the lock files committed to Git, and this repository does not use Git', { hint: 'lineage needs `git init` and a commit' });
  const commit = await resolveRev(repo.root, rev);
  const path = repoPrefix(repo, options.cwd, input).replace(/\/+$/, '').replace(/\.cairn$/, '');
  if (!path) throw new CairnError('USAGE', `${arg} names the repository root, not a tracked path`, { hint: 'name a pipeline output or added data, e.g. `cairn lineage model.pkl`' });
  return { commit, path };
}

/**
 * `REV` or a model reference for `cairn verify`: the revision, and for a model version the stage that produced its
 * path (so only that stage and what it needs run), unless `--stage` says otherwise.
 */
export async function resolveVerifyTarget(repo: Repo, options: { arg: string; stage?: string }): Promise<{ rev: string; stage?: string; model?: ResolvedModelRef }> {
  const model = await resolveModelTarget(repo, options.arg);
  if (!model) return { rev: options.arg, ...(options.stage !== undefined ? { stage: options.stage } : {}) };
  if (options.stage !== undefined) return { rev: model.commit, stage: options.stage, model: model.model };
  const { stages } = await lockedStagesAt(repo, model.commit);
  const producer = stages.find((s) => s.outs.some((o) => model.path === o.path || model.path.startsWith(`${o.path}/`)));
  return { rev: model.commit, ...(producer ? { stage: producer.stage } : {}), model: model.model };
}
