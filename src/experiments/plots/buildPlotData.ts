import { CairnError } from '../../core/errors.js';
import type { PlotSpec, PlotTemplate, YRef } from './plotSpec.js';
import { STEP_FIELD } from './plotSpec.js';
import { numericValue, rowFields, type PlotRow, type PlotValue } from './plotRows.js';

/** From a PlotSpec and the rows of its files at each revision to the series a renderer draws. Pure. */

export interface PlotPoint {
  x: number | string;
  y: number | string;
}

export interface PlotSeries {
  /** What the legend says: the revision, the field, or both. */
  label: string;
  rev: string;
  file: string;
  field: string;
  /** The field x was read from (`step` for the row number). */
  xField: string;
  points: PlotPoint[];
}

export interface PlotData {
  id: string;
  template: PlotTemplate;
  title: string;
  xLabel: string;
  yLabel: string;
  series: PlotSeries[];
}

/** The rows of each file that exists at one revision (`label` is what people read: `HEAD`, `workspace`). */
export interface RevisionRows {
  label: string;
  files: Record<string, PlotRow[]>;
}

const CONFUSION_DEFAULTS = { x: 'actual', y: 'predicted' };

function missingField(file: string, field: string, role: string, rows: PlotRow[]): CairnError {
  const fields = rowFields(rows);
  return new CairnError('INVALID', `${file} has no field "${field}" for the plot's ${role}`, {
    hint: fields.length ? `its fields are: ${fields.join(', ')}` : `${file} has no rows`,
    data: { file, field },
  });
}

const isConfusion = (t: PlotTemplate) => t === 'confusion' || t === 'confusion_normalized';

/** The x field name and the values of rows `i` (null: leave the point out). */
function xAxis(spec: PlotSpec, rows: PlotRow[], file: string, files: Record<string, PlotRow[]>): { field: string; at: (i: number) => PlotValue | undefined } | null {
  const field = spec.x?.field ?? (isConfusion(spec.template) ? CONFUSION_DEFAULTS.x : undefined);
  if (field === undefined) {
    if (rows.length && rows.every((r) => STEP_FIELD in r)) return { field: STEP_FIELD, at: (i) => rows[i][STEP_FIELD] };
    return { field: STEP_FIELD, at: (i) => i };
  }
  const source = spec.x?.file ?? file;
  const xRows = files[source];
  if (!xRows) return null;
  if (xRows.length && !xRows.some((r) => field in r)) throw missingField(source, field, 'x axis', xRows);
  return { field, at: (i) => xRows[i]?.[field] };
}

function yField(spec: PlotSpec, field: string | undefined, rows: PlotRow[], file: string, xField: string): string {
  const wanted = field ?? (isConfusion(spec.template) ? CONFUSION_DEFAULTS.y : undefined);
  if (wanted !== undefined) {
    if (rows.length && !rows.some((r) => wanted in r)) throw missingField(file, wanted, 'y axis', rows);
    return wanted;
  }
  // As in DVC: with no y, the last field of the file that is not x.
  const candidates = rowFields(rows).filter((f) => f !== xField);
  if (candidates.length === 0) throw new CairnError('INVALID', `${file} has no field to plot besides "${xField}"`, { hint: 'name the y field with `y:` in cairn.yaml or `-y`', data: { file } });
  return candidates[candidates.length - 1];
}

/** A value a point can use: a finite number (numeric text such as YAML's "0.5" counts as one), or a class name. */
function pointValue(v: PlotValue | undefined): number | string | null {
  const n = numericValue(v);
  if (n !== null) return n;
  if (typeof v === 'boolean') return String(v);
  return typeof v === 'string' && v.trim() !== '' ? v : null;
}

/** One series from one file at one revision (null: the x file is absent there); throws for a file that cannot give it. */
function seriesOf(spec: PlotSpec, ref: YRef, revision: RevisionRows): PlotSeries | null {
  const rows = revision.files[ref.file];
  if (rows.length === 0) throw new CairnError('INVALID', `${ref.file} has no rows to plot`, { hint: 'write one row a step or a point below the header', data: { file: ref.file } });
  const x = xAxis(spec, rows, ref.file, revision.files);
  if (!x) return null;
  const field = yField(spec, ref.field, rows, ref.file, x.field);
  const points: PlotPoint[] = [];
  rows.forEach((row, i) => {
    const [xv, yv] = [pointValue(x.at(i)), pointValue(row[field])];
    if (xv !== null && yv !== null) points.push({ x: xv, y: yv });
  });
  return { label: '', rev: revision.label, file: ref.file, field, xField: x.field, points };
}

/**
 * Series for every y reference at every revision that has its file; labels say only what differs between series.
 * A series whose file lacks a named field is left out and its error returned, so one old revision does not hide the rest.
 */
export function buildPlotData(spec: PlotSpec, revisions: RevisionRows[]): { data: PlotData; problems: CairnError[] } {
  const series: PlotSeries[] = [];
  const problems: CairnError[] = [];
  for (const revision of revisions) {
    for (const ref of spec.y.filter((r) => revision.files[r.file])) {
      try {
        const s = seriesOf(spec, ref, revision);
        if (s) series.push(s);
      } catch (err) {
        if (!(err instanceof CairnError)) throw err;
        // In a diff, say which revision's file it was.
        problems.push(revisions.length > 1 ? new CairnError(err.code, `${err.message} (${revision.label})`, { hint: err.hint, data: err.data }) : err);
      }
    }
  }
  const many = (key: 'rev' | 'file' | 'field') => new Set(series.map((s) => s[key])).size > 1;
  const [revs, files, fields] = [many('rev'), many('file'), many('field')];
  for (const s of series) {
    const what = [files ? s.file : '', fields || (!revs && !files) ? s.field : ''].filter(Boolean).join(': ');
    s.label = [revs ? s.rev : '', what].filter(Boolean).join(' · ') || s.field;
  }
  const yFields = [...new Set(series.map((s) => s.field))];
  const data: PlotData = {
    id: spec.id,
    template: spec.template,
    title: spec.title ?? spec.id,
    xLabel: spec.xLabel ?? series[0]?.xField ?? spec.x?.field ?? STEP_FIELD,
    yLabel: spec.yLabel ?? (yFields.length === 1 ? yFields[0] : ''),
    series,
  };
  return { data, problems };
}
