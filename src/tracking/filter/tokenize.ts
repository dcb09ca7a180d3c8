import { filterError } from './filterError.js';

/** One token of a filter or order_by string; `column` is 1-based. */
export type Token =
  | { kind: 'ident'; prefix: string | null; name: string; column: number; end: number }
  | { kind: 'string'; value: string; column: number; end: number }
  | { kind: 'number'; value: number; column: number; end: number }
  | { kind: 'op'; value: '=' | '!=' | '>' | '>=' | '<' | '<='; column: number; end: number }
  | { kind: 'keyword'; value: string; column: number; end: number }
  | { kind: 'punct'; value: '(' | ')' | ','; column: number; end: number }
  | { kind: 'eof'; column: number; end: number };

const KEYWORDS = new Set(['AND', 'OR', 'NOT', 'LIKE', 'ILIKE', 'IN', 'IS', 'NULL', 'ASC', 'DESC']);
const IDENT_START = /[A-Za-z_]/;
/** Unquoted keys may hold MLflow's key characters except space; quote keys with spaces in backticks or "double". */
const IDENT_CHAR = /[A-Za-z0-9_.\-/]/;
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/;

/** Splits filter text into tokens; throws a USAGE CairnError with a caret at the first character it cannot read. */
export function tokenize(text: string, what = 'filter'): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (c === "'" || c === '"' || c === '`') {
      const { value, next } = readQuoted(text, i, what);
      tokens.push({ kind: c === '`' ? 'ident' : 'string', ...(c === '`' ? { prefix: null, name: value } : { value }), column: start + 1, end: next } as Token);
      i = next;
    } else if (IDENT_START.test(c)) {
      while (i < text.length && IDENT_CHAR.test(text[i])) i++;
      let word = text.slice(start, i);
      const dot = word.indexOf('.');
      if (dot < 0 && KEYWORDS.has(word.toUpperCase())) {
        tokens.push({ kind: 'keyword', value: word.toUpperCase(), column: start + 1, end: i });
        continue;
      }
      if (word.endsWith('.') && dot === word.length - 1 && (text[i] === '`' || text[i] === '"')) {
        const { value, next } = readQuoted(text, i, what);
        word += value;
        i = next;
      }
      const prefix = dot < 0 ? null : word.slice(0, dot);
      const name = dot < 0 ? word : word.slice(dot + 1);
      tokens.push({ kind: 'ident', prefix, name, column: start + 1, end: i });
    } else if (/[0-9.+-]/.test(c) && NUMBER.test(text.slice(i))) {
      const m = NUMBER.exec(text.slice(i))!;
      i += m[0].length;
      tokens.push({ kind: 'number', value: Number(m[0]), column: start + 1, end: i });
    } else if (c === '(' || c === ')' || c === ',') {
      tokens.push({ kind: 'punct', value: c, column: start + 1, end: ++i });
    } else if ('=!<>'.includes(c)) {
      const two = text.slice(i, i + 2);
      const op = two === '!=' || two === '>=' || two === '<=' ? two : two === '<>' ? '!=' : c === '!' ? null : c;
      if (!op) throw filterError(text, i + 1, `unexpected "!" (did you mean "!="?)`, what);
      i += op.length === 2 || two === '<>' ? 2 : 1;
      tokens.push({ kind: 'op', value: op as '=', column: start + 1, end: i });
    } else {
      throw filterError(text, i + 1, `unexpected character "${c}"`, what);
    }
  }
  tokens.push({ kind: 'eof', column: text.length + 1, end: text.length });
  return tokens;
}

/** Reads a quoted string starting at `start`; a doubled quote or a backslash escapes the quote character. */
function readQuoted(text: string, start: number, what: string): { value: string; next: number } {
  const quote = text[start];
  let value = '';
  let i = start + 1;
  while (i < text.length) {
    const c = text[i];
    if (c === '\\' && i + 1 < text.length) {
      value += text[i + 1];
      i += 2;
    } else if (c === quote && text[i + 1] === quote) {
      value += quote;
      i += 2;
    } else if (c === quote) {
      return { value, next: i + 1 };
    } else {
      value += c;
      i++;
    }
  }
  throw filterError(text, start + 1, `unterminated ${quote === '`' ? 'backticked name' : 'string'} (a closing ${quote} is missing)`, what);
}
