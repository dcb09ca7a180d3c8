/** @jsxRuntime automatic */
import { useEffect, useMemo, useState } from 'react';
import { ApiError } from '../api/http';
import { deleteRun, getExperiment, restoreRun, setRunTag } from '../api/mlflow';
import { getRunKeys } from '../api/native';
import type { Experiment, RunKeys } from '../api/types';
import { ColumnPicker } from '../components/ColumnPicker';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { ErrorMessage } from '../components/ErrorMessage';
import { FilterBox } from '../components/FilterBox';
import { RunsTable } from '../components/RunsTable';
import { arrangeColumns, availableColumnIds, columnOf, defaultColumnIds, mergeRunKeys, moveColumn, orderByClauses, sortRuns, tableRows } from '../lib/columns';
import { encodeList, formatHash } from '../lib/router';
import { decodeRunsState, encodeRunsState, toggleSort, type RunsState } from '../lib/runsState';
import { useRuns } from '../lib/useRuns';
import type { ViewProps } from '../lib/view';

const NO_KEYS: RunKeys = { params: [], metrics: [], tags: [] };

/** The runs of one experiment (`#/experiments/:id`) or several (`#/runs?exp=1,2`); the whole state is in the URL. */
export function RunsView({ params, query, navigate }: ViewProps) {
  const state = useMemo(() => decodeRunsState(params, query), [params, query]);
  const update = (patch: Partial<RunsState>, replace = true) => {
    const next = encodeRunsState({ ...state, ...patch });
    navigate(next.path, next.query, { replace });
  };
  const expKey = state.experimentIds.join(',');

  const [experiments, setExperiments] = useState<Experiment[]>([]);
  const [serverKeys, setServerKeys] = useState<RunKeys>(NO_KEYS);
  const [keysGeneration, setKeysGeneration] = useState(0);
  useEffect(() => {
    const ctrl = new AbortController();
    Promise.all(state.experimentIds.map((id) => getExperiment(id, ctrl.signal))).then(setExperiments, () => undefined);
    return () => ctrl.abort();
  }, [expKey]);

  // The server sorts only while the runs are not all here; once they are, sorting happens in the page.
  const [serverOrder, setServerOrder] = useState<string[]>(() => orderByClauses(state.sort));
  const loaded = useRuns({ experimentIds: state.experimentIds, filter: state.filter, orderBy: serverOrder, viewType: state.viewType }, { poll: true });
  // Every key of the experiments, also of runs not loaded (or filtered out): asked for once the first page is here,
  // so the aggregate does not hold up the first rows (one SQLite connection answers in turn).
  const firstPageIn = loaded.runs.length > 0 || !loaded.loading;
  useEffect(() => {
    if (state.experimentIds.length === 0 || !firstPageIn) return;
    const ctrl = new AbortController();
    getRunKeys(state.experimentIds, ctrl.signal).then(setServerKeys, () => undefined);
    return () => ctrl.abort();
  }, [expKey, keysGeneration, firstPageIn]);
  const keys = useMemo(() => mergeRunKeys(serverKeys, loaded.runs), [serverKeys, loaded.runs]);
  const wantedOrder = orderByClauses(state.sort);
  useEffect(() => {
    if (!loaded.complete && wantedOrder.join('\n') !== serverOrder.join('\n')) setServerOrder(wantedOrder);
  }, [loaded.complete, wantedOrder.join('\n')]);

  const [collapsed, setCollapsed] = useState<Set<string>>(new Set());
  const sorted = useMemo(() => sortRuns(loaded.runs, state.sort), [loaded.runs, state.sort]);
  const rows = useMemo(() => tableRows(sorted, state.groupBy, collapsed), [sorted, state.groupBy, collapsed]);
  const columnIds = state.columns ?? defaultColumnIds(keys);
  const widthsKey = JSON.stringify(state.widths);
  const columns = useMemo(
    () => arrangeColumns(columnIds, state.pinned).map((c) => (state.widths[c.id] ? { ...c, width: state.widths[c.id] } : c)),
    [columnIds.join('\n'), state.pinned, widthsKey],
  );
  const selected = useMemo(() => new Set(state.selected), [state.selected]);
  const [busy, setBusy] = useState<string | null>(null);
  const [dialog, setDialog] = useState<'tag' | 'delete' | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);

  const filterError = loaded.error instanceof ApiError && typeof loaded.error.data?.column === 'number' ? { column: loaded.error.data.column as number, message: loaded.error.message.split('\n')[0] } : null;
  const selectedIds = state.selected;
  const compareHref = formatHash('/compare', { runs: encodeList(selectedIds) });

  const bulk = async (label: string, fn: (id: string) => Promise<void>) => {
    setBusy(label);
    setActionError(null);
    try {
      // A few at a time: the server takes them in parallel, the browser keeps a handful of connections anyway.
      const ids = [...selectedIds];
      await Promise.all(Array.from({ length: Math.min(6, ids.length) }, async () => {
        for (let id = ids.shift(); id !== undefined; id = ids.shift()) await fn(id);
      }));
    } catch (err) {
      setActionError(err);
    } finally {
      setBusy(null);
      loaded.reload();
      setKeysGeneration((g) => g + 1);
    }
  };

  const title = experiments.length === 1 ? experiments[0].name : experiments.length > 1 ? `${experiments.length} experiments` : state.experimentIds.join(', ');
  const deletedView = state.viewType === 'DELETED_ONLY';

  return (
    <section className="view runs-view">
      <div className="toolbar">
        <a href="#/" className="muted">
          Experiments
        </a>
        <span className="muted">/</span>
        <h1>{title}</h1>
        <span className="run-count muted" data-testid="run-count">
          {loaded.runs.length.toLocaleString()} run{loaded.runs.length === 1 ? '' : 's'}
          {loaded.loading ? ' (loading…)' : loaded.complete ? '' : ' (first ' + loaded.runs.length.toLocaleString() + ')'}
        </span>
        <span className="spacer" />
        <select aria-label="Show" value={deletedView ? 'deleted' : state.viewType === 'ALL' ? 'all' : 'active'} onChange={(e) => update({ viewType: e.target.value === 'deleted' ? 'DELETED_ONLY' : e.target.value === 'all' ? 'ALL' : 'ACTIVE_ONLY', selected: [] }, false)}>
          <option value="active">Active runs</option>
          <option value="deleted">Deleted runs</option>
          <option value="all">All runs</option>
        </select>
        <label className="group-by">
          Group by{' '}
          <select aria-label="Group by" value={state.groupBy ?? ''} onChange={(e) => update({ groupBy: e.target.value || null }, false)}>
            <option value="">(none)</option>
            {keys.params.map((p) => (
              <option key={p} value={`params.${p}`}>
                {p}
              </option>
            ))}
          </select>
        </label>
        <ColumnPicker available={availableColumnIds(keys)} shown={columnIds} onChange={(ids) => update({ columns: ids })} />
      </div>
      <FilterBox value={state.filter} keys={keys} serverProblem={filterError} onApply={(filter) => update({ filter, selected: [] }, false)} />
      <div className="toolbar selection-bar">
        <a className={`button primary${selectedIds.length < 1 ? '' : ''}`} href={compareHref} aria-disabled={selectedIds.length < 1} data-testid="compare">
          Compare{selectedIds.length ? ` ${selectedIds.length}` : ''}
        </a>
        <span className="muted">{selectedIds.length ? `${selectedIds.length} selected` : 'Select runs to compare (Shift+click for a range)'}</span>
        {selectedIds.length > 0 && (
          <>
            <button
              type="button"
              disabled={busy !== null}
              onClick={() => setDialog('tag')}
            >
              Tag…
            </button>
            {state.viewType !== 'ACTIVE_ONLY' && (
              <button type="button" disabled={busy !== null} onClick={() => void bulk('restore', restoreRun)}>
                Restore
              </button>
            )}
            {state.viewType !== 'DELETED_ONLY' && (
              <button
                type="button"
                className="danger"
                disabled={busy !== null}
                onClick={() => setDialog('delete')}
              >
                Delete
              </button>
            )}
            <button type="button" onClick={() => update({ selected: [] })}>
              Clear selection
            </button>
          </>
        )}
        {busy && <span className="muted">{busy}…</span>}
        {!loaded.complete && state.sort.some((s) => !columnOf(s.id)?.serverSortable) && <span className="muted">Duration sorts the loaded runs only.</span>}
      </div>
      <ErrorMessage error={actionError ?? (filterError ? null : loaded.error)} />
      <RunsTable
        rows={rows}
        columns={columns}
        pinned={new Set(state.pinned)}
        sort={state.sort}
        selected={selected}
        onSort={(id, add) => update({ sort: toggleSort(state.sort, id, add) })}
        onSelect={(ids, value) => {
          const next = new Set(state.selected);
          for (const id of ids) value ? next.add(id) : next.delete(id);
          update({ selected: [...next] });
        }}
        onSelectAll={(value) => update({ selected: value ? rows.flatMap((r) => (r.type === 'run' ? [r.run.id] : [])) : [] })}
        onMoveColumn={(id, before) => update({ columns: moveColumn(columnIds, id, before) })}
        onTogglePin={(id) => update({ pinned: state.pinned.includes(id) ? state.pinned.filter((p) => p !== id) : [...state.pinned, id] })}
        onResizeColumn={(id, width) => {
          const { [id]: _old, ...rest } = state.widths;
          update({ widths: width === null ? rest : { ...rest, [id]: width } });
        }}
        onHideColumn={(id) => update({ columns: columnIds.filter((c) => c !== id), pinned: state.pinned.filter((p) => p !== id) })}
        onToggleGroup={(key) => {
          const next = new Set(collapsed);
          if (next.has(key)) next.delete(key);
          else next.add(key);
          setCollapsed(next);
        }}
        onOpenRun={(id) => navigate(`/runs/${encodeURIComponent(id)}`)}
      />
      {dialog === 'tag' && (
        <ConfirmDialog
          title={`Tag ${selectedIds.length} run${selectedIds.length === 1 ? '' : 's'}`}
          confirmLabel="Tag"
          input={{ label: 'key=value', placeholder: 'reviewed=yes', validate: (v) => (parseTag(v) ? null : 'Write key=value; the key may not be empty.') }}
          onCancel={() => setDialog(null)}
          onConfirm={(v) => {
            setDialog(null);
            const tag = parseTag(v)!;
            void bulk('tag', (id) => setRunTag(id, tag.key, tag.value));
          }}
        />
      )}
      {dialog === 'delete' && (
        <ConfirmDialog
          title={`Delete ${selectedIds.length} run${selectedIds.length === 1 ? '' : 's'}? They can be restored from "Deleted runs".`}
          confirmLabel="Delete"
          danger
          onCancel={() => setDialog(null)}
          onConfirm={() => {
            setDialog(null);
            void bulk('delete', async (id) => deleteRun(id)).then(() => update({ selected: [] }));
          }}
        />
      )}
    </section>
  );
}

/** `key=value` (or a bare key, for an empty value) as a tag; null without a key. */
function parseTag(text: string): { key: string; value: string } | null {
  const eq = text.indexOf('=');
  const key = (eq < 0 ? text : text.slice(0, eq)).trim();
  return key ? { key, value: eq < 0 ? '' : text.slice(eq + 1).trim() } : null;
}
