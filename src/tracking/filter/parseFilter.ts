import { filterError } from './filterError.js';
import {
  ATTRIBUTE_ALIASES,
  ATTRIBUTES,
  ENTITY_PREFIXES,
  DATASET_FIELDS,
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
  const parser = new Parser(text, tokenize(text), target);
  const node = parser.parseOr();
  const rest = parser.peek();
  if (rest.kind !== 'eof') {
    throw filterError(text, rest.column, rest.kind === 'punct' && rest.value === ')' ? 'a ")" without its "("' : 'expected "and", "or" or the end of the filter');
  }
  return node;
}

class Parser {
  private pos = 0;
  constructor(
    private readonly text: string,
    private readonly tokens: Token[],
    private readonly target: FilterTarget,
  ) {}

  peek(): Token {
    return this.tokens[this.pos];
  }

  private next(): Token {
    return this.tokens[this.pos++];
  }

  private isKeyword(word: string): boolean {
    const t = this.peek();
    return t.kind === 'keyword' && t.value === word;
  }

  private fail(token: Token, problem: string): never {
    throw filterError(this.text, token.column, problem);
  }

  parseOr(): FilterNode {
    const items = [this.parseAnd()];
    while (this.isKeyword('OR')) {
      this.next();
      items.push(this.parseAnd());
    }
    return items.length === 1 ? items[0] : { type: 'or', items };
  }

  private parseAnd(): FilterNode {
    const items = [this.parsePrimary()];
    while (this.isKeyword('AND')) {
      this.next();
      items.push(this.parsePrimary());
    }
    return items.length === 1 ? items[0] : { type: 'and', items };
  }

  private parsePrimary(): FilterNode {
    const t = this.peek();
    if (t.kind === 'punct' && t.value === '(') {
      this.next();
      const inner = this.parseOr();
      const close = this.next();
      if (close.kind !== 'punct' || close.value !== ')') this.fail(close, 'expected ")" to close the "(" at column ' + t.column);
      return inner;
    }
    return this.parseComparison();
  }

  private parseComparison(): Comparison {
    const keyToken = this.next();
    if (keyToken.kind !== 'ident') {
      this.fail(keyToken, keyToken.kind === 'eof' ? 'expected a comparison, found the end of the filter' : 'expected a key such as metrics.acc, params.lr, tags.team or attributes.status');
    }
    const { entity, key, type } = this.resolveKey(keyToken);
    const op = this.parseOp();
    const column = keyToken.column;
    if (op === 'IS NULL' || op === 'IS NOT NULL') return { type: 'compare', entity, key, op, value: null, column };
    const allowed = type === 'number' ? NUMERIC_OPS : STRING_OPS;
    if (!allowed.includes(op)) {
      this.fail(this.tokens[this.pos - 1], `"${op}" does not apply to ${describe(entity, key)} (use ${allowed.join(', ')})`);
    }
    if (op === 'IN' || op === 'NOT IN') return { type: 'compare', entity, key, op, value: this.parseList(type, entity, key), column };
    return { type: 'compare', entity, key, op, value: this.parseValue(type, entity, key), column };
  }

  private resolveKey(t: Extract<Token, { kind: 'ident' }>): { entity: FilterEntity; key: string; type: 'string' | 'number' } {
    if (t.prefix !== null) {
      const entity = ENTITY_PREFIXES[t.prefix.toLowerCase()];
      if (!entity) this.fail(t, `unknown key type "${t.prefix}" (use metrics., params., tags., attributes. or datasets.)`);
      if (t.name === '') this.fail(t, `"${t.prefix}." needs a key after the dot`);
      if (this.target === 'experiments' && entity !== 'tag' && entity !== 'attribute') {
        this.fail(t, `experiments are searched by their attributes and tags., not by "${t.prefix}." keys`);
      }
      if (entity === 'metric') return { entity, key: t.name, type: 'number' };
      if (entity === 'param' || entity === 'tag') return { entity, key: t.name, type: 'string' };
      if (entity === 'dataset') {
        if (!(DATASET_FIELDS as readonly string[]).includes(t.name)) this.fail(t, `unknown dataset field "${t.name}" (use ${DATASET_FIELDS.join(', ')})`);
        if (this.target !== 'runs') this.fail(t, 'datasets can only be searched on runs');
        return { entity, key: t.name, type: 'string' };
      }
      return this.attribute(t, t.name);
    }
    return this.attribute(t, t.name);
  }

  private attribute(t: Token, name: string): { entity: FilterEntity; key: string; type: 'string' | 'number' } {
    const attrs = ATTRIBUTES[this.target];
    const key = this.target === 'runs' ? (ATTRIBUTE_ALIASES[name] ?? name) : name;
    const type = attrs[key];
    if (!type) this.fail(t, `unknown attribute "${name}" (${this.target} have ${Object.keys(attrs).join(', ')})`);
    return { entity: 'attribute', key, type };
  }

  private parseOp(): CompareOp {
    const t = this.next();
    if (t.kind === 'op') return t.value;
    if (t.kind === 'keyword') {
      if (t.value === 'LIKE' || t.value === 'ILIKE' || t.value === 'IN') return t.value;
      if (t.value === 'NOT' && this.isKeyword('IN')) {
        this.next();
        return 'NOT IN';
      }
      if (t.value === 'IS') {
        const not = this.isKeyword('NOT');
        if (not) this.next();
        const n = this.next();
        if (n.kind !== 'keyword' || n.value !== 'NULL') this.fail(n, `expected NULL after "IS${not ? ' NOT' : ''}"`);
        return not ? 'IS NOT NULL' : 'IS NULL';
      }
    }
    this.fail(t, 'expected a comparison operator (=, !=, >, >=, <, <=, LIKE, ILIKE, IN, NOT IN, IS NULL)');
  }

  private parseValue(type: 'string' | 'number', entity: FilterEntity, key: string): string | number {
    const t = this.next();
    if (type === 'number') {
      if (t.kind === 'number') return t.value;
      this.fail(t, `${describe(entity, key)} is compared with a number${t.kind === 'string' ? ` (write ${t.value} without quotes)` : ''}`);
    }
    if (t.kind === 'string') return t.value;
    const written = t.kind === 'number' ? String(t.value) : t.kind === 'ident' ? t.name : null;
    this.fail(t, `${describe(entity, key)} is compared with a quoted string${written ? ` (write '${written}')` : ''}`);
  }

  private parseList(type: 'string' | 'number', entity: FilterEntity, key: string): Array<string | number> {
    const open = this.next();
    if (open.kind !== 'punct' || open.value !== '(') this.fail(open, 'expected "(" to start the list of values');
    const values: Array<string | number> = [this.parseValue(type, entity, key)];
    for (;;) {
      const t = this.next();
      if (t.kind === 'punct' && t.value === ')') return values;
      if (t.kind !== 'punct' || t.value !== ',') this.fail(t, 'expected "," or ")" in the list of values');
      values.push(this.parseValue(type, entity, key));
    }
  }
}

function describe(entity: FilterEntity, key: string): string {
  return `${entity === 'attribute' ? 'attribute' : entity} "${key}"`;
}
