/**
 * A line-level view of a TOML file, enough to edit the files cairn writes while keeping everything else byte for
 * byte: comments, blank lines, order, quoting. Pure. It understands table headers (`[a."b c"]`), key/value lines
 * with dotted or quoted keys, and values that span lines (arrays, multi-line strings); anything else is `other`.
 */

/** One entry of a TOML file: lines `start..end` (inclusive, 0-based) and, for a value, where its value text is. */
export type TomlLine =
  | { kind: 'blank' | 'comment' | 'other'; start: number; end: number }
  | { kind: 'table'; start: number; end: number; path: string[]; array: boolean }
  /** `table` is the enclosing header's path; `valueStart`/`valueEnd` are offsets in the whole text. */
  | { kind: 'value'; start: number; end: number; table: string[]; key: string[]; valueStart: number; valueEnd: number };

const BARE = /^[A-Za-z0-9_-]+/;

/** Reads a dotted key (`a."b.c".'d'`) at `pos`; returns its parts and where it ends, or null when it is not one. */
export function readKey(text: string, pos: number): { parts: string[]; end: number } | null {
  const parts: string[] = [];
  let i = pos;
  for (;;) {
    while (text[i] === ' ' || text[i] === '\t') i++;
    const rest = text.slice(i);
    let part: string | undefined;
    if (rest[0] === '"') {
      const m = /^"((?:[^"\\\n]|\\.)*)"/.exec(rest);
      if (!m) return null;
      try {
        part = JSON.parse(`"${m[1]}"`) as string;
      } catch {
        return null; // a TOML-only escape such as \U0001F600: too rare in keys to be worth decoding
      }
      i += m[0].length;
    } else if (rest[0] === "'") {
      const m = /^'([^'\n]*)'/.exec(rest);
      if (!m) return null;
      part = m[1];
      i += m[0].length;
    } else {
      const m = BARE.exec(rest);
      if (!m) return null;
      part = m[0];
      i += m[0].length;
    }
    parts.push(part);
    let j = i;
    while (text[j] === ' ' || text[j] === '\t') j++;
    if (text[j] !== '.') return { parts, end: i };
    i = j + 1;
  }
}

/** Where the value starting at `pos` ends (exclusive), following strings, arrays and inline tables across lines. */
export function valueEnd(text: string, pos: number): number | null {
  const multi = text.startsWith('"""', pos) ? '"""' : text.startsWith("'''", pos) ? "'''" : null;
  if (multi) {
    let i = pos + 3;
    for (;;) {
      const at = text.indexOf(multi, i);
      if (at < 0) return null;
      if (multi === '"""' && isEscaped(text, at)) {
        i = at + 1;
        continue;
      }
      let end = at + 3;
      while (text[end] === multi[0] && end - at < 5) end++; // up to two quotes may end the content
      return end;
    }
  }
  const c = text[pos];
  if (c === '"') {
    const m = /^"(?:[^"\\\n]|\\.)*"/.exec(text.slice(pos));
    return m ? pos + m[0].length : null;
  }
  if (c === "'") {
    const m = /^'[^'\n]*'/.exec(text.slice(pos));
    return m ? pos + m[0].length : null;
  }
  if (c === '[' || c === '{') return bracketEnd(text, pos);
  const m = /^[^\s#,\]}]+/.exec(text.slice(pos));
  return m ? pos + m[0].length : null;
}

function isEscaped(text: string, at: number): boolean {
  let n = 0;
  for (let i = at - 1; text[i] === '\\'; i--) n++;
  return n % 2 === 1;
}

/** The end of an array or inline table: brackets are counted outside strings and comments. */
function bracketEnd(text: string, pos: number): number | null {
  let depth = 0;
  let i = pos;
  while (i < text.length) {
    const c = text[i];
    if (c === '"' || c === "'") {
      const end = valueEnd(text, i);
      if (end === null) return null;
      i = end;
      continue;
    }
    if (c === '#') {
      const nl = text.indexOf('\n', i);
      if (nl < 0) return null;
      i = nl;
      continue;
    }
    if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') {
      depth--;
      if (depth === 0) return i + 1;
    }
    i++;
  }
  return null;
}

/** Splits TOML text into entries: blank lines, comments, table headers, key/value entries (which may span lines). */
export function scanToml(text: string): TomlLine[] {
  const lines = text.split('\n');
  const offsets: number[] = [];
  for (let n = 0, at = 0; n < lines.length; at += lines[n].length + 1, n++) offsets.push(at);
  const lineOf = (offset: number) => {
    let n = 0;
    while (n + 1 < offsets.length && offsets[n + 1] <= offset) n++;
    return n;
  };
  const entries: TomlLine[] = [];
  let table: string[] = [];
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n];
    const trimmed = line.trim();
    if (trimmed === '') entries.push({ kind: 'blank', start: n, end: n });
    else if (trimmed.startsWith('#')) entries.push({ kind: 'comment', start: n, end: n });
    else if (trimmed.startsWith('[')) {
      const array = trimmed.startsWith('[[');
      const key = readKey(line, line.indexOf('[') + (array ? 2 : 1));
      const close = key && line.slice(key.end).match(array ? /^\s*\]\]\s*(#.*)?$/ : /^\s*\]\s*(#.*)?$/);
      if (!key || !close) entries.push({ kind: 'other', start: n, end: n });
      else {
        table = key.parts;
        entries.push({ kind: 'table', start: n, end: n, path: key.parts, array });
      }
    } else {
      const key = readKey(line, 0);
      const eq = key ? line.slice(key.end).match(/^\s*=\s*/) : null;
      const valueStart = key && eq ? offsets[n] + key.end + eq[0].length : -1;
      const end = valueStart >= 0 ? valueEnd(text, valueStart) : null;
      const tail = end === null ? null : text.slice(end).match(/^[ \t\r]*(#[^\n]*)?(\n|$)/);
      if (!key || end === null || !tail) entries.push({ kind: 'other', start: n, end: n });
      else {
        const last = lineOf(end);
        entries.push({ kind: 'value', start: n, end: last, table, key: key.parts, valueStart, valueEnd: end });
        n = last;
      }
    }
  }
  return entries;
}
