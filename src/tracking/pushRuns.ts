import { CairnError } from '../core/errors.js';
import { DEFAULT_EXPERIMENT_ID, type Artifact, type Metric, type Run } from './entities.js';
import { ensureExperiment } from './trackingOps.js';
import type { TrackingStore, TrackingWrite } from './trackingStore.js';

export interface PushRunsOptions {
  from: TrackingStore;
  to: TrackingStore;
  runs: Run[];
  /** Sends an artifact's object to where `to` keeps them (true when its bytes were sent, false when already there). */
  uploadObject(artifact: Artifact): Promise<boolean>;
  /** Metric points per write (default 50,000). */
  chunkPoints?: number;
}

export interface PushRunsResult {
  runs: number;
  points: number;
  artifacts: number;
  /** Artifact objects whose bytes were sent (the others were there already). */
  objects_uploaded: number;
}

/**
 * Copies runs from one store to another with the same run ids, so pushing again adds nothing: a run that exists is
 * completed (name, tags), params are immutable (the same value again is fine), identical metric points are one
 * point in every store, datasets and artifacts are recorded once by name and path. Experiments are matched by name.
 * Each run's status and end time are written last, so a push cut short leaves the run RUNNING there, never a
 * finished run with missing points; pushing again completes it. A run ends up deleted there when it is deleted here.
 */
export async function pushRuns(options: PushRunsOptions): Promise<PushRunsResult> {
  const { from, to } = options;
  const chunk = options.chunkPoints ?? 50_000;
  const result: PushRunsResult = { runs: 0, points: 0, artifacts: 0, objects_uploaded: 0 };
  const experiments = new Map<string, string>([[DEFAULT_EXPERIMENT_ID, DEFAULT_EXPERIMENT_ID]]);
  const experimentThere = async (id: string): Promise<string> => {
    const known = experiments.get(id);
    if (known !== undefined) return known;
    const source = await from.getExperiment(id);
    const there = await ensureExperiment(to, source.name);
    for (const [key, value] of Object.entries(source.tags)) {
      if (there.tags[key] !== value) await to.setExperimentTag(there.experiment_id, { key, value });
    }
    experiments.set(id, there.experiment_id);
    return there.experiment_id;
  };

  for (const run of options.runs) {
    const { info, data } = run;
    const experiment_id = await experimentThere(info.experiment_id);
    // A deleted run refuses writes: one deleted there is restored for the push (and deleted again if it is here).
    const there = await to.getRun(info.run_id).catch((err: unknown) => {
      if (err instanceof CairnError && err.code === 'NOT_FOUND') return null;
      throw err;
    });
    if (there?.info.lifecycle_stage === 'deleted') await to.restoreRun(info.run_id);
    const artifacts = await from.listArtifacts(info.run_id);
    for (const a of artifacts) if (await options.uploadObject(a)) result.objects_uploaded++;
    const first: TrackingWrite[] = [
      { op: 'ensureRun', run: { run_id: info.run_id, experiment_id, run_name: info.run_name, user_id: info.user_id, start_time: info.start_time, tags: data.tags } },
      { op: 'logBatch', run_id: info.run_id, params: data.params },
    ];
    if (run.inputs.dataset_inputs.length) first.push({ op: 'logInputs', run_id: info.run_id, datasets: run.inputs.dataset_inputs });
    if (artifacts.length) first.push({ op: 'logArtifacts', run_id: info.run_id, artifacts });
    await to.write(first).catch((err: unknown) => Promise.reject(explain(err, info.run_id, to.displayUri)));

    let points: Metric[] = [];
    const flush = async () => {
      if (points.length === 0) return;
      await to.write([{ op: 'logBatch', run_id: info.run_id, metrics: points }]);
      result.points += points.length;
      points = [];
    };
    for (const key of [...new Set(data.metrics.map((m) => m.key))].sort()) {
      let page_token: string | undefined;
      do {
        const page = await from.getMetricHistory(info.run_id, key, { max_results: chunk, page_token });
        for (const m of page.metrics) {
          points.push(m);
          if (points.length >= chunk) await flush();
        }
        page_token = page.next_page_token;
      } while (page_token);
    }
    await flush();
    await to.write([{ op: 'updateRun', run_id: info.run_id, status: info.status, end_time: info.end_time }]);
    if (info.lifecycle_stage === 'deleted') await to.deleteRun(info.run_id);
    result.runs++;
    result.artifacts += artifacts.length;
  }
  return result;
}

/** A run the target refuses (a param with another value there) is named, with what to do. */
function explain(err: unknown, runId: string, target: string): unknown {
  if (!(err instanceof CairnError) || err.code !== 'CONFLICT') return err;
  return new CairnError('CONFLICT', `run ${runId} on ${target} differs from the local one: ${err.message}`, {
    hint: 'the run was changed on one side after it was pushed; delete it there (`cairn runs delete`) to push it again',
    data: { ...err.data, run_id: runId },
    cause: err,
  });
}
