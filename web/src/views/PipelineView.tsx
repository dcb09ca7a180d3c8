import { useEffect, useState } from 'react';
import { getData, getPipelineDag } from '../api/native';
import { ErrorMessage } from '../components/ErrorMessage';
import { formatBytes } from '@cairn/format-bytes';
import { dataChanges, layoutDag, type Dag, type DagNode, type TrackedData } from '../lib/dagLayout';
import type { ViewProps } from '../lib/view';

const STATUS_LABELS: Record<NonNullable<DagNode['status']>, string> = { 'up-to-date': 'up to date', changed: 'changed', frozen: 'frozen', unknown: 'status unknown' };

/** `#/pipeline?rev=R&base=B`: the stage DAG, the tracked data of a commit, and what changed since another one. */
export function PipelineView({ query, navigate }: ViewProps) {
  const [dag, setDag] = useState<Dag | null>(null);
  const [data, setData] = useState<TrackedData | null>(null);
  const [base, setBase] = useState<TrackedData | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [rev, setRev] = useState(query.rev ?? '');
  const [baseRev, setBaseRev] = useState(query.base ?? '');
  useEffect(() => {
    setError(null);
    getPipelineDag(query.rev || undefined).then((d) => setDag(d as Dag), setError);
    getData(query.rev || undefined).then((d) => setData(d as TrackedData), setError);
    if (query.base) getData(query.base).then((d) => setBase(d as TrackedData), setError);
    else setBase(null);
  }, [query.rev, query.base]);
  const layout = dag ? layoutDag(dag) : null;
  const changes = data && base ? dataChanges(base, data) : null;
  return (
    <div className="view pipeline-view">
      <h1>Pipeline</h1>
      <form className="toolbar" onSubmit={(e) => (e.preventDefault(), navigate('/pipeline', { rev, base: baseRev }))}>
        <label>revision <input type="text" value={rev} placeholder="workspace / HEAD" onChange={(e) => setRev(e.target.value)} /></label>
        <label>compare with <input type="text" value={baseRev} placeholder="e.g. HEAD~1" onChange={(e) => setBaseRev(e.target.value)} /></label>
        <button type="submit">Show</button>
      </form>
      <ErrorMessage error={error} />
      {layout && (
        <svg className="dag" width={layout.width} height={layout.height} role="img" aria-label="pipeline DAG">
          <defs>
            <marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse">
              <path d="M 0 0 L 10 5 L 0 10 z" className="dag-arrow" />
            </marker>
          </defs>
          {layout.edges.map((e, i) => (
            <path key={i} d={e.path} className="dag-edge" markerEnd="url(#arrow)"><title>{e.paths.join(', ')}</title></path>
          ))}
          {layout.nodes.map((n) => (
            <g key={n.name} transform={`translate(${n.x},${n.y})`} className={`dag-node${n.frozen ? ' frozen' : ''}${n.status ? ` status-${n.status}` : ''}`} data-stage={n.name} data-status={n.status}>
              <rect width={layout.nodeWidth} height={layout.nodeHeight} rx={6} />
              <text x={10} y={20} className="dag-name">{n.name}</text>
              <text x={10} y={38} className="dag-status">
                {n.status ? STATUS_LABELS[n.status] : n.frozen ? 'frozen' : ''} · {n.outs.length} out{n.outs.length === 1 ? '' : 's'}
              </text>
              <title>{[n.cmd.join(' && '), ...(n.reasons ?? [])].join('\n')}</title>
            </g>
          ))}
        </svg>
      )}
      {dag && dag.nodes.length === 0 && <p className="muted">No stages.</p>}
      <h2>Tracked data {data && <span className="muted mono">at {data.commit.slice(0, 12)}</span>}</h2>
      {data && (
        <table className="grid" data-testid="tracked-data">
          <thead><tr><th>path</th><th>kind</th><th className="num">files</th><th className="num">size</th><th>oid</th><th>from</th></tr></thead>
          <tbody>
            {data.data.map((d) => (
              <tr key={d.path}>
                <td className="mono">{d.path}</td><td>{d.kind}</td><td className="num">{d.files ?? 1}</td><td className="num" title={`${d.size} bytes`}>{formatBytes(d.size)}</td>
                <td className="mono">{d.oid.slice(0, 12)}</td><td className="muted">{d.stage ? `stage ${d.stage}` : d.pointer_file}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {changes && (
        <>
          <h2>Changed since {query.base}</h2>
          {changes.length === 0 ? <p className="muted">Nothing changed.</p> : (
            <table className="grid" data-testid="data-changes">
              <thead><tr><th>path</th><th>change</th><th className="num">size before</th><th className="num">size after</th></tr></thead>
              <tbody>
                {changes.map((c) => (
                  <tr key={c.path}><td className="mono">{c.path}</td><td>{c.change}</td><td className="num">{c.before ? formatBytes(c.before.size) : ''}</td><td className="num">{c.after ? formatBytes(c.after.size) : ''}</td></tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </div>
  );
}
