import type { Repo } from '../core/repo.js';
import { lockFilesAt } from '../data/findPipelineFiles.js';
import { parseLock, type LockEntry } from '../pipeline/lockFile.js';
import { metricsFiles, pipelineAt, readMetrics, readUsedParams, type ValuesByFile } from '../pipeline/metrics.js';
import { readPipelineLocks } from '../pipeline/pipelineLocks.js';

/** What `exp show` tabulates of a state: params and metrics by file then key, and each dependency's oid. */
export interface StateValues {
  params: Record<string, Record<string, unknown>>;
  metrics: Record<string, Record<string, unknown>>;
  deps: Record<string, string>;
}

const readable = (values: ValuesByFile): Record<string, Record<string, unknown>> =>
  Object.fromEntries(Object.entries(values).flatMap(([file, v]) => ('data' in v ? [[file, v.data]] : [])));

function depsOf(entries: LockEntry[]): Record<string, string> {
  const deps: Record<string, string> = {};
  for (const entry of entries) for (const d of entry.deps) deps[d.path] = d.oid;
  return deps;
}

/** The workspace's params, metrics and data versions (after its pipeline ran). */
export async function describeWorkspace(repo: Repo): Promise<StateValues> {
  const pipeline = await pipelineAt(repo);
  const [params, metrics, locks] = await Promise.all([readUsedParams(repo, pipeline), readMetrics(repo, metricsFiles(pipeline)), readPipelineLocks(repo, pipeline)]);
  return { params: readable(params), metrics: readable(metrics), deps: depsOf(Object.values(locks.view.stages)) };
}

/** The same, as committed at `rev`. */
export async function describeCommit(repo: Repo, rev: string): Promise<StateValues> {
  const pipeline = await pipelineAt(repo, rev);
  const [params, metrics, locks] = await Promise.all([readUsedParams(repo, pipeline, rev), readMetrics(repo, metricsFiles(pipeline), rev), lockFilesAt(repo, rev)]);
  const entries = locks.flatMap(({ text }) => {
    try {
      return Object.values(parseLock(text).stages);
    } catch {
      return []; // A lock file that does not parse at that commit just shows no data versions.
    }
  });
  return { params: readable(params), metrics: readable(metrics), deps: depsOf(entries) };
}
