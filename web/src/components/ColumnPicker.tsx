import { useEffect, useRef, useState } from 'react';
import { columnOf } from '../lib/columns';

/** A dropdown listing every column (attributes, metrics, params, tags) with a search; checked ones are shown. */
export function ColumnPicker({ available, shown, onChange }: { available: string[]; shown: string[]; onChange(ids: string[]): void }) {
  const [open, setOpen] = useState(false);
  const [q, setQ] = useState('');
  const panel = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent) => {
      if (panel.current && !panel.current.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', close);
    return () => document.removeEventListener('mousedown', close);
  }, [open]);
  const shownSet = new Set(shown);
  const needle = q.trim().toLowerCase();
  const matching = available.filter((id) => !needle || id.toLowerCase().includes(needle));
  const groups: Array<[string, string[]]> = [
    ['Attributes', matching.filter((id) => id.startsWith('attributes.'))],
    ['Metrics', matching.filter((id) => id.startsWith('metrics.'))],
    ['Params', matching.filter((id) => id.startsWith('params.'))],
    ['Tags', matching.filter((id) => id.startsWith('tags.'))],
  ];
  return (
    <div className="picker" ref={panel}>
      <button type="button" aria-expanded={open} onClick={() => setOpen(!open)}>
        Columns ({shown.length})
      </button>
      {open && (
        <div className="picker-panel" role="dialog" aria-label="Columns">
          <input type="search" placeholder="Find a column" value={q} autoFocus onChange={(e) => setQ(e.target.value)} aria-label="Find a column" />
          <div className="picker-actions">
            <button type="button" onClick={() => onChange([...shown, ...matching.filter((id) => !shownSet.has(id))])}>
              Show {needle ? 'matching' : 'all'}
            </button>
            <button type="button" onClick={() => onChange(shown.filter((id) => !matching.includes(id)))}>
              Hide {needle ? 'matching' : 'all'}
            </button>
          </div>
          <div className="picker-list">
            {groups.map(([title, ids]) =>
              ids.length === 0 ? null : (
                <fieldset key={title}>
                  <legend>{title}</legend>
                  {ids.map((id) => (
                    <label key={id} className="picker-item">
                      <input type="checkbox" checked={shownSet.has(id)} onChange={(e) => onChange(e.target.checked ? [...shown, id] : shown.filter((x) => x !== id))} />
                      <span className="mono">{columnOf(id)?.kind === 'attribute' ? columnOf(id)?.label : id.slice(id.indexOf('.') + 1)}</span>
                    </label>
                  ))}
                </fieldset>
              ),
            )}
          </div>
        </div>
      )}
    </div>
  );
}
