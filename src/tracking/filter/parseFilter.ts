import { filterError } from './filterError.js';
import {
  ATTRIBUTES,
  ENTITY_PREFIXES,
  DATASET_FIELDS,
  TARGET_ATTRIBUTE_ALIASES,
  type CompareOp,
  type Comparison,
  type FilterEntity,
  type FilterNode,
  type FilterTarget,
} from './filterAst.js';
import { tokenize, type Token } from './tokenize.js';

const NUMERIC_OPS: CompareOp[] = ['=', '!=', '>', '>=', '<', '<='];
const STRING_OPS: CompareOp[] = ['=', '!=', 'LIKE', 'ILIKE', 'IN', 'NOT IN'];

/**
 * Parses MLflow's search filter syntax plus cairn's OR and parentheses (AND binds tighter than OR).
 * Pure: the server, the CLI and the web UI share it. An empty filter parses to null (everything matches).
 */
export function parseFilter(text: string, target: FilterTarget = 'runs'): FilterNode | null {
  if (text.trim() === '') return null;
  const c: Cursor = { text, tokens: tokenize(text), target, pos: 0 };
  const node = parseOr(c);
  const rest = peek(c);
  if (rest.kind !== 'eof') {
    throw filterError(text, rest.column, rest.kind === 'punct' && rest.value === ')' ? 'a ")" without its "("' : 'expected "and", "or" or the end of the filter');
  }
  return node;
}

/** Where the parser is in the token list; the functions below advance it. */
interface Cursor {
  readonly text: string;
  readonly tokens: Token[];
  readonly target: FilterTarget;
  pos: number;
}

function peek(c: Cursor): Token {
  return c.tokens[c.pos];
}

function next(c: Cursor): Token {
  return c.tokens[c.pos++];
}

function isKeyword(c: Cursor, word: string): boolean {
  const t = peek(c);
  return t.kind === 'keyword' && t.value === word;
}

function fail(c: Cursor, token: Token, problem: string): never {
  throw filterError(c.text, token.column, problem);
}

function parseOr(c: Cursor): FilterNode {
  const items = [parseAnd(c)];
  while (isKeyword(c, 'OR')) {
    next(c);
    items.push(parseAnd(c));
  }
  return items.length === 1 ? items[0] : { type: 'or', items };
}

function parseAnd(c: Cursor): FilterNode {
  const items = [parsePrimary(c)];
  while (isKeyword(c, 'AND')) {
    next(c);
    items.push(parsePrimary(c));
  }
  return items.length === 1 ? items[0] : { type: 'and', items };
}

function parsePrimary(c: Cursor): FilterNode {
  const t = peek(c);
  if (t.kind === 'punct' && t.value === '(') {
    next(c);
    const inner = parseOr(c);
    const close = next(c);
    if (close.kind !== 'punct' || close.value !== ')') fail(c, close, 'expected ")" to close the "(" at column ' + t.column);
    return inner;
  }
  return parseComparison(c);
}

function parseComparison(c: Cursor): Comparison {
  const keyToken = next(c);
  if (keyToken.kind !== 'ident') {
    fail(c, keyToken, keyToken.kind === 'eof' ? 'expected a comparison, found the end of the filter' : 'expected a key such as metrics.acc, params.lr, tags.team or attributes.status');
  }
  const { entity, key, type } = resolveKey(c, keyToken);
  const op = parseOp(c);
  const column = keyToken.column;
  if (op === 'IS NULL' || op === 'IS NOT NULL') return { type: 'compare', entity, key, op, value: null, column };
  const allowed = type === 'number' ? NUMERIC_OPS : STRING_OPS;
  if (!allowed.includes(op)) {
    fail(c, c.tokens[c.pos - 1], `"${op}" does not apply to ${describe(entity, key)} (use ${allowed.join(', ')})`);
  }
  if (op === 'IN' || op === 'NOT IN') return { type: 'compare', entity, key, op, value: parseList(c, type, entity, key), column };
  return { type: 'compare', entity, key, op, value: parseValue(c, type, entity, key), column };
}

/** The entity, key and value type a key token names. */
function resolveKey(c: Cursor, t: Extract<Token, { kind: 'ident' }>): { entity: FilterEntity; key: string; type: 'string' | 'number' } {
  if (t.prefix !== null) {
    const entity = ENTITY_PREFIXES[t.prefix.toLowerCase()];
    if (!entity) fail(c, t, `unknown key type "${t.prefix}" (use metrics., params., tags., attributes. or datasets.)`);
    if (t.name === '') fail(c, t, `"${t.prefix}." needs a key after the dot`);
    if (c.target !== 'runs' && c.target !== 'logged_models' && entity !== 'tag' && entity !== 'attribute') {
      fail(c, t, `${c.target.replace('_', ' ')} are searched by their attributes and tags., not by "${t.prefix}." keys`);
    }
    if (c.target === 'logged_models' && entity === 'dataset') fail(c, t, 'logged models are filtered by datasets with the request\'s `datasets` field, not by "datasets." keys');
    if (entity === 'metric') return { entity, key: t.name, type: 'number' };
    if (entity === 'param' || entity === 'tag') return { entity, key: t.name, type: 'string' };
    if (entity === 'dataset') {
      if (!(DATASET_FIELDS as readonly string[]).includes(t.name)) fail(c, t, `unknown dataset field "${t.name}" (use ${DATASET_FIELDS.join(', ')})`);
      return { entity, key: t.name, type: 'string' };
    }
    return attribute(c, t, t.name);
  }
  return attribute(c, t, t.name);
}

function attribute(c: Cursor, t: Token, name: string): { entity: FilterEntity; key: string; type: 'string' | 'number' } {
  const attrs = ATTRIBUTES[c.target];
  const key = TARGET_ATTRIBUTE_ALIASES[c.target][name] ?? name;
  const type = attrs[key];
  if (!type) fail(c, t, `unknown attribute "${name}" (${c.target} have ${Object.keys(attrs).join(', ')})`);
  return { entity: 'attribute', key, type };
}

function parseOp(c: Cursor): CompareOp {
  const t = next(c);
  if (t.kind === 'op') return t.value;
  if (t.kind === 'keyword') {
    if (t.value === 'LIKE' || t.value === 'ILIKE' || t.value === 'IN') return t.value;
    if (t.value === 'NOT' && isKeyword(c, 'IN')) {
      next(c);
      return 'NOT IN';
    }
    if (t.value === 'IS') {
      const not = isKeyword(c, 'NOT');
      if (not) next(c);
      const n = next(c);
      if (n.kind !== 'keyword' || n.value !== 'NULL') fail(c, n, `expected NULL after "IS${not ? ' NOT' : ''}"`);
      return not ? 'IS NOT NULL' : 'IS NULL';
    }
  }
  fail(c, t, 'expected a comparison operator (=, !=, >, >=, <, <=, LIKE, ILIKE, IN, NOT IN, IS NULL)');
}

function parseValue(c: Cursor, type: 'string' | 'number', entity: FilterEntity, key: string): string | number {
  const t = next(c);
  if (type === 'number') {
    if (t.kind === 'number') return t.value;
    fail(c, t, `${describe(entity, key)} is compared with a number${t.kind === 'string' ? ` (write ${t.value} without quotes)` : ''}`);
  }
  if (t.kind === 'string') return t.value;
  const written = t.kind === 'number' ? String(t.value) : t.kind === 'ident' ? t.name : null;
  fail(c, t, `${describe(entity, key)} is compared with a quoted string${written ? ` (write '${written}')` : ''}`);
}

function parseList(c: Cursor, type: 'string' | 'number', entity: FilterEntity, key: string): Array<string | number> {
  const open = next(c);
  if (open.kind !== 'punct' || open.value !== '(') fail(c, open, 'expected "(" to start the list of values');
  const values: Array<string | number> = [parseValue(c, type, entity, key)];
  for (;;) {
    const t = next(c);
    if (t.kind === 'punct' && t.value === ')') return values;
    if (t.kind !== 'punct' || t.value !== ',') fail(c, t, 'expected "," or ")" in the list of values');
    values.push(parseValue(c, type, entity, key));
  }
}

function describe(entity: FilterEntity, key: string): string {
  return `${entity === 'attribute' ? 'attribute' : entity} "${key}"`;
}
