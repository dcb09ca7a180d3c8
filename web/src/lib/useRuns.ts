import { useEffect, useRef, useState } from 'react';
import { searchRuns } from '../api/mlflow';
import type { Run, ViewType } from '../api/types';

export interface RunsQuery {
  experimentIds: string[];
  filter: string;
  /** The server's order; empty: its default (newest first). */
  orderBy: string[];
  viewType: ViewType;
}

export interface LoadedRuns {
  runs: Run[];
  /** Every run matching the query is loaded (so sorting may happen here). */
  complete: boolean;
  loading: boolean;
  error: unknown;
  /** Runs changed by the live refresh since the query loaded (new ones and updated RUNNING ones). */
  updatedAt: number;
}

/** The first page is small so the table shows at once; the rest follows in larger pages. */
export const FIRST_PAGE = 200;
export const NEXT_PAGE = 5000;
/** Beyond this the table stops loading and relies on server-side sorting and filtering. */
export const MAX_LOADED = 100_000;
export const POLL_MS = 5000;

/**
 * Loads the runs of a query page by page, and keeps RUNNING runs (and runs started since) up to date by polling
 * while the tab is visible. A new query aborts the old one's requests.
 */
export function useRuns(query: RunsQuery, options: { poll?: boolean } = {}): LoadedRuns & { reload(): void } {
  const [state, setState] = useState<LoadedRuns>({ runs: [], complete: false, loading: true, error: null, updatedAt: 0 });
  const [generation, setGeneration] = useState(0);
  const runsRef = useRef<Run[]>([]);
  const key = JSON.stringify(query);

  useEffect(() => {
    const ctrl = new AbortController();
    runsRef.current = [];
    setState((s) => ({ ...s, loading: true, error: null }));
    (async () => {
      let pageToken: string | undefined;
      let runs: Run[] = [];
      let first = true;
      do {
        const page = await searchRuns({ ...query, maxResults: first ? FIRST_PAGE : NEXT_PAGE, pageToken, signal: ctrl.signal });
        if (ctrl.signal.aborted) return;
        runs = runs.concat(page.runs);
        pageToken = page.nextPageToken ?? undefined;
        first = false;
        runsRef.current = runs;
        const complete = !pageToken;
        setState({ runs, complete, loading: !complete && runs.length < MAX_LOADED, error: null, updatedAt: Date.now() });
      } while (pageToken && runs.length < MAX_LOADED);
    })().catch((error) => {
      if (!ctrl.signal.aborted) setState((s) => ({ ...s, loading: false, error }));
    });
    return () => ctrl.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, generation]);

  useEffect(() => {
    if (!options.poll) return;
    const timer = window.setInterval(() => {
      if (document.visibilityState !== 'visible') return;
      void refreshLive(query, runsRef.current).then((merged) => {
        if (!merged) return;
        runsRef.current = merged;
        setState((s) => ({ ...s, runs: merged, updatedAt: Date.now() }));
      }, () => undefined);
    }, POLL_MS);
    return () => window.clearInterval(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, options.poll]);

  return { ...state, reload: () => setGeneration((g) => g + 1) };
}

/**
 * Re-reads the RUNNING runs and looks for runs started after the newest one; null when nothing changed. The
 * running runs are read through the view's own filter, so a run whose new metrics no longer match it leaves the
 * table (as it would on a reload) instead of staying with stale values.
 */
async function refreshLive(query: RunsQuery, runs: Run[]): Promise<Run[] | null> {
  if (runs.length === 0) return null;
  const running = runs.filter((r) => r.status === 'RUNNING' || r.status === 'SCHEDULED').map((r) => r.id);
  const newest = runs.reduce((m, r) => Math.max(m, r.startTime), 0);
  const within = (clause: string) => (query.filter.trim() ? `(${query.filter}) and ${clause}` : clause);
  const updates: Run[] = [];
  for (let i = 0; i < running.length; i += 200) {
    const ids = running.slice(i, i + 200).map((id) => `'${id}'`).join(', ');
    const page = await searchRuns({ ...query, orderBy: [], filter: within(`attributes.run_id IN (${ids})`), maxResults: 200 });
    updates.push(...page.runs);
  }
  const fresh = await searchRuns({ ...query, orderBy: [], filter: within(`attributes.start_time > ${newest}`), maxResults: 1000 });
  const byId = new Map(updates.map((r) => [r.id, r]));
  const left = new Set(running.filter((id) => !byId.has(id)));
  let changed = fresh.runs.length > 0 || left.size > 0;
  const merged: Run[] = [];
  for (const r of runs) {
    if (left.has(r.id)) continue;
    const u = byId.get(r.id);
    if (u && JSON.stringify(u) !== JSON.stringify(r)) {
      changed = true;
      merged.push(u);
    } else merged.push(r);
  }
  const known = new Set(runs.map((r) => r.id));
  return changed ? [...fresh.runs.filter((r) => !known.has(r.id)), ...merged] : null;
}
