import { useEffect, useMemo, useState } from 'react';
import { getRun } from '../api/mlflow';
import type { Run } from '../api/types';
import { ErrorMessage } from '../components/ErrorMessage';
import { ChartControls, MetricChart, chartSettingsFrom, chartSettingsQuery } from '../components/MetricChart';
import { ParallelCoordinates, Scatter } from '../components/RunPlots';
import { compareRows } from '../lib/diffColumns';
import { formatNumber } from '../lib/format';
import { decodeList } from '../lib/router';
import type { ViewProps } from '../lib/view';

/** `#/compare?runs=a,b,c`: a chart per metric, the params/metrics table, parallel coordinates and a scatter. */
export function CompareView({ query, navigate }: ViewProps) {
  const ids = decodeList(query.runs);
  const [runs, setRuns] = useState<Run[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const settings = chartSettingsFrom(query);
  const onlyDiff = query.diff !== '0';
  const set = (patch: Record<string, string | undefined>) => navigate('/compare', { ...query, ...patch }, { replace: true });
  useEffect(() => {
    const ctrl = new AbortController();
    Promise.all(ids.map((id) => getRun(id, ctrl.signal))).then(setRuns, (e) => !ctrl.signal.aborted && setError(e));
    return () => ctrl.abort();
  }, [query.runs]);
  const metrics = useMemo(() => [...new Set((runs ?? []).flatMap((r) => Object.keys(r.metrics)))].sort(), [runs]);
  const rows = useMemo(() => compareRows(runs ?? [], onlyDiff), [runs, onlyDiff]);
  if (ids.length === 0) return <div className="empty">Select runs in a runs table and press Compare.</div>;
  if (error) return <div className="view"><ErrorMessage error={error} /></div>;
  if (!runs) return <div className="loading">Loading…</div>;
  const columns = compareRows(runs, false).map((r) => `${r.kind === 'param' ? 'params' : 'metrics'}.${r.key}`);
  return (
    <div className="view compare-view">
      <h1>Comparing {runs.length} runs</h1>
      <ChartControls settings={settings} onChange={(s) => set(chartSettingsQuery(s))} />
      <div className="charts">
        {metrics.map((m) => (
          <MetricChart key={m} metric={m} runs={runs} settings={settings} />
        ))}
      </div>
      <h2>
        Params and metrics{' '}
        <label className="muted">
          <input type="checkbox" checked={onlyDiff} onChange={(e) => set({ diff: e.target.checked ? undefined : '0' })} data-testid="only-diff" /> only differences
        </label>
      </h2>
      <table className="grid compare-table">
        <thead>
          <tr>
            <th>key</th>
            {runs.map((r) => (
              <th key={r.id}>
                <a href={`#/runs/${encodeURIComponent(r.id)}`}>{r.name || r.id.slice(0, 8)}</a>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.kind + row.key} className={row.differs ? 'differs' : undefined}>
              <td>
                <span className="rt-kind">{row.kind === 'param' ? 'P' : 'M'}</span> {row.key}
              </td>
              {row.values.map((v, i) => (
                <td key={i} className={typeof v === 'number' ? 'num' : undefined}>
                  {typeof v === 'number' ? formatNumber(v) : (v ?? '—')}
                </td>
              ))}
            </tr>
          ))}
          {rows.length === 0 && (
            <tr>
              <td colSpan={runs.length + 1} className="muted">No differences.</td>
            </tr>
          )}
        </tbody>
      </table>
      <h2>Parallel coordinates</h2>
      <ParallelCoordinates runs={runs} columns={columns} />
      <h2>Scatter</h2>
      <Scatter runs={runs} columns={columns} x={query.sx ?? columns[0]} y={query.sy ?? columns[1] ?? columns[0]} onChange={(sx, sy) => set({ sx, sy })} />
    </div>
  );
}
