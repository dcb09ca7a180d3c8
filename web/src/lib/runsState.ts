/**
 * The runs view's whole state, as it lives in the URL's query: the filter, the sort, the columns and pins, the group,
 * the selected runs and which lifecycle is shown. decode(encode(s)) == s, so a shared link opens the same view.
 */
import type { ViewType } from '../api/types';
import { decodeList, encodeList } from './router';
import type { SortKey } from './columns';

export interface RunsState {
  /** The experiments shown (`#/experiments/1`, or `#/runs?exp=1,2`). */
  experimentIds: string[];
  filter: string;
  sort: SortKey[];
  /** null: the default columns for the experiments' keys. */
  columns: string[] | null;
  pinned: string[];
  /** Column widths the user dragged, in pixels, by column id (the others keep their default). */
  widths: Record<string, number>;
  groupBy: string | null;
  selected: string[];
  viewType: ViewType;
}

const VIEW_TYPES: Record<string, ViewType> = { active: 'ACTIVE_ONLY', deleted: 'DELETED_ONLY', all: 'ALL' };

export function decodeRunsState(params: Record<string, string>, query: Record<string, string>): RunsState {
  return {
    experimentIds: params.id ? [params.id] : decodeList(query.exp),
    filter: query.filter ?? '',
    sort: decodeList(query.sort).map((s) => {
      const m = /^(.*):(asc|desc)$/.exec(s);
      return m ? { id: m[1], desc: m[2] === 'desc' } : { id: s, desc: false };
    }),
    columns: query.cols === undefined ? null : decodeList(query.cols).filter((c) => c !== '-'),
    pinned: decodeList(query.pin),
    widths: decodeWidths(query.w),
    groupBy: query.group || null,
    selected: decodeList(query.sel),
    viewType: VIEW_TYPES[query.show ?? 'active'] ?? 'ACTIVE_ONLY',
  };
}

/** The route path and query of a state (one experiment: `/experiments/:id`; several: `/runs?exp=`). */
export function encodeRunsState(s: RunsState): { path: string; query: Record<string, string | undefined> } {
  const single = s.experimentIds.length === 1;
  const show = Object.keys(VIEW_TYPES).find((k) => VIEW_TYPES[k] === s.viewType);
  return {
    path: single ? `/experiments/${encodeURIComponent(s.experimentIds[0])}` : '/runs',
    query: {
      exp: single ? undefined : encodeList(s.experimentIds),
      filter: s.filter || undefined,
      sort: s.sort.length ? encodeList(s.sort.map((k) => `${k.id}:${k.desc ? 'desc' : 'asc'}`)) : undefined,
      // Hiding every column is a choice too: `cols=-` (no column has the id "-", so it decodes to none).
      cols: s.columns === null ? undefined : s.columns.length ? encodeList(s.columns) : '-',
      pin: s.pinned.length ? encodeList(s.pinned) : undefined,
      w: Object.keys(s.widths).length ? encodeList(Object.entries(s.widths).map(([id, px]) => `${id}:${px}`)) : undefined,
      group: s.groupBy ?? undefined,
      sel: s.selected.length ? encodeList(s.selected) : undefined,
      show: show === 'active' ? undefined : show,
    },
  };
}

/** The narrowest and widest a column may be dragged to. */
export const COLUMN_WIDTH_LIMITS = { min: 48, max: 800 } as const;

/** `id:px` pairs; a malformed or out-of-range pair is dropped (a hand-edited link still opens). */
function decodeWidths(value: string | undefined): Record<string, number> {
  const widths: Record<string, number> = {};
  for (const item of decodeList(value)) {
    const m = /^(.*):(\d+)$/.exec(item);
    if (!m) continue;
    widths[m[1]] = Math.min(COLUMN_WIDTH_LIMITS.max, Math.max(COLUMN_WIDTH_LIMITS.min, Number(m[2])));
  }
  return widths;
}

/** The next sort after clicking a column's header: asc → desc → off; with shift, the column is added as a tie-breaker. */
export function toggleSort(sort: readonly SortKey[], id: string, add: boolean): SortKey[] {
  const current = sort.find((s) => s.id === id);
  const next: SortKey | null = !current ? { id, desc: false } : !current.desc ? { id, desc: true } : null;
  if (add) return next ? (current ? sort.map((s) => (s.id === id ? next : s)) : [...sort, next]) : sort.filter((s) => s.id !== id);
  return next ? [next] : [];
}
