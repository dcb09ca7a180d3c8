import { makeContext } from '../../../core/context.js';
import { resolveRev } from '../../../git/git.js';
import { trackedAtRev } from '../../../data/trackedAtRev.js';
import { listExperiments } from '../../../experiments/listExperiments.js';
import { runLineage } from '../../../experiments/runLineage.js';
import { buildGraph } from '../../../pipeline/dag.js';
import { loadPipeline } from '../../../pipeline/loadPipeline.js';
import { pipelineStatus } from '../../../pipeline/pipelineStatus.js';
import { dagView } from '../../../pipeline/renderDag.js';
import { requiredString } from '../input.js';
import { requireRepo, revParam, type NativeRoute } from './nativeRoute.js';

/**
 * The repository views of the native API: what the CLI and the UI show beyond MLflow's runs (pipelines, tracked data,
 * lineage, experiments kept as Git refs). Each reads its input, calls one function of the layers below, and shapes
 * what it returns.
 */
export const repoRoutes: NativeRoute[] = [
  {
    method: 'GET',
    path: 'pipeline/dag',
    async handler(request, ctx) {
      const repo = requireRepo(ctx);
      const rev = revParam(request, undefined);
      const commit = rev === undefined ? null : await resolveRev(repo.root, rev);
      const pipeline = await loadPipeline(repo, commit === null ? {} : { rev: commit });
      const view = dagView(pipeline, buildGraph(pipeline));
      if (commit !== null || view.nodes.length === 0) return { rev: commit, files: pipeline.files, ...view };
      // The workspace's stages also say whether `cairn repro` would run them: what `cairn status` computes (it runs
      // nothing; unchanged files are not re-hashed, thanks to the state index).
      const status = await pipelineStatus(repo, makeContext({ cwd: repo.root }));
      const changed = new Map((status?.changed ?? []).map((c) => [c.stage, c]));
      const nodes = view.nodes.map((n) => {
        const c = changed.get(n.name);
        const state = status?.error ? 'unknown' : c ? (c.frozen ? 'frozen' : 'changed') : 'up-to-date';
        return { ...n, status: state, ...(c ? { reasons: c.reasons.map((r) => r.message) } : {}) };
      });
      return { rev: commit, files: pipeline.files, ...view, nodes };
    },
  },
  {
    method: 'GET',
    path: 'data',
    async handler(request, ctx) {
      const repo = requireRepo(ctx);
      const { commit, pointers } = await trackedAtRev(repo, revParam(request, 'HEAD')!);
      const data = pointers
        .map(({ dataPath, pointerPath, pointer, output }) => ({
          path: dataPath,
          kind: pointer.kind,
          oid: pointer.oid,
          size: pointer.size,
          ...(pointer.files !== undefined ? { files: pointer.files } : {}),
          ...(output ? { stage: output.stage, lock_file: pointerPath } : { pointer_file: pointerPath }),
        }))
        .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
      return { commit, data };
    },
  },
  {
    method: 'GET',
    path: 'runs/:run_id/lineage',
    async handler(request, ctx) {
      const runId = requiredString(request.params as Record<string, unknown>, 'run_id');
      return runLineage({ runId, getRun: (id) => ctx.tracking.getRun(id), repo: ctx.repo ?? null });
    },
  },
  {
    method: 'GET',
    path: 'experiments/git',
    async handler(_request, ctx) {
      const repo = requireRepo(ctx);
      const experiments = repo.git ? await listExperiments(repo) : [];
      return {
        experiments: experiments.map((e) => ({
          name: e.name,
          ref: e.ref,
          commit: e.commit,
          baseline: e.baseline,
          created: e.summary?.created ?? e.time,
          ...(e.summary ? { run_id: e.summary.runId ?? null, changes: e.summary.changes, params: e.summary.params, metrics: e.summary.metrics, deps: e.summary.deps, duration_ms: e.summary.durationMs } : {}),
        })),
      };
    },
  },
];
