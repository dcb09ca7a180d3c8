import type { Run } from '../api/types';
import { runColor } from '../lib/chartData';
import { formatNumber } from '../lib/format';

/** A run's value of a `params.x` / `metrics.y` column, as a number when it is one. */
export function columnValue(run: Run, column: string): number | string | undefined {
  const dot = column.indexOf('.');
  const kind = column.slice(0, dot);
  const key = column.slice(dot + 1);
  if (kind === 'metrics') return run.metrics[key];
  const v = run.params[key];
  return v !== undefined && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : v;
}

/** Where a value sits on an axis in [0, 1]: numbers by their range, strings by their sorted order. */
function scaleOf(values: Array<number | string | undefined>): (v: number | string | undefined) => number | null {
  const nums = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  if (nums.length === values.filter((v) => v !== undefined).length && nums.length > 0) {
    const lo = Math.min(...nums);
    const hi = Math.max(...nums);
    return (v) => (typeof v === 'number' && Number.isFinite(v) ? (hi === lo ? 0.5 : (v - lo) / (hi - lo)) : null);
  }
  const cats = [...new Set(values.filter((v) => v !== undefined).map(String))].sort();
  return (v) => (v === undefined ? null : cats.length === 1 ? 0.5 : cats.indexOf(String(v)) / (cats.length - 1));
}

/** One vertical axis per column, one polyline per run (SVG). */
export function ParallelCoordinates({ runs, columns }: { runs: Run[]; columns: string[] }) {
  const width = Math.max(400, columns.length * 140);
  const height = 240;
  const pad = 30;
  const side = 70;
  const x = (i: number) => side + (columns.length === 1 ? 0 : (i * (width - 2 * side)) / (columns.length - 1));
  const scales = columns.map((c) => scaleOf(runs.map((r) => columnValue(r, c))));
  const y = (t: number) => height - pad - t * (height - 2 * pad);
  return (
    <svg className="parallel" width={width} height={height} role="img" aria-label="parallel coordinates">
      {columns.map((c, i) => (
        <g key={c}>
          <line x1={x(i)} x2={x(i)} y1={pad} y2={height - pad} className="axis" />
          <text x={x(i)} y={pad - 10} textAnchor="middle" className="axis-label">{c}</text>
        </g>
      ))}
      {runs.map((r, k) => {
        const pts = columns.map((c, i) => {
          const t = scales[i](columnValue(r, c));
          return t === null ? null : `${x(i)},${y(t)}`;
        });
        return <polyline key={r.id} points={pts.filter(Boolean).join(' ')} fill="none" stroke={runColor(k)} strokeWidth={2}><title>{r.name || r.id}</title></polyline>;
      })}
    </svg>
  );
}

/** Any two columns against each other, one dot per run (SVG). */
export function Scatter({ runs, columns, x, y, onChange }: { runs: Run[]; columns: string[]; x: string; y: string; onChange: (x: string, y: string) => void }) {
  const size = 300;
  const pad = 40;
  const sx = scaleOf(runs.map((r) => columnValue(r, x)));
  const sy = scaleOf(runs.map((r) => columnValue(r, y)));
  const pick = (value: string, set: (v: string) => void) => (
    <select value={value} onChange={(e) => set(e.target.value)}>
      {columns.map((c) => <option key={c}>{c}</option>)}
    </select>
  );
  return (
    <div>
      <div className="toolbar">x {pick(x, (v) => onChange(v, y))} y {pick(y, (v) => onChange(x, v))}</div>
      <svg className="scatter" width={size + pad} height={size + pad} role="img" aria-label="scatter">
        <rect x={pad} y={0} width={size} height={size} className="frame" />
        {runs.map((r, k) => {
          const tx = sx(columnValue(r, x));
          const ty = sy(columnValue(r, y));
          if (tx === null || ty === null) return null;
          return (
            <circle key={r.id} cx={pad + 8 + tx * (size - 16)} cy={size - 8 - ty * (size - 16)} r={5} fill={runColor(k)}>
              <title>{`${r.name || r.id}: ${formatValue(columnValue(r, x))}, ${formatValue(columnValue(r, y))}`}</title>
            </circle>
          );
        })}
        <text x={pad + size / 2} y={size + 28} textAnchor="middle" className="axis-label">{x}</text>
      </svg>
    </div>
  );
}

const formatValue = (v: number | string | undefined) => (typeof v === 'number' ? formatNumber(v) : (v ?? ''));
