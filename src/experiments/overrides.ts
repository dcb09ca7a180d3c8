import { CairnError } from '../core/errors.js';

/**
 * `cairn exp run -S` overrides, in the grammar DVC takes from Hydra: `key=value` changes an existing param,
 * `+key=value` adds a new one, `++key=value` adds or changes, `~key` (or `~key=value`) removes one. A file may lead:
 * `other.yaml:a.b=1`. A value is a sweep when it is a comma-separated list (`0.1,0.01`), `choice(a, b)` or
 * `range(start, stop[, step])` (stop excluded, as in Python and Hydra). Pure.
 */

export type OverrideOp = 'set' | 'add' | 'force' | 'delete';

export interface Override {
  /** The params file named before `:`, or null for the default params file. */
  file: string | null;
  /** Dotted key; list items by index (`layers.0`). */
  key: string;
  op: OverrideOp;
  /** One value, or several for a sweep; empty for a delete. */
  values: unknown[];
  /** The text as given, for messages. */
  text: string;
}

/** One concrete change (a sweep expanded). */
export interface ParamChange {
  file: string | null;
  key: string;
  op: OverrideOp;
  value?: unknown;
}

const KEY = /^[A-Za-z_][\w-]*(?:\.(?:[A-Za-z_][\w-]*|\d+))*$/;
/** Above this many combinations a grid is almost certainly a typo (and would flood the queue). */
export const MAX_GRID = 10_000;

function bad(text: string, problem: string, hint: string): CairnError {
  return new CairnError('USAGE', `bad -S override "${text}": ${problem}`, { hint, data: { override: text } });
}

/** Splits on commas that are not inside brackets, braces, parentheses or quotes. */
function splitTopLevel(text: string, whole: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '[' || c === '{' || c === '(') depth++;
    else if (c === ']' || c === '}' || c === ')') {
      if (--depth < 0) throw bad(whole, `unbalanced "${c}"`, 'check the brackets of the value');
    } else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  if (quote) throw bad(whole, `unterminated ${quote} quote`, 'close the quote (and quote the whole -S argument for your shell)');
  if (depth !== 0) throw bad(whole, 'unbalanced brackets', 'check the brackets of the value');
  parts.push(text.slice(start));
  return parts;
}

/** One value: a number, true/false, null, a quoted string, a [list] or {map} of values, else the text itself. */
export function parseValue(raw: string, whole: string): unknown {
  const text = raw.trim();
  if (text === '') return '';
  if (/^[-+]?(?:\d[\d_]*)(?:\.\d*)?(?:[eE][-+]?\d+)?$/.test(text) || /^[-+]?\.\d+(?:[eE][-+]?\d+)?$/.test(text)) return Number(text.replace(/_/g, ''));
  if (/^(?:true|false)$/i.test(text)) return text.toLowerCase() === 'true';
  if (/^(?:null|~)$/i.test(text)) return null;
  if ((text.startsWith('"') && text.endsWith('"')) || (text.startsWith("'") && text.endsWith("'"))) {
    if (text.length < 2) throw bad(whole, 'unterminated quote', 'close the quote');
    return text.slice(1, -1).replace(/\\(["'\\])/g, '$1');
  }
  if (text.startsWith('[')) {
    if (!text.endsWith(']')) throw bad(whole, 'a list must end with "]"', 'e.g. -S layers=[64,32]');
    const inner = text.slice(1, -1);
    return inner.trim() === '' ? [] : splitTopLevel(inner, whole).map((p) => parseValue(p, whole));
  }
  if (text.startsWith('{')) {
    if (!text.endsWith('}')) throw bad(whole, 'a map must end with "}"', 'e.g. -S opt={name:adam,lr:0.1}');
    const out: Record<string, unknown> = {};
    const inner = text.slice(1, -1);
    for (const item of inner.trim() === '' ? [] : splitTopLevel(inner, whole)) {
      const colon = item.indexOf(':');
      if (colon <= 0) throw bad(whole, `"${item.trim()}" in a map is not key:value`, 'e.g. -S opt={name:adam,lr:0.1}');
      out[item.slice(0, colon).trim()] = parseValue(item.slice(colon + 1), whole);
    }
    return out;
  }
  return text;
}

function numbersOf(args: string, fn: string, whole: string): number[] {
  const nums = splitTopLevel(args, whole).map((a) => parseValue(a, whole));
  if (nums.some((n) => typeof n !== 'number' || !Number.isFinite(n))) throw bad(whole, `${fn}() takes numbers`, `e.g. ${fn}(2, 8, 2)`);
  return nums as number[];
}

/** `range(stop)`, `range(start, stop)`, `range(start, stop, step)`, floats allowed; stop is excluded. */
function rangeValues(args: string, whole: string): number[] {
  const n = numbersOf(args, 'range', whole);
  if (n.length < 1 || n.length > 3) throw bad(whole, 'range() takes 1 to 3 numbers', 'e.g. range(2, 8, 2) gives 2, 4, 6');
  const [start, stop, step] = n.length === 1 ? [0, n[0], 1] : [n[0], n[1], n[2] ?? 1];
  if (step === 0) throw bad(whole, 'range() step must not be 0', 'e.g. range(0, 1, 0.25)');
  // The epsilon keeps float noise from adding a value: (0.4 - 0.1) / 0.1 is 3.0000000000000004.
  const count = Math.ceil((stop - start) / step - 1e-9);
  if (count <= 0) throw bad(whole, `range(${n.join(', ')}) is empty`, 'stop is excluded: range(2, 8, 2) gives 2, 4, 6');
  if (count > MAX_GRID) throw bad(whole, `range() gives ${count} values`, `keep a sweep under ${MAX_GRID} values`);
  // Computed from the index, not accumulated, and rounded to 12 significant digits: 0.1 * 3 prints as 0.3.
  return Array.from({ length: count }, (_, i) => Number((start + i * step).toPrecision(12)));
}

/** The values of the part after `=`: one value, or a sweep. */
function sweepValues(raw: string, whole: string): unknown[] {
  const text = raw.trim();
  const fn = /^(range|choice)\s*\((.*)\)$/s.exec(text);
  if (fn) {
    if (fn[1] === 'range') return rangeValues(fn[2], whole);
    const items = splitTopLevel(fn[2], whole).map((p) => parseValue(p, whole));
    if (items.length === 0 || (items.length === 1 && items[0] === '')) throw bad(whole, 'choice() needs values', 'e.g. choice(adam, sgd)');
    return items;
  }
  if (/^[a-z_]+\s*\(/.test(text) && text.endsWith(')')) {
    throw bad(whole, `unknown sweep function "${text.slice(0, text.indexOf('(')).trim()}"`, 'sweeps are a,b,c or choice(a,b) or range(start, stop, step)');
  }
  return splitTopLevel(text, whole).map((p) => parseValue(p, whole));
}

/** Parses one `-S` argument. */
export function parseOverride(text: string): Override {
  let rest = text.trim();
  if (!rest) throw bad(text, 'it is empty', 'e.g. -S train.lr=0.01');
  let op: OverrideOp = 'set';
  if (rest.startsWith('++')) [op, rest] = ['force', rest.slice(2)];
  else if (rest.startsWith('+')) [op, rest] = ['add', rest.slice(1)];
  else if (rest.startsWith('~')) [op, rest] = ['delete', rest.slice(1)];
  const eq = rest.indexOf('=');
  const lhs = eq < 0 ? rest : rest.slice(0, eq);
  if (eq < 0 && op !== 'delete') throw bad(text, 'no "=" between key and value', 'e.g. -S train.lr=0.01 (or ~key to remove a param)');
  const colon = lhs.lastIndexOf(':');
  const file = colon >= 0 ? lhs.slice(0, colon).trim() : null;
  const key = (colon >= 0 ? lhs.slice(colon + 1) : lhs).trim();
  if (file !== null && (!file || !/\.(?:ya?ml|json|toml)$/i.test(file))) {
    throw bad(text, `"${file}" is not a params file`, 'name a .yaml, .yml, .json or .toml file before ":", e.g. -S other.yaml:a.b=1');
  }
  if (!KEY.test(key)) throw bad(text, `"${key}" is not a param key`, 'keys are dotted names such as train.lr (list items by index: layers.0)');
  if (op === 'delete') return { file, key, op, values: [], text };
  const values = sweepValues(rest.slice(eq + 1), text);
  return { file, key, op, values, text };
}

/** Every combination of the sweeps, in order (the first override varies slowest), as lists of concrete changes. */
export function expandGrid(overrides: Override[]): ParamChange[][] {
  const seen = new Set<string>();
  for (const o of overrides) {
    const id = `${o.file ?? ''}:${o.key}`;
    if (seen.has(id)) throw bad(o.text, `${o.key} is set twice`, 'give each param one -S (use a,b or range() to sweep it)');
    seen.add(id);
  }
  const total = overrides.reduce((n, o) => n * Math.max(1, o.values.length), 1);
  if (total > MAX_GRID) throw new CairnError('USAGE', `the -S sweeps make ${total} experiments`, { hint: `keep a grid under ${MAX_GRID} combinations` });
  let combos: ParamChange[][] = [[]];
  for (const o of overrides) {
    const options: ParamChange[] = o.op === 'delete' ? [{ file: o.file, key: o.key, op: o.op }] : o.values.map((value) => ({ file: o.file, key: o.key, op: o.op, value }));
    combos = combos.flatMap((c) => options.map((opt) => [...c, opt]));
  }
  return combos;
}
