import { useEffect, useState } from 'react';
import { getExperiment, getRun } from '../api/mlflow';
import { getRunLineage } from '../api/native';
import type { Run } from '../api/types';
import { RunLogs } from '../components/RunLogs';
import { ArtifactBrowser } from '../components/ArtifactBrowser';
import { ErrorMessage } from '../components/ErrorMessage';
import { ChartControls, MetricChart, chartSettingsFrom, chartSettingsQuery } from '../components/MetricChart';
import { formatDateTime, formatDuration, formatNumber } from '../lib/format';
import type { ViewProps } from '../lib/view';

interface Dataset {
  name: string;
  digest: string;
  source: string;
}
interface Lineage {
  git_commit: string | null;
  experiment: { name: string; commit: string | null } | null;
  stage: string | null;
  inputs: Dataset[];
  outputs: Dataset[];
  lock: { commit: string; matches_run: boolean; stages: Array<{ stage: string; deps: Array<{ path: string; oid: string }>; outs: Array<{ path: string; oid: string }> }> } | null;
  notes: string[];
}

function KeyValues({ items }: { items: Record<string, string | number> }) {
  const keys = Object.keys(items).sort();
  if (keys.length === 0) return <p className="muted">None.</p>;
  return (
    <table className="grid kv">
      <tbody>
        {keys.map((k) => (
          <tr key={k}>
            <td>{k}</td>
            <td className="mono">{typeof items[k] === 'number' ? formatNumber(items[k] as number) : items[k]}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** `#/runs/:id`: overview, params, metric charts, tags, environment, lineage and the artifact browser. */
export function RunView({ params, query, navigate }: ViewProps) {
  const [run, setRun] = useState<Run | null>(null);
  const [lineage, setLineage] = useState<Lineage | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [lineageError, setLineageError] = useState<unknown>(null);
  const [experimentName, setExperimentName] = useState<string | null>(null);
  const settings = chartSettingsFrom(query);
  useEffect(() => {
    const ctrl = new AbortController();
    getRun(params.id, ctrl.signal).then(setRun, (e) => !ctrl.signal.aborted && setError(e));
    getRunLineage(params.id, ctrl.signal).then((l) => setLineage(l as Lineage), (e) => !ctrl.signal.aborted && setLineageError(e));
    return () => ctrl.abort();
  }, [params.id]);
  useEffect(() => {
    if (!run) return;
    const ctrl = new AbortController();
    getExperiment(run.experimentId, ctrl.signal).then((e) => setExperimentName(e.name), () => undefined);
    return () => ctrl.abort();
  }, [run?.experimentId]);
  if (error) return <div className="view"><ErrorMessage error={error} /></div>;
  if (!run) return <div className="loading">Loading…</div>;
  const t = run.tags;
  const userTags = Object.fromEntries(Object.entries(t).filter(([k]) => !k.startsWith('mlflow.') && !k.startsWith('cairn.')));
  const envTags = Object.fromEntries(Object.entries(t).filter(([k]) => k.startsWith('mlflow.') || k.startsWith('cairn.')));
  const command = t['cairn.command'] ?? t['mlflow.source.name'] ?? '';
  return (
    <div className="view run-view">
      <h1>
        {run.name || run.id} <span className={`status ${run.status}`}>{run.status}</span>
      </h1>
      <dl className="overview">
        <dt>Run id</dt><dd className="mono">{run.id}</dd>
        <dt>Experiment</dt><dd><a href={`#/experiments/${run.experimentId}`}>{experimentName ?? run.experimentId}</a></dd>
        <dt>Started</dt><dd>{formatDateTime(run.startTime)}</dd>
        <dt>Duration</dt><dd>{formatDuration((run.endTime ?? Date.now()) - run.startTime)}</dd>
        <dt>User</dt><dd>{run.user || t['mlflow.user'] || ''}</dd>
        <dt>Commit</dt><dd className="mono">{t['mlflow.source.git.commit'] ?? lineage?.git_commit ?? '—'}</dd>
        <dt>Command</dt><dd className="mono">{command || '—'}</dd>
      </dl>
      <h2>Params</h2>
      <KeyValues items={run.params} />
      <h2>Metrics</h2>
      <ChartControls settings={settings} onChange={(s) => navigate(`/runs/${encodeURIComponent(run.id)}`, { ...query, ...chartSettingsQuery(s) }, { replace: true })} />
      <div className="charts">
        {Object.keys(run.metrics).sort().map((m) => (
          <MetricChart key={m} metric={m} runs={[run]} settings={settings} />
        ))}
      </div>
      <h2>Tags</h2>
      <KeyValues items={userTags} />
      <h2>Environment</h2>
      <KeyValues items={envTags} />
      <h2>Logs</h2>
      <RunLogs artifactUri={run.artifactUri} />
      <h2>Data and lineage</h2>
      {lineageError ? <ErrorMessage error={lineageError} /> : lineage ? <LineageView lineage={lineage} /> : <div className="loading">Loading…</div>}
      <h2>Artifacts</h2>
      <ArtifactBrowser artifactUri={run.artifactUri} />
    </div>
  );
}

function LineageView({ lineage }: { lineage: Lineage }) {
  const datasets = (title: string, list: Dataset[]) => (
    <div>
      <h3>{title}</h3>
      {list.length === 0 ? <p className="muted">None recorded.</p> : (
        <table className="grid">
          <thead><tr><th>name</th><th>digest</th><th>source</th></tr></thead>
          <tbody>{list.map((d) => <tr key={d.name + d.digest}><td>{d.name}</td><td className="mono">{d.digest.slice(0, 12)}</td><td className="mono">{d.source}</td></tr>)}</tbody>
        </table>
      )}
    </div>
  );
  return (
    <div className="lineage" data-testid="lineage">
      <p>
        {lineage.experiment && <>Experiment <b>{lineage.experiment.name}</b> · </>}
        {lineage.stage && <>Stage <b>{lineage.stage}</b> · </>}
        Code commit <span className="mono">{lineage.git_commit?.slice(0, 12) ?? 'none'}</span>
      </p>
      {datasets('Inputs (data versions used)', lineage.inputs)}
      {datasets('Outputs', lineage.outputs)}
      {lineage.lock && (
        <div>
          <h3>
            Lock at {lineage.lock.commit.slice(0, 12)} {lineage.lock.matches_run ? '' : <span className="muted">(outputs differ from the run's)</span>}
          </h3>
          {lineage.lock.stages.map((s) => (
            <div key={s.stage} className="mono small">
              {s.deps.map((d) => `${d.path}@${d.oid.slice(0, 8)}`).join(', ')} → <b>{s.stage}</b> → {s.outs.map((o) => `${o.path}@${o.oid.slice(0, 8)}`).join(', ')}
            </div>
          ))}
        </div>
      )}
      {lineage.notes.map((n) => <p key={n} className="muted">{n}</p>)}
    </div>
  );
}
