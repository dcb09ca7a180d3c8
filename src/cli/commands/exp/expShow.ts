import { CairnError } from '../../../core/errors.js';
import { openRepo } from '../../../core/repo.js';
import { experimentRows } from '../../../experiments/experimentRows.js';
import { expColumns, expCsv, findColumn, renderExpTable, sortRows, cell, type ExpRow } from '../../../experiments/expTable.js';
import { formatValue, markdownTable } from '../../../pipeline/metrics.js';
import type { CliContext, CommandResult } from '../../commandSpec.js';
import { positiveInt } from '../../positiveInt.js';

/** At most `limit` experiments under each baseline (the newest, as listed). */
function limitRows(rows: ExpRow[], limit: number): ExpRow[] {
  let count = 0;
  return rows.filter((r) => {
    if (r.kind !== 'experiment') {
      count = 0;
      return true;
    }
    return ++count <= limit;
  });
}

export async function expShow(ctx: CliContext, opts: Record<string, unknown>): Promise<CommandResult> {
  const repo = await openRepo({ cwd: ctx.cwd, env: ctx.env });
  let rows = await experimentRows(repo, { allCommits: Boolean(opts.allCommits) });
  if (opts.filter !== undefined) rows = (await import('../../../experiments/filterRows.js')).filterRows(rows, String(opts.filter));
  let cols = expColumns(rows, { onlyChanged: Boolean(opts.onlyChanged) });
  if (opts.sortBy !== undefined) {
    const col = findColumn(expColumns(rows), String(opts.sortBy));
    const order = opts.sortOrder === undefined ? (col.group === 'metrics' ? 'desc' : 'asc') : String(opts.sortOrder);
    if (order !== 'asc' && order !== 'desc') throw new CairnError('USAGE', `--sort-order must be asc or desc, not "${order}"`, { hint: 'e.g. --sort-by metrics.acc --sort-order desc' });
    rows = sortRows(rows, col, order);
    if (!cols.includes(col) && !cols.some((c) => c.group === col.group && c.file === col.file && c.key === col.key)) cols = [col, ...cols];
  }
  const limit = positiveInt(opts.limit, '-n', 'cairn exp show -n 20');
  if (limit !== undefined) rows = limitRows(rows, limit);
  const data = rows.map((r) => ({ ...r, columns: Object.fromEntries(cols.map((c) => [`${c.group}.${c.file ? `${c.file}:` : ''}${c.key}`, cell(r, c) ?? null])) }));
  if (opts.csv) return { data, text: expCsv(rows, cols) };
  if (opts.md) {
    const header = ['Experiment', ...cols.map((c) => c.label)];
    const body = rows.map((r) => [r.label, ...cols.map((c) => formatValue(cell(r, c)))]);
    return { data, text: markdownTable(header, body) };
  }
  const width = positiveInt(opts.width, '--width', 'cairn exp show --width 120') ?? (process.stdout.isTTY ? process.stdout.columns || 80 : Infinity);
  const text = rows.some((r) => r.kind === 'experiment') || cols.length ? renderExpTable(rows, cols, width) : [];
  if (!rows.some((r) => r.kind === 'experiment')) text.push(...(text.length ? [''] : []), 'No experiments yet for this commit: run one with `cairn exp run -S key=value`.');
  return { data, text };
}
