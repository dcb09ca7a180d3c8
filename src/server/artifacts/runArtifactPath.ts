const RUN_ID = /^[0-9a-f]{32}$/;

/** A place in a run's artifacts named by a proxy path: `<root>/<run_id>/artifacts/<rel>` (rel '' for the root). */
export interface RunPlace {
  runId: string;
  /** The path of the run's artifact root below the proxy root, e.g. `0/<run_id>/artifacts`. */
  root: string;
  rel: string;
}

/**
 * The runs a proxy path may belong to, nearest to the root first: each `<run_id>/artifacts` pair in it. The caller
 * confirms one against the run's own artifact URI (an experiment's location may nest deeper than `<id>/`). Pure.
 */
export function runPlaces(p: string): RunPlace[] {
  const segments = p.split('/');
  const places: RunPlace[] = [];
  for (let i = 1; i < segments.length; i++) {
    if (segments[i] !== 'artifacts' || !RUN_ID.test(segments[i - 1])) continue;
    places.push({ runId: segments[i - 1], root: segments.slice(0, i + 1).join('/'), rel: segments.slice(i + 1).join('/') });
  }
  return places;
}

/**
 * The proxy path of a run's artifact URI when it is a proxied one (`mlflow-artifacts:/0/<run>/artifacts`, with or
 * without a host), else null (the run keeps its artifacts elsewhere). Pure.
 */
export function proxiedRoot(artifactUri: string): string | null {
  const m = /^mlflow-artifacts:(?:\/\/[^/]*)?\/+(.*?)\/*$/.exec(artifactUri);
  return m && m[1] !== '' ? m[1] : null;
}
