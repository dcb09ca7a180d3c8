import { CairnError } from '../core/errors.js';
import type { TrackingStore } from '../tracking/trackingStore.js';

/** A `runs:/<run_id>/<path>` source split into its run and the path inside the run's artifacts. */
export function parseRunsUri(source: string): { runId: string; path: string } | null {
  const m = /^runs:\/([^/]+)(?:\/(.*))?$/.exec(source);
  return m ? { runId: m[1], path: (m[2] ?? '').replace(/\/+$/, '') } : null;
}

/**
 * Where a version's files really are when its source is a `runs:/` URI: the run's artifact URI joined with the
 * path, as MLflow resolves it when the version is created (so the download URI does not depend on the run later).
 * Other sources are their own location: undefined. A run that does not exist is NOT_FOUND.
 */
export async function resolveModelSource(source: string, tracking: Pick<TrackingStore, 'getRun'>): Promise<string | undefined> {
  const runs = parseRunsUri(source);
  if (!runs) return undefined;
  let artifactUri: string;
  try {
    artifactUri = (await tracking.getRun(runs.runId)).info.artifact_uri;
  } catch (err) {
    if (err instanceof CairnError && (err.code === 'NOT_FOUND' || err.code === 'USAGE')) {
      throw new CairnError('NOT_FOUND', `the source ${source} names run ${runs.runId}, which this server does not have`, {
        hint: 'register a model logged to this server, or give the URI of its files (s3://..., mlflow-artifacts:/...)',
        data: { source },
      });
    }
    throw err;
  }
  return runs.path === '' ? artifactUri : `${artifactUri.replace(/\/+$/, '')}/${runs.path}`;
}
