import type { RunContext } from '../core/context.js';
import { CairnError } from '../core/errors.js';
import type { Repo } from '../core/repo.js';
import { openTrackingStore } from '../tracking/openTrackingStore.js';
import { ensureExperiment } from '../tracking/trackingOps.js';
import type { ExperimentRef } from './listExperiments.js';
import { runValues } from './runValues.js';

/**
 * Records pulled experiments as runs in this repository's store, from the summaries their commits carry (a
 * teammate's runs list then shows them too). An experiment whose run is already there is left alone, so pulling
 * twice adds nothing. Returns how many runs were added.
 */
export async function importExperimentRuns(repo: Repo, ctx: RunContext, exps: ExperimentRef[]): Promise<number> {
  const withRuns = exps.filter((e) => e.summary?.runId);
  if (!withRuns.length || !repo.config.tracking.record) return 0;
  const store = await openTrackingStore({ uri: repo.config.tracking.uri, cairnDir: repo.cairnDir, cwd: ctx.cwd, env: ctx.env });
  try {
    const experiment = await ensureExperiment(store, repo.config.tracking.experiment);
    let added = 0;
    for (const e of withRuns) {
      const s = e.summary!;
      const known = await store.getRun(s.runId!).then(() => true, (err: unknown) => {
        if (err instanceof CairnError && err.code === 'NOT_FOUND') return false;
        throw err;
      });
      if (known) continue;
      const values = runValues({ params: s.params, metrics: Object.fromEntries(Object.entries(s.metrics).map(([f, data]) => [f, { data }])) });
      const end = s.created + s.durationMs;
      const tags = { 'cairn.kind': 'exp', 'cairn.exp': s.name, 'cairn.exp.commit': e.commit, 'cairn.exp.baseline': s.baseline, 'cairn.imported': 'exp pull', 'mlflow.source.git.commit': s.baseline };
      await store.write([
        { op: 'ensureRun', run: { run_id: s.runId!, experiment_id: experiment.experiment_id, run_name: s.name, start_time: s.created } },
        { op: 'logBatch', run_id: s.runId!, params: values.params, metrics: values.metrics.map((m) => ({ ...m, timestamp: end })), tags: Object.entries(tags).map(([key, value]) => ({ key, value })) },
        { op: 'updateRun', run_id: s.runId!, status: 'FINISHED', end_time: end },
      ]);
      added++;
    }
    return added;
  } finally {
    await store.close();
  }
}
