/** @jsxRuntime automatic */
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import type { Run } from '../api/types';
import { cellValue, type Column, type SortKey, type TableRow } from '../lib/columns';
import { COLUMN_WIDTH_LIMITS } from '../lib/runsState';
import { formatDateTime, formatDuration, formatNumber } from '../lib/format';

export const ROW_HEIGHT = 30;
const CHECK_WIDTH = 36;

export interface RunsTableProps {
  rows: TableRow[];
  columns: Column[];
  pinned: ReadonlySet<string>;
  sort: SortKey[];
  selected: ReadonlySet<string>;
  onSort(id: string, add: boolean): void;
  /** A run's checkbox or row was toggled; `range` with shift (from the last toggled run). */
  onSelect(ids: string[], selected: boolean): void;
  onSelectAll(selected: boolean): void;
  onMoveColumn(id: string, beforeId: string | null): void;
  onTogglePin(id: string): void;
  onHideColumn(id: string): void;
  /** A column's edge was dragged (or moved with the arrow keys) to `width` px; null resets it (double-click). */
  onResizeColumn(id: string, width: number | null): void;
  onToggleGroup(key: string): void;
  onOpenRun(id: string): void;
}

/**
 * The runs grid: only the rows on screen are in the DOM (@tanstack/react-virtual), so 10,000+ runs scroll at full
 * speed. Pinned columns stick to the left. Keyboard: ↑/↓ move, Shift+↑/↓ extend the selection, Space toggles,
 * Enter opens the run, Ctrl/⌘+A selects all, Escape clears.
 */
export function RunsTable(props: RunsTableProps) {
  const { rows, pinned, sort, selected } = props;
  // While an edge is dragged the table follows the pointer; the URL (and the view's state) changes once, on release.
  const [resizing, setResizing] = useState<{ id: string; width: number } | null>(null);
  const columns = resizing ? props.columns.map((c) => (c.id === resizing.id ? { ...c, width: resizing.width } : c)) : props.columns;
  const scroller = useRef<HTMLDivElement>(null);
  const [cursor, setCursor] = useState(0);
  const anchor = useRef<number | null>(null);
  const [dragging, setDragging] = useState<string | null>(null);
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });

  useEffect(() => {
    if (cursor >= rows.length) setCursor(Math.max(0, rows.length - 1));
  }, [rows.length, cursor]);

  // Where each pinned column sticks: after the checkbox column and the pinned ones before it.
  const lefts = new Map<string, number>();
  let left = CHECK_WIDTH;
  for (const c of columns) {
    if (!pinned.has(c.id)) break;
    lefts.set(c.id, left);
    left += c.width;
  }
  const totalWidth = CHECK_WIDTH + columns.reduce((s, c) => s + c.width, 0);
  const runIndexes = rows.map((r, i) => (r.type === 'run' ? i : -1)).filter((i) => i >= 0);
  const allSelected = runIndexes.length > 0 && runIndexes.every((i) => selected.has((rows[i] as Extract<TableRow, { type: 'run' }>).run.id));

  const runIdAt = (i: number) => {
    const r = rows[i];
    return r && r.type === 'run' ? r.run.id : null;
  };
  const selectRange = (from: number, to: number, value: boolean) => {
    const [a, b] = from <= to ? [from, to] : [to, from];
    const ids: string[] = [];
    for (let i = a; i <= b; i++) {
      const id = runIdAt(i);
      if (id) ids.push(id);
    }
    props.onSelect(ids, value);
  };
  const toggleAt = (i: number, shift: boolean) => {
    const id = runIdAt(i);
    if (!id) {
      const r = rows[i];
      if (r?.type === 'group') props.onToggleGroup(r.key);
      return;
    }
    const value = !selected.has(id);
    if (shift && anchor.current !== null) selectRange(anchor.current, i, value);
    else props.onSelect([id], value);
    anchor.current = i;
  };
  const moveCursor = (to: number, extend: boolean) => {
    const next = Math.max(0, Math.min(rows.length - 1, to));
    if (extend) {
      if (anchor.current === null) anchor.current = cursor;
      selectRange(cursor, next, true);
    }
    setCursor(next);
    virtualizer.scrollToIndex(next, { align: 'auto' });
  };
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if ((e.target as HTMLElement).tagName === 'INPUT' && (e.target as HTMLInputElement).type !== 'checkbox') return;
    const page = Math.max(1, Math.floor((scroller.current?.clientHeight ?? 300) / ROW_HEIGHT) - 1);
    if (e.key === 'ArrowDown' || e.key === 'j') moveCursor(cursor + 1, e.shiftKey);
    else if (e.key === 'ArrowUp' || e.key === 'k') moveCursor(cursor - 1, e.shiftKey);
    else if (e.key === 'PageDown') moveCursor(cursor + page, e.shiftKey);
    else if (e.key === 'PageUp') moveCursor(cursor - page, e.shiftKey);
    else if (e.key === 'Home') moveCursor(0, e.shiftKey);
    else if (e.key === 'End') moveCursor(rows.length - 1, e.shiftKey);
    else if (e.key === ' ' || e.key === 'x') toggleAt(cursor, e.shiftKey);
    else if (e.key === 'Enter') {
      const id = runIdAt(cursor);
      if (id) props.onOpenRun(id);
      else toggleAt(cursor, false);
    } else if ((e.ctrlKey || e.metaKey) && e.key === 'a') props.onSelectAll(true);
    else if (e.key === 'Escape') props.onSelectAll(false);
    else return;
    e.preventDefault();
  };

  return (
    <div className="runs-table" ref={scroller} tabIndex={0} role="grid" aria-rowcount={rows.length} aria-label="Runs" onKeyDown={onKeyDown}>
      <div className="rt-header" role="row" style={{ width: totalWidth }}>
        <div className="rt-cell rt-check pinned" style={{ left: 0, width: CHECK_WIDTH }}>
          <input type="checkbox" aria-label="Select all runs" checked={allSelected} onChange={(e) => props.onSelectAll(e.target.checked)} />
        </div>
        {columns.map((c) => {
          const s = sort.findIndex((k) => k.id === c.id);
          const isPinned = lefts.has(c.id);
          return (
            <div
              key={c.id}
              role="columnheader"
              data-column={c.id}
              aria-sort={s < 0 ? 'none' : sort[s].desc ? 'descending' : 'ascending'}
              className={`rt-cell rt-head ${c.numeric ? 'num' : ''} ${isPinned ? 'pinned' : ''} kind-${c.kind} ${dragging === c.id ? 'dragging' : ''}`}
              style={{ width: c.width, left: isPinned ? lefts.get(c.id) : undefined }}
              draggable
              onDragStart={(e) => {
                if (resizing || (e.target as HTMLElement).classList?.contains('rt-resize')) return e.preventDefault();
                setDragging(c.id);
                e.dataTransfer.setData('text/plain', c.id);
                e.dataTransfer.effectAllowed = 'move';
              }}
              onDragEnd={() => setDragging(null)}
              onDragOver={(e) => e.preventDefault()}
              onDrop={(e) => {
                e.preventDefault();
                const id = e.dataTransfer.getData('text/plain');
                if (id && id !== c.id) props.onMoveColumn(id, c.id);
                setDragging(null);
              }}
              title={`${c.id} — click to sort (Shift+click adds a tie-breaker), drag to move`}
            >
              <button type="button" className="rt-sort" onClick={(e: MouseEvent) => props.onSort(c.id, e.shiftKey)}>
                <span className="rt-kind">{c.kind === 'attribute' ? '' : c.kind === 'metric' ? 'm' : c.kind === 'param' ? 'p' : 't'}</span>
                <span className="rt-label">{c.label}</span>
                {s >= 0 && (
                  <span className="rt-arrow">
                    {sort[s].desc ? '▼' : '▲'}
                    {sort.length > 1 ? s + 1 : ''}
                  </span>
                )}
              </button>
              <span className="rt-head-actions">
                <button type="button" className={`icon ${isPinned ? 'on' : ''}`} aria-label={`${isPinned ? 'Unpin' : 'Pin'} ${c.label}`} title={isPinned ? 'Unpin' : 'Pin to the left'} onClick={() => props.onTogglePin(c.id)}>
                  ⇤
                </button>
                <button type="button" className="icon" aria-label={`Hide ${c.label}`} title="Hide column" onClick={() => props.onHideColumn(c.id)}>
                  ×
                </button>
              </span>
              <ResizeHandle column={c} active={resizing?.id === c.id} onLive={(width) => setResizing(width === null ? null : { id: c.id, width })} onDone={(width) => props.onResizeColumn(c.id, width)} />
            </div>
          );
        })}
      </div>
      <div className="rt-body" style={{ height: virtualizer.getTotalSize(), width: totalWidth }}>
        {virtualizer.getVirtualItems().map((item) => {
          const row = rows[item.index];
          const focused = item.index === cursor;
          if (row.type === 'group') {
            return (
              <div
                key={`g:${row.key}`}
                className={`rt-row rt-group${focused ? ' focused' : ''}`}
                role="row"
                style={{ transform: `translateY(${item.start}px)`, width: totalWidth }}
                onClick={() => {
                  setCursor(item.index);
                  props.onToggleGroup(row.key);
                }}
              >
                <div className="rt-group-label" style={{ left: 0 }}>
                  {row.collapsed ? '▸' : '▾'} {row.value === null ? <em>(none)</em> : <span className="mono">{row.value}</span>} <span className="muted">{row.count} run{row.count === 1 ? '' : 's'}</span>
                </div>
              </div>
            );
          }
          return (
            <RunRow
              key={row.run.id}
              run={row.run}
              columns={columns}
              lefts={lefts}
              top={item.start}
              width={totalWidth}
              selected={selected.has(row.run.id)}
              focused={focused}
              onToggle={(shift) => {
                setCursor(item.index);
                toggleAt(item.index, shift);
              }}
              onFocusRow={() => setCursor(item.index)}
            />
          );
        })}
      </div>
      {rows.length === 0 && <div className="empty">No runs match.</div>}
    </div>
  );
}

interface RunRowProps {
  run: Run;
  columns: Column[];
  lefts: Map<string, number>;
  top: number;
  width: number;
  selected: boolean;
  focused: boolean;
  onToggle(shift: boolean): void;
  onFocusRow(): void;
}

const RunRow = memo(function RunRow({ run, columns, lefts, top, width, selected, focused, onToggle, onFocusRow }: RunRowProps) {
  return (
    <div
      className={`rt-row${selected ? ' selected' : ''}${focused ? ' focused' : ''}${run.lifecycle === 'deleted' ? ' deleted' : ''}`}
      role="row"
      aria-selected={selected}
      data-run-id={run.id}
      style={{ transform: `translateY(${top}px)`, width }}
      onClick={(e) => {
        if ((e.target as HTMLElement).closest('a, input')) return;
        onFocusRow();
      }}
    >
      <div className="rt-cell rt-check pinned" style={{ left: 0, width: CHECK_WIDTH }}>
        <input
          type="checkbox"
          aria-label={`Select ${run.name || run.id}`}
          checked={selected}
          onChange={() => undefined}
          onClick={(e) => {
            e.stopPropagation();
            onToggle(e.shiftKey);
          }}
        />
      </div>
      {columns.map((c) => (
        <div key={c.id} role="gridcell" className={`rt-cell${c.numeric ? ' num' : ''}${lefts.has(c.id) ? ' pinned' : ''}`} style={{ width: c.width, left: lefts.get(c.id) }}>
          <Cell run={run} column={c} />
        </div>
      ))}
    </div>
  );
});

function Cell({ run, column }: { run: Run; column: Column }) {
  const v = cellValue(run, column);
  if (column.kind === 'attribute') {
    switch (column.name) {
      case 'run_name':
        return (
          <a href={`#/runs/${encodeURIComponent(run.id)}`} title={run.id}>
            {run.name || run.id.slice(0, 8)}
          </a>
        );
      case 'status':
        return <span className={`status ${run.status}`}>{run.status}</span>;
      case 'start_time':
      case 'end_time':
        return <span title={v === null ? '' : new Date(v as number).toISOString()}>{formatDateTime(v as number | null)}</span>;
      case 'duration':
        return <>{run.status === 'RUNNING' && run.endTime === null ? <span className="muted">running</span> : formatDuration(v as number | null)}</>;
      case 'run_id':
        return <span className="mono">{run.id}</span>;
    }
  }
  if (v === null) return null;
  if (typeof v === 'number') return <span title={String(v)}>{formatNumber(v)}</span>;
  return <span title={v}>{v}</span>;
}

const clampWidth = (w: number) => Math.round(Math.min(COLUMN_WIDTH_LIMITS.max, Math.max(COLUMN_WIDTH_LIMITS.min, w)));

/** The right edge of a header cell: drag it, or focus it and use ←/→ (Shift for 50 px); a double-click resets. */
function ResizeHandle({ column, active, onLive, onDone }: { column: Column; active: boolean; onLive(width: number | null): void; onDone(width: number | null): void }) {
  const start = useRef<{ x: number; width: number } | null>(null);
  return (
    <span
      className={`rt-resize${active ? ' active' : ''}`}
      role="separator"
      aria-orientation="vertical"
      aria-label={`Resize ${column.label}`}
      aria-valuenow={column.width}
      aria-valuemin={COLUMN_WIDTH_LIMITS.min}
      aria-valuemax={COLUMN_WIDTH_LIMITS.max}
      tabIndex={0}
      draggable={false}
      onClick={(e) => e.stopPropagation()}
      onPointerDown={(e) => {
        e.preventDefault();
        e.stopPropagation();
        e.currentTarget.setPointerCapture(e.pointerId);
        start.current = { x: e.clientX, width: column.width };
        onLive(column.width);
      }}
      onPointerMove={(e) => {
        if (start.current) onLive(clampWidth(start.current.width + e.clientX - start.current.x));
      }}
      onPointerUp={(e) => {
        if (!start.current) return;
        // Against the width the drag started from: `column` already carries the live width.
        const from = start.current.width;
        const width = clampWidth(from + e.clientX - start.current.x);
        start.current = null;
        onLive(null);
        if (width !== from) onDone(width);
      }}
      onPointerCancel={() => {
        start.current = null;
        onLive(null);
      }}
      onDoubleClick={(e) => {
        e.stopPropagation();
        onDone(null);
      }}
      onKeyDown={(e) => {
        const step = e.shiftKey ? 50 : 10;
        if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
          e.preventDefault();
          e.stopPropagation();
          onDone(clampWidth(column.width + (e.key === 'ArrowRight' ? step : -step)));
        }
      }}
    />
  );
}
