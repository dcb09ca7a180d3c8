import { CairnError } from '../../core/errors.js';
import { parseTemplate, type PlotSpec, type XRef, type YRef } from './plotSpec.js';

/**
 * One plot definition as cairn.yaml (and dvc.yaml) write it, to a PlotSpec. A stage's plots entry is a file with
 * `x`/`y` fields; a top-level entry may also take `x` from one file (`x: {epochs.csv: epoch}`) and `y` from several
 * (`y: {train.csv: loss, val.csv: [loss, val_loss]}`), its id then being a name rather than a path. Pure.
 */

export interface PlotDefinition {
  x?: string | Record<string, string>;
  y?: string | string[] | Record<string, string | string[]>;
  template?: string;
  title?: string;
  x_label?: string;
  y_label?: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function bad(where: string, message: string, hint: string): CairnError {
  return new CairnError('INVALID', `${where}: ${message}`, { hint, data: { where } });
}

function fieldList(value: unknown, where: string, file: string): string[] {
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length === 0 || !list.every((f) => typeof f === 'string' && f !== '')) {
    throw bad(where, `the y fields of ${file} must be a field name or a list of them, not ${JSON.stringify(value)}`, `e.g. \`y: {${file}: [loss, val_loss]}\``);
  }
  return list as string[];
}

/** The y series: fields of the plot's own file (`id`), or of the files a mapping names. */
function yRefs(id: string, y: PlotDefinition['y'], where: string): YRef[] {
  if (y === undefined || y === null) return [{ file: id }];
  if (!isRecord(y)) return fieldList(y, where, id).map((field) => ({ file: id, field }));
  const entries = Object.entries(y);
  if (entries.length === 0) throw bad(where, 'y names no file', 'e.g. `y: {train.csv: loss}`');
  return entries.flatMap(([file, fields]) => fieldList(fields, where, file).map((field) => ({ file, field })));
}

function xRef(x: PlotDefinition['x'], where: string): XRef | undefined {
  if (x === undefined || x === null) return undefined;
  if (typeof x === 'string' && x !== '') return { field: x };
  if (isRecord(x) && Object.keys(x).length === 1) {
    const [[file, field]] = Object.entries(x);
    if (typeof field === 'string' && field !== '') return { file, field };
  }
  throw bad(where, `x must be a field name, or one file with its field (\`x: {epochs.csv: epoch}\`), not ${JSON.stringify(x)}`, 'every y series then takes its x from that file, row by row');
}

function text(value: unknown, key: string, where: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw bad(where, `${key} must be text, not ${JSON.stringify(value)}`, `e.g. \`${key}: Loss\``);
  return value;
}

/**
 * `id` is the plot's file path (stage plots, top-level entries without a y mapping) or its name; `where` names the
 * definition in errors; `files` maps paths in the definition to repo-relative ones (a pipeline file in a subfolder).
 */
export function plotSpecFromDefinition(
  id: string,
  def: PlotDefinition,
  options: { source: string; where: string; stage?: string; files?: (p: string) => string },
): PlotSpec {
  const { where } = options;
  const rel = options.files ?? ((p: string) => p);
  const x = xRef(def.x, where);
  const spec: PlotSpec = {
    id: isRecord(def.y) ? id : rel(id),
    template: parseTemplate(text(def.template, 'template', where), where),
    ...(x ? { x: x.file ? { ...x, file: rel(x.file) } : x } : {}),
    y: yRefs(id, def.y, where).map((r) => ({ ...r, file: rel(r.file) })),
    source: options.source,
  };
  const title = text(def.title, 'title', where);
  const xLabel = text(def.x_label, 'x_label', where);
  const yLabel = text(def.y_label, 'y_label', where);
  if (title !== undefined) spec.title = title;
  if (xLabel !== undefined) spec.xLabel = xLabel;
  if (yLabel !== undefined) spec.yLabel = yLabel;
  if (options.stage !== undefined) spec.stage = options.stage;
  return spec;
}
