import { useEffect, useMemo, useRef, useState } from 'react';
import type { RunKeys } from '../api/types';
import { applySuggestion, checkFilter, suggestKeys, type FilterProblem } from '../lib/filterBox';

/**
 * The filter input: the shared grammar, checked as you type with the server's parser (the problem's column gets a
 * caret under it), key completion (↑/↓ to choose, Tab or Enter to take), Enter applies, Escape restores.
 */
export function FilterBox({ value, keys, serverProblem, onApply }: { value: string; keys: RunKeys; serverProblem?: FilterProblem | null; onApply(filter: string): void }) {
  const [text, setText] = useState(value);
  const [cursor, setCursor] = useState(value.length);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => setText(value), [value]);

  const problem = useMemo(() => checkFilter(text), [text]) ?? (text === value ? serverProblem ?? null : null);
  const suggestions = useMemo(() => suggestKeys(text, cursor, keys), [text, cursor, keys]);
  const showList = open && suggestions.items.length > 0;

  const take = (item: string) => {
    const next = applySuggestion(text, suggestions, item);
    setText(next.text);
    setCursor(next.cursor);
    setActive(0);
    requestAnimationFrame(() => input.current?.setSelectionRange(next.cursor, next.cursor));
  };
  const apply = () => {
    if (checkFilter(text)) return;
    setOpen(false);
    onApply(text.trim());
  };

  return (
    <div className="filter-box">
      <div className="filter-input-wrap">
        <input
          ref={input}
          type="text"
          className={`filter-input mono${problem ? ' invalid' : ''}`}
          placeholder="metrics.acc > 0.9 and params.optimizer = 'adam'"
          aria-label="Filter runs"
          aria-invalid={problem ? true : undefined}
          spellCheck={false}
          autoComplete="off"
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            setCursor(e.target.selectionStart ?? e.target.value.length);
            setOpen(true);
            setActive(0);
          }}
          onSelect={(e) => setCursor((e.target as HTMLInputElement).selectionStart ?? 0)}
          onBlur={() => setTimeout(() => setOpen(false), 150)}
          onKeyDown={(e) => {
            if (showList && (e.key === 'ArrowDown' || e.key === 'ArrowUp')) {
              e.preventDefault();
              const n = suggestions.items.length;
              setActive((a) => (a + (e.key === 'ArrowDown' ? 1 : n - 1)) % n);
            } else if (showList && (e.key === 'Tab' || (e.key === 'Enter' && active >= 0))) {
              e.preventDefault();
              take(suggestions.items[active]);
            } else if (e.key === 'Enter') {
              apply();
            } else if (e.key === 'Escape') {
              if (showList) setOpen(false);
              else setText(value);
            }
          }}
        />
        {problem && (
          <div className="filter-caret mono" aria-hidden="true">
            {/* The input's text, invisible, then a caret under the column the parser names. */}
            <span className="ghost">{text.slice(0, Math.max(0, problem.column - 1))}</span>^
          </div>
        )}
        {showList && (
          <ul className="suggestions" role="listbox" aria-label="Key suggestions">
            {suggestions.items.map((item, i) => (
              <li
                key={item}
                role="option"
                aria-selected={i === active}
                className={i === active ? 'active mono' : 'mono'}
                onMouseDown={(e) => {
                  e.preventDefault();
                  take(item);
                }}
              >
                {item}
              </li>
            ))}
          </ul>
        )}
      </div>
      <button type="button" onClick={apply} disabled={Boolean(checkFilter(text))}>
        Apply
      </button>
      {value && (
        <button type="button" onClick={() => onApply('')} title="Clear the filter">
          Clear
        </button>
      )}
      {problem && (
        <div className="filter-problem" role="alert">
          column {problem.column}: {problem.message}
        </div>
      )}
    </div>
  );
}
