import { useEffect, useMemo, useState } from 'react';
import { searchExperiments } from '../api/mlflow';
import { getExperimentSummaries } from '../api/native';
import type { Experiment, ExperimentSummary } from '../api/types';
import { ErrorMessage } from '../components/ErrorMessage';
import { formatDateTime, formatRelativeTime } from '../lib/format';
import { encodeList, formatHash } from '../lib/router';
import type { ViewProps } from '../lib/view';

interface Row {
  experiment: Experiment;
  summary: ExperimentSummary | undefined;
}

/** Every experiment with its run counts and last activity; `?q=` narrows by name, id or tag value. */
export function ExperimentsView({ query, navigate }: ViewProps) {
  const [rows, setRows] = useState<Row[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const q = query.q ?? '';

  useEffect(() => {
    const ctrl = new AbortController();
    Promise.all([searchExperiments({ signal: ctrl.signal }), getExperimentSummaries(ctrl.signal)])
      .then(([experiments, summaries]) => {
        const byId = new Map(summaries.map((s) => [s.experiment_id, s]));
        setRows(experiments.map((experiment) => ({ experiment, summary: byId.get(experiment.id) })));
      })
      .catch((err) => {
        if (!ctrl.signal.aborted) setError(err);
      });
    return () => ctrl.abort();
  }, []);

  const shown = useMemo(() => {
    if (!rows) return [];
    const needle = q.trim().toLowerCase();
    const matching = needle
      ? rows.filter(({ experiment: e }) => e.name.toLowerCase().includes(needle) || e.id === needle || Object.values(e.tags).some((v) => v.toLowerCase().includes(needle)))
      : rows;
    return [...matching].sort((a, b) => lastActivity(b) - lastActivity(a));
  }, [rows, q]);

  return (
    <section className="view experiments-view">
      <div className="toolbar">
        <h1>Experiments</h1>
        <input
          className="search"
          type="search"
          placeholder="Search experiments"
          aria-label="Search experiments"
          value={q}
          autoFocus
          onChange={(e) => navigate('/', { q: e.target.value }, { replace: true })}
        />
        <span className="spacer" />
        {picked.size > 1 && (
          <a className="button" href={formatHash('/runs', { exp: encodeList([...picked]) })}>
            Runs of {picked.size} experiments
          </a>
        )}
      </div>
      <ErrorMessage error={error} />
      {!rows && !error && <div className="loading">Loading experiments…</div>}
      {rows && (
        <table className="grid experiments">
          <thead>
            <tr>
              <th className="check" />
              <th>Name</th>
              <th className="num">Runs</th>
              <th className="num">Running</th>
              <th>Last activity</th>
              <th>Created</th>
            </tr>
          </thead>
          <tbody>
            {shown.map(({ experiment: e, summary: s }) => (
              <tr key={e.id} data-experiment-id={e.id}>
                <td className="check">
                  <input
                    type="checkbox"
                    aria-label={`pick ${e.name}`}
                    checked={picked.has(e.id)}
                    onChange={() => {
                      const next = new Set(picked);
                      if (next.has(e.id)) next.delete(e.id);
                      else next.add(e.id);
                      setPicked(next);
                    }}
                  />
                </td>
                <td>
                  <a href={`#/experiments/${encodeURIComponent(e.id)}`}>{e.name}</a> <span className="muted">#{e.id}</span>
                </td>
                <td className="num">{s?.runs ?? 0}</td>
                <td className="num">{s?.running ? <span className="status RUNNING">{s.running}</span> : ''}</td>
                <td title={formatDateTime(lastActivity({ experiment: e, summary: s }))}>{formatRelativeTime(lastActivity({ experiment: e, summary: s }))}</td>
                <td>{formatDateTime(e.creationTime)}</td>
              </tr>
            ))}
            {shown.length === 0 && (
              <tr>
                <td colSpan={6} className="empty">
                  {q ? `No experiment matches "${q}".` : 'No experiments yet: log a run (cairn runs, an MLflow client) and it shows here.'}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      )}
    </section>
  );
}

function lastActivity({ experiment, summary }: Row): number {
  return Math.max(summary?.last_activity ?? 0, experiment.lastUpdateTime ?? 0, experiment.creationTime ?? 0);
}
