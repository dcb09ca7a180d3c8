/**
 * The filter box's logic, pure: checking a filter with the server's own parser (so an error points at the same
 * column the server would), and suggesting keys for the word under the cursor.
 */
import { parseFilter } from '@cairn/filter';
import type { RunKeys } from '../api/types';
import { ATTRIBUTE_COLUMNS, quotedId } from './columns';

export interface FilterProblem {
  /** 1-based column in the filter text. */
  column: number;
  message: string;
}

/** null when the filter parses; else where and why it does not (the parser's `data.column`). */
export function checkFilter(text: string): FilterProblem | null {
  if (text.trim() === '') return null;
  try {
    parseFilter(text, 'runs');
    return null;
  } catch (err) {
    const e = err as { message?: string; data?: { column?: number } };
    const column = typeof e.data?.column === 'number' ? e.data.column : 1;
    // The message ends with the text and a caret; the box draws its own caret under the input.
    const message = (e.message ?? String(err)).split('\n')[0].replace(/^bad filter at column \d+: /, '');
    return { column, message };
  }
}

export interface Suggestions {
  /** The range of text the chosen suggestion replaces. */
  from: number;
  to: number;
  items: string[];
}

const PREFIXES = ['metrics.', 'params.', 'tags.', 'attributes.'];
const KIND_OF: Record<string, keyof RunKeys | 'attributes'> = {
  metrics: 'metrics', metric: 'metrics', params: 'params', param: 'params', parameters: 'params', parameter: 'params',
  tags: 'tags', tag: 'tags', attributes: 'attributes', attribute: 'attributes', attr: 'attributes', run: 'attributes',
};

/**
 * Keys that complete the word before `cursor`: after `metrics.` the metric keys starting with what follows, for a
 * bare word the prefixes and every key whose name contains it. Nothing inside a quoted string or after an operator
 * that wants a value.
 */
export function suggestKeys(text: string, cursor: number, keys: RunKeys, limit = 12): Suggestions {
  const before = text.slice(0, cursor);
  if (insideQuotes(before)) return { from: cursor, to: cursor, items: [] };
  const m = /[A-Za-z_][A-Za-z0-9_.\-/]*$|$/.exec(before)!;
  const word = m[0];
  const from = cursor - word.length;
  let to = cursor;
  while (to < text.length && /[A-Za-z0-9_.\-/]/.test(text[to])) to++;
  // Right after a comparison operator, or a value is expected: no key suggestions.
  if (/(=|!=|<>|<=|>=|<|>|\bLIKE|\bILIKE|\bIN)\s*$/i.test(before.slice(0, from))) return { from, to, items: [] };
  const names = (kind: keyof RunKeys | 'attributes') => (kind === 'attributes' ? ATTRIBUTE_COLUMNS.filter((a) => a.name !== 'duration').map((a) => a.name) : keys[kind]);
  const dot = word.indexOf('.');
  let items: string[];
  if (dot >= 0) {
    const kind = KIND_OF[word.slice(0, dot).toLowerCase()];
    const rest = word.slice(dot + 1).toLowerCase();
    const prefix = kind === 'attributes' ? 'attributes' : kind;
    items = kind ? names(kind).filter((n) => n.toLowerCase().startsWith(rest)).map((n) => quotedId(`${prefix}.${n}`)) : [];
  } else {
    const w = word.toLowerCase();
    const keyed = (['metrics', 'params', 'tags', 'attributes'] as const).flatMap((kind) =>
      names(kind)
        .filter((n) => w !== '' && n.toLowerCase().includes(w))
        .map((n) => quotedId(`${kind}.${n}`)),
    );
    items = [...PREFIXES.filter((p) => p.startsWith(w)), ...keyed];
  }
  // A key typed out in full needs no suggestion.
  items = items.filter((i) => i !== word);
  return { from, to, items: items.slice(0, limit) };
}

function insideQuotes(text: string): boolean {
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
    } else if (c === "'" || c === '"' || c === '`') quote = c;
  }
  return quote !== null;
}

/** The text with a suggestion put in place of the word it completes; the new cursor is right after it. */
export function applySuggestion(text: string, s: Pick<Suggestions, 'from' | 'to'>, item: string): { text: string; cursor: number } {
  const next = text.slice(0, s.from) + item + text.slice(s.to);
  return { text: next, cursor: s.from + item.length };
}
