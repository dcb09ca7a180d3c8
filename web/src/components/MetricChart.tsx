import { useEffect, useMemo, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { getDownsampled } from '../api/native';
import type { Run } from '../api/types';
import { alignSeries, forLogScale, runColor, type ChartAxis, type RunSeries } from '../lib/chartData';
import { formatNumber } from '../lib/format';
import { ErrorMessage } from './ErrorMessage';

export interface ChartSettings {
  axis: ChartAxis;
  smoothing: number;
  log: boolean;
}

const WIDTH = 560;
const HEIGHT = 240;

function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

/**
 * One metric of several runs over uPlot. The server downsamples (min/max per bucket, about 2 points per pixel column);
 * a drag selects a range, which is fetched again, finer; a double click zooms out.
 */
export function MetricChart({ metric, runs, settings }: { metric: string; runs: Run[]; settings: ChartSettings }) {
  const host = useRef<HTMLDivElement>(null);
  const [series, setSeries] = useState<RunSeries[] | null>(null);
  const [range, setRange] = useState<[number, number] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [hover, setHover] = useState<string>('');
  const runKey = runs.map((r) => r.id).join(',');
  const serverX = settings.axis === 'step' ? 'step' : 'time';

  useEffect(() => {
    const ctrl = new AbortController();
    // A zoomed range is in chart units: back to steps or ms for the server.
    const toServer = (v: number, run: Run) => (settings.axis === 'step' ? v : settings.axis === 'time' ? v * 1000 : v * 1000 + run.startTime);
    Promise.all(
      runs.map(async (run) => {
        const s = await getDownsampled(run.id, { key: metric, points: WIDTH, x: serverX, ...(range ? { from: Math.floor(toServer(range[0], run)), to: Math.ceil(toServer(range[1], run)) } : {}) }, ctrl.signal);
        return { runId: run.id, label: run.name || run.id.slice(0, 8), steps: s.steps, timestamps: s.timestamps, values: s.values, startTime: run.startTime };
      }),
    ).then(setSeries, (e) => !ctrl.signal.aborted && setError(e));
    return () => ctrl.abort();
  }, [metric, runKey, serverX, range?.[0], range?.[1]]);

  const data = useMemo(() => {
    if (!series) return null;
    const [xs, ...ys] = alignSeries(series, settings.axis, settings.smoothing);
    return [xs, ...(settings.log ? ys.map(forLogScale) : ys)] as uPlot.AlignedData;
  }, [series, settings.axis, settings.smoothing, settings.log]);

  // A metric logged once per run (what a pipeline's metrics file gives) reads better as bars than as lone dots.
  const single = series !== null && series.length > 0 && series.every((s) => s.values.length <= 1);

  useEffect(() => {
    if (!host.current || !data || !series || single) return;
    const fg = cssVar('--fg-muted', '#666');
    const grid = cssVar('--border', '#ddd');
    const axis = { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } };
    const opts: uPlot.Options = {
      width: WIDTH,
      height: HEIGHT,
      legend: { show: false },
      scales: { x: { time: settings.axis === 'time' }, y: { distr: settings.log ? 3 : 1 } },
      axes: [axis, { ...axis, size: 60, values: (_u, vals) => vals.map((v) => formatNumber(v)) }],
      // A short series (a metric logged once, at the end of a stage) is drawn as dots: a line needs two points.
      series: [{}, ...series.map((s, i) => ({ label: s.label, stroke: runColor(i), fill: undefined, width: 1.5, spanGaps: true, points: { show: data[0].length <= 64, size: 7, fill: runColor(i) } }))],
      cursor: { drag: { x: true, y: false } },
      hooks: {
        setSelect: [
          (u) => {
            if (u.select.width < 3) return;
            setRange([u.posToVal(u.select.left, 'x'), u.posToVal(u.select.left + u.select.width, 'x')]);
          },
        ],
        setCursor: [
          (u) => {
            const i = u.cursor.idx;
            if (i === null || i === undefined) return setHover('');
            const x = u.data[0][i];
            const parts = series.map((s, k) => `${s.label}: ${formatNumber(u.data[k + 1][i] ?? undefined)}`);
            setHover(`${settings.axis === 'step' ? 'step' : 'x'} ${formatNumber(x)} · ${parts.join(' · ')}`);
          },
        ],
      },
    };
    const plot = new uPlot(opts, data, host.current);
    const zoomOut = () => setRange(null);
    plot.over.addEventListener('dblclick', zoomOut);
    return () => plot.destroy();
  }, [data]);

  return (
    <figure className="chart" data-testid={`chart-${metric}`}>
      <figcaption>
        <strong>{metric}</strong>
        {range && (
          <button className="icon" onClick={() => setRange(null)} title="Zoom out (or double-click the chart)">
            reset zoom
          </button>
        )}
        <span className="muted chart-hover">{hover}</span>
      </figcaption>
      <ErrorMessage error={error} />
      {!series && !error && <div className="loading" style={{ height: HEIGHT }}>Loading…</div>}
      {single ? <ValueBars series={series!} /> : <div ref={host} />}
      <div className="chart-legend">
        {runs.map((r, i) => (
          <span key={r.id}>
            <i style={{ background: runColor(i) }} /> {r.name || r.id.slice(0, 8)}
          </span>
        ))}
      </div>
    </figure>
  );
}

/** One bar per run for a metric with a single value each: length on a scale from 0 (or the lowest value, if negative). */
function ValueBars({ series }: { series: RunSeries[] }) {
  const values = series.map((s) => s.values[0]);
  const finite = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  const lo = Math.min(0, ...finite);
  const hi = Math.max(0, ...finite);
  const span = hi - lo || 1;
  return (
    <div className="value-bars" role="list" aria-label="one value per run" style={{ width: WIDTH }}>
      {series.map((s, i) => {
        const v = values[i];
        const ok = typeof v === 'number' && Number.isFinite(v);
        return (
          <div key={s.runId} className="value-bar" role="listitem">
            <span className="value-bar-label">{s.label}</span>
            <span className="value-bar-track">
              {ok && <i style={{ left: `${((Math.min(v, 0) - lo) / span) * 100}%`, width: `${(Math.abs(v) / span) * 100}%`, background: runColor(i) }} />}
            </span>
            <span className="value-bar-value mono">{v === undefined ? '—' : formatNumber(v)}</span>
          </div>
        );
      })}
    </div>
  );
}

/** The shared settings of a view's charts: axis, smoothing, log scale. */
export function ChartControls({ settings, onChange }: { settings: ChartSettings; onChange: (s: ChartSettings) => void }) {
  return (
    <div className="toolbar chart-controls">
      <label>
        x{' '}
        <select value={settings.axis} onChange={(e) => onChange({ ...settings, axis: e.target.value as ChartAxis })}>
          <option value="step">step</option>
          <option value="time">wall time</option>
          <option value="relative">relative time</option>
        </select>
      </label>
      <label>
        smoothing{' '}
        <input type="range" min={0} max={0.99} step={0.01} value={settings.smoothing} onChange={(e) => onChange({ ...settings, smoothing: Number(e.target.value) })} />{' '}
        {settings.smoothing.toFixed(2)}
      </label>
      <label>
        <input type="checkbox" checked={settings.log} onChange={(e) => onChange({ ...settings, log: e.target.checked })} /> log scale
      </label>
    </div>
  );
}

export function chartSettingsFrom(query: Record<string, string>): ChartSettings {
  const axis = (['step', 'time', 'relative'] as const).find((a) => a === query.x) ?? 'step';
  const smoothing = Math.min(0.99, Math.max(0, Number(query.smooth) || 0));
  return { axis, smoothing, log: query.log === '1' };
}

export function chartSettingsQuery(s: ChartSettings): Record<string, string | undefined> {
  return { x: s.axis === 'step' ? undefined : s.axis, smooth: s.smoothing ? String(s.smoothing) : undefined, log: s.log ? '1' : undefined };
}
