import { formatBytes } from '../../core/formatBytes.js';
import { SYSTEM_TAGS, type Artifact, type Experiment, type Metric, type Run } from '../../tracking/entities.js';
import { elide, fitTable } from '../output/fitTable.js';

/** People-facing forms of runs for `cairn runs list|show`, readable in 80 columns. */

export function formatTime(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export function formatNumber(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-4 || a >= 1e6) ? v.toExponential(3) : String(Number(v.toPrecision(5)));
}

/** Duration in ms of an ended run, or null while it runs. */
export function runDuration(run: Run): number | null {
  return run.info.end_time === null ? null : Math.max(0, run.info.end_time - run.info.start_time);
}

/** The list table: id, name, experiment, status, start, duration, then a column per metric/param the user asked about. */
export function runsTable(runs: Run[], experiments: Map<string, Experiment>, columns: Array<{ entity: 'metric' | 'param' | 'tag'; key: string }>): string[] {
  const header = ['RUN', 'NAME', 'EXPERIMENT', 'STATUS', 'STARTED', 'TOOK', ...columns.map((c) => c.key)];
  const rows = runs.map((run) => {
    const duration = runDuration(run);
    const extra = columns.map((c) => {
      if (c.entity === 'metric') {
        const m = run.data.metrics.find((x) => x.key === c.key);
        return m ? formatNumber(m.value) : '-';
      }
      const list = c.entity === 'param' ? run.data.params : run.data.tags;
      return list.find((x) => x.key === c.key)?.value ?? '-';
    });
    return [
      run.info.run_id.slice(0, 8),
      run.info.run_name,
      experiments.get(run.info.experiment_id)?.name ?? run.info.experiment_id,
      run.info.lifecycle_stage === 'deleted' ? 'deleted' : run.info.status.toLowerCase(),
      formatTime(run.info.start_time).slice(5),
      duration === null ? '-' : formatDuration(duration),
      ...extra,
    ];
  });
  return fitTable(header, rows, { keep: [0, 3, 4, 5, ...columns.map((_, i) => 6 + i).filter((i) => columns[i - 6].entity === 'metric')] });
}

/** `cairn runs show`: a summary, then params, latest metrics, tags, inputs and artifacts, each line within 80 columns. */
export function runDetails(run: Run, experiment: Experiment | undefined, artifacts: Artifact[]): string[] {
  const tag = (key: string) => run.data.tags.find((t) => t.key === key)?.value;
  const duration = runDuration(run);
  const lines = [`Run ${run.info.run_id}  ${elide(run.info.run_name, 40)}`];
  const field = (label: string, value: string | undefined) => {
    if (value) lines.push(`  ${label.padEnd(11)} ${elide(value, 66)}`);
  };
  field('experiment', experiment ? `${experiment.name} (${experiment.experiment_id})` : run.info.experiment_id);
  field('status', `${run.info.status}${run.info.lifecycle_stage === 'deleted' ? ' (deleted)' : ''}`);
  field('started', formatTime(run.info.start_time));
  field('ended', run.info.end_time === null ? undefined : `${formatTime(run.info.end_time)} (took ${formatDuration(duration!)})`);
  field('user', run.info.user_id);
  field('parent', tag(SYSTEM_TAGS.parentRunId));
  const commit = tag(SYSTEM_TAGS.gitCommit);
  const branch = tag(SYSTEM_TAGS.gitBranch);
  field('source', tag(SYSTEM_TAGS.sourceName));
  field('commit', commit && `${commit.slice(0, 12)}${branch ? ` (${branch})` : ''}`);
  section(lines, 'Params', run.data.params.map((p) => [p.key, p.value]));
  const values = run.data.metrics.map((m: Metric) => formatNumber(m.value));
  const valueWidth = Math.max(0, ...values.map((v) => v.length));
  section(lines, 'Metrics (latest)', run.data.metrics.map((m, i) => [m.key, `${values[i].padEnd(valueWidth)}  step ${m.step}`]));
  section(lines, 'Tags', run.data.tags.filter((t) => !t.key.startsWith('mlflow.')).map((t) => [t.key, t.value]));
  section(
    lines,
    'Inputs',
    run.inputs.dataset_inputs.map((i) => {
      const context = i.tags.find((t) => t.key === SYSTEM_TAGS.datasetContext)?.value;
      return [i.dataset.name, `${i.dataset.digest.slice(0, 12)}${i.dataset.source ? `  ${i.dataset.source}` : ''}${context ? `  (${context})` : ''}`];
    }),
  );
  section(lines, 'Artifacts', artifacts.map((a) => [a.path, formatBytes(a.size)]));
  return lines;
}

function section(lines: string[], title: string, rows: string[][]): void {
  if (rows.length === 0) return;
  lines.push('', title);
  const width = Math.min(30, Math.max(...rows.map((r) => r[0].length)));
  for (const [k, v] of rows) lines.push(`  ${elide(k, width).padEnd(width)}  ${elide(v, 76 - width)}`);
}

/** Metric values as JSON can carry them: NaN and the infinities as the strings the events file uses. */
export function jsonSafeRun(run: Run): unknown {
  const metrics = run.data.metrics.map((m) => ({ ...m, value: Number.isFinite(m.value) ? m.value : String(m.value) }));
  return { ...run, data: { ...run.data, metrics } };
}
