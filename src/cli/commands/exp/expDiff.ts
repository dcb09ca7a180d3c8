import { openRepo } from '../../../core/repo.js';
import { resolveSide, type ExpSide } from '../../../experiments/resolveSide.js';
import { diffValues, formatChange, formatValue, markdownTable, textTable, type DiffRow, type ValuesByFile } from '../../../pipeline/metrics.js';
import type { CliContext, CommandResult } from '../../commandSpec.js';

const asValues = (v: Record<string, Record<string, unknown>>): ValuesByFile => Object.fromEntries(Object.entries(v).map(([f, data]) => [f, { data }]));
const depsValues = (s: ExpSide): ValuesByFile => ({ deps: { data: Object.fromEntries(Object.entries(s.deps).map(([p, oid]) => [p, oid.slice(0, 8)])) } });

export async function expDiff(ctx: CliContext, args: string[], opts: Record<string, unknown>): Promise<CommandResult> {
  const repo = await openRepo({ cwd: ctx.cwd, env: ctx.env });
  const a = await resolveSide(repo, args[0]);
  // One argument: an experiment against the commit it started from; a revision against the workspace.
  const b = args[1] !== undefined ? await resolveSide(repo, args[1]) : a.baseline ? { ...(await resolveSide(repo, a.baseline)), label: a.baseline.slice(0, 7) } : await resolveSide(repo, 'workspace');
  const [older, newer] = args[1] === undefined && a.baseline ? [b, a] : [a, b];
  const all = Boolean(opts.all);
  const sections: Array<['metrics' | 'params' | 'deps', DiffRow[]]> = [
    ['metrics', diffValues(asValues(older.metrics), asValues(newer.metrics), { all })],
    ['params', diffValues(asValues(older.params), asValues(newer.params), { all })],
    ['deps', diffValues(depsValues(older), depsValues(newer), { all })],
  ];
  const data = { a: older.label, b: newer.label, ...Object.fromEntries(sections) };
  const header = ['', 'File', 'Key', older.label, newer.label, 'Change'];
  const cells = sections.flatMap(([kind, rows]) => rows.map((r) => [kind, kind === 'deps' ? '' : r.file, r.key, formatValue(r.old), formatValue(r.new), kind === 'deps' ? '' : formatChange(r)]));
  if (cells.length === 0) return { data, text: [`No differences between ${older.label} and ${newer.label}${all ? '' : ' (--all lists unchanged values)'}.`] };
  return { data, text: opts.md ? markdownTable(header, cells) : textTable(header, cells) };
}
