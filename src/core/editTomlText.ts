import { isDeepStrictEqual } from 'node:util';
import { parse as parseToml, stringify as stringifyToml } from 'smol-toml';
import { CairnError } from './errors.js';
import { readKey, scanToml, type TomlLine } from './tomlLines.js';

type Table = Record<string, unknown>;

const isTable = (v: unknown): v is Table => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
const same = (a: string[], b: string[]) => a.length === b.length && a.every((p, i) => p === b[i]);
const startsWith = (path: string[], prefix: string[]) => prefix.length <= path.length && prefix.every((p, i) => p === path[i]);

/** A key as TOML writes it: bare when it can be, else a basic string. */
export function formatKey(parts: string[]): string {
  return parts.map((p) => (/^[A-Za-z0-9_-]+$/.test(p) ? p : JSON.stringify(p))).join('.');
}

function formatValue(value: unknown): string {
  return stringifyToml({ v: value }).trim().replace(/^v = /, '');
}

/** Tables without any value inside mean nothing to cairn; dropping them lets both sides of a comparison agree. */
function prune(table: Table): Table {
  const out: Table = {};
  for (const [k, v] of Object.entries(table)) {
    if (isTable(v)) {
      const inner = prune(v);
      if (Object.keys(inner).length) out[k] = inner;
    } else out[k] = v;
  }
  return out;
}

function leaves(table: Table, prefix: string[] = [], out: { path: string[]; value: unknown }[] = []) {
  for (const [k, v] of Object.entries(table)) {
    if (isTable(v)) leaves(v, [...prefix, k], out);
    else out.push({ path: [...prefix, k], value: v });
  }
  return out;
}

function lookup(table: Table, path: string[]): unknown {
  let cur: unknown = table;
  for (const p of path) cur = isTable(cur) ? cur[p] : undefined;
  return cur;
}

function tables(table: Table, prefix: string[] = [], out: string[][] = []): string[][] {
  for (const [k, v] of Object.entries(table)) {
    if (isTable(v)) {
      out.push([...prefix, k]);
      tables(v, [...prefix, k], out);
    }
  }
  return out;
}

const fullPath = (e: TomlLine & { kind: 'value' }) => [...e.table, ...e.key];

function refuse(source: string, what: string): never {
  throw new CairnError('INVALID', `cannot update ${source} without rewriting it: ${what}`, {
    hint: 'edit the file by hand; nothing was written (cairn edits in place `key = value` lines under [table] headers)',
  });
}

function findValue(text: string, path: string[], source: string) {
  const entries = scanToml(text);
  const hit = entries.find((e): e is TomlLine & { kind: 'value' } => e.kind === 'value' && same(fullPath(e), path));
  const inline = hit ? undefined : entries.find((e) => e.kind === 'value' && startsWith(path, fullPath(e)));
  if (inline) refuse(source, `${formatKey(path)} is inside the inline table on line ${inline.start + 1}`);
  return { entries, hit };
}

/** Lines start..end of the table at `index` (its header included), without the comments and blank lines that end it. */
function extent(entries: TomlLine[], index: number): { start: number; end: number } {
  let last = index;
  for (let i = index + 1; i < entries.length && entries[i].kind !== 'table'; i++) {
    if (entries[i].kind !== 'blank' && entries[i].kind !== 'comment') last = i;
  }
  return { start: entries[index].start, end: entries[last].end };
}

/** The first line of the entry at `index` with the comment lines right above it. */
function attachedStart(entries: TomlLine[], index: number): number {
  let start = entries[index].start;
  for (let i = index - 1; i >= 0 && entries[i].kind === 'comment'; i--) start = entries[i].start;
  return start;
}

/** Sets a value: in place when its line exists, else as a new line at the end of its table (or in a new table). */
function setValue(text: string, path: string[], value: unknown, source: string): string {
  const { entries, hit } = findValue(text, path, source);
  if (hit) return text.slice(0, hit.valueStart) + formatValue(value) + text.slice(hit.valueEnd);
  const parent = path.slice(0, -1);
  const line = `${formatKey(path.slice(-1))} = ${formatValue(value)}`;
  const lines = text.split('\n');
  const header = entries.findIndex((e) => e.kind === 'table' && !e.array && same(e.path, parent));
  if (header >= 0) {
    lines.splice(extent(entries, header).end + 1, 0, line);
    return lines.join('\n');
  }
  // A new table goes after the last table of its family ([remote.b] after [remote.a]), else at the end.
  const kin = entries.map((e, i) => [e, i] as const).filter(([e]) => e.kind === 'table' && e.path[0] === path[0]).pop();
  const block = ['', `[${formatKey(parent)}]`, line];
  if (kin) lines.splice(extent(entries, kin[1]).end + 1, 0, ...block);
  else {
    while (lines.length && lines[lines.length - 1].trim() === '') lines.pop();
    lines.push(...(lines.length ? block : block.slice(1)), '');
  }
  return lines.join('\n');
}

/** Removes a value's lines, with the comment lines right above it (no blank line between), which describe it. */
function removeValue(text: string, path: string[], source: string): string {
  const { entries, hit } = findValue(text, path, source);
  if (!hit) refuse(source, `${formatKey(path)} is not written as a \`key = value\` line`);
  const start = attachedStart(entries, entries.indexOf(hit));
  const lines = text.split('\n');
  lines.splice(start, hit.end - start + 1);
  return lines.join('\n');
}

/**
 * Removes the header of a table that has no values left, with its comments: those inside it and those right above
 * its header (no blank line between), which describe it. The comments and blank lines that end it stay.
 */
function removeTable(text: string, path: string[]): string {
  const entries = scanToml(text);
  const index = entries.findIndex((e) => e.kind === 'table' && same(e.path, path));
  if (index < 0) return text;
  const { end } = extent(entries, index);
  const start = attachedStart(entries, index);
  const lines = text.split('\n');
  lines.splice(start, end - start + 1);
  // Do not leave two blank lines where the table was, nor one at the top of the file.
  const blank = (i: number) => i >= 0 && i < lines.length && lines[i].trim() === '';
  if (blank(start) && blank(start - 1)) lines.splice(start - 1, 1);
  else if (start === 0 && blank(0) && lines.length > 1) lines.splice(0, 1);
  return lines.join('\n');
}

/** Renames the header of a table (and of its sub-tables), keeping its lines, comments and place. */
function renameTable(text: string, from: string[], to: string[]): string {
  const lines = text.split('\n');
  for (const e of scanToml(text)) {
    if (e.kind !== 'table' || !startsWith(e.path, from)) continue;
    const line = lines[e.start];
    const open = line.indexOf('[') + (e.array ? 2 : 1);
    const key = readKey(line, open)!;
    lines[e.start] = line.slice(0, open) + formatKey([...to, ...e.path.slice(from.length)]) + line.slice(key.end);
  }
  return lines.join('\n');
}

const hasHeader = (text: string, path: string[]) => scanToml(text).some((e) => e.kind === 'table' && same(e.path, path));

/**
 * Rewrites TOML `text` (which parses to `before`) so that it parses to `after`, changing only the lines of keys that
 * changed: comments, blank lines, quoting and the order of everything else stay. A table whose content moved to a new
 * name unchanged (a renamed remote) keeps its place and comments. Throws INVALID, and changes nothing, for TOML it
 * cannot edit in place (inline tables, dotted keys spread over tables...); the result is always checked by parsing it.
 */
export function editTomlText(text: string, before: Table, after: Table, source: string): string {
  let out = text;
  let old = prune(before);
  const next = prune(after);
  const newTables = tables(next);
  for (const from of tables(old)) {
    if (lookup(next, from) !== undefined || !hasHeader(out, from)) continue;
    const to = newTables.find((t) => same(t.slice(0, -1), from.slice(0, -1)) && lookup(old, t) === undefined
      && isDeepStrictEqual(lookup(old, from), lookup(next, t)));
    if (!to) continue;
    out = renameTable(out, from, to);
    old = structuredClone(old);
    const parent = from.length > 1 ? (lookup(old, from.slice(0, -1)) as Table) : old;
    parent[to[to.length - 1]] = parent[from[from.length - 1]];
    delete parent[from[from.length - 1]];
  }
  const was = new Map(leaves(old).map((l) => [JSON.stringify(l.path), l]));
  const will = new Map(leaves(next).map((l) => [JSON.stringify(l.path), l]));
  for (const [k, l] of was) if (!will.has(k)) out = removeValue(out, l.path, source);
  for (const [k, l] of will) {
    const prev = was.get(k);
    if (!prev || !isDeepStrictEqual(prev.value, l.value)) out = setValue(out, l.path, l.value, source);
  }
  for (const t of tables(old).reverse()) if (lookup(next, t) === undefined) out = removeTable(out, t);
  let check: Table;
  try {
    check = parseToml(out) as Table;
  } catch (err) {
    refuse(source, `the edited text would not parse (${(err as Error).message.split('\n')[0]})`);
  }
  if (!isDeepStrictEqual(prune(check), next)) refuse(source, 'its layout is one cairn cannot edit in place');
  return out;
}
