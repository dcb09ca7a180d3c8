import { CairnError } from '../core/errors.js';

/** `${...}` templating of cairn.yaml values, as in DVC's dvc.yaml. Pure: no disk, no globals. */

export type VarContext = Record<string, unknown>;

/** Where a value is being interpolated, for error messages. */
export interface InterpolateWhere {
  /** The stage being resolved, or null for top-level values. */
  stage: string | null;
  /** The field (`cmd`, `deps`, `foreach`...). */
  field: string;
}

const PLACEHOLDER = /(\\*)\$\{\s*([^}]*?)\s*\}/g;
const WHOLE = /^\$\{\s*([^}]*?)\s*\}$/;

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Splits `a.b[0].c` into ['a', 'b', 0, 'c']; null when the key is not a well-formed path. */
export function parseKeyPath(key: string): (string | number)[] | null {
  if (!/^[A-Za-z_][\w-]*(\.[\w-]+|\[\d+\])*$/.test(key)) return null;
  const parts: (string | number)[] = [];
  for (const m of key.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    parts.push(m[2] !== undefined ? Number(m[2]) : m[1]);
  }
  return parts;
}

/** Looks up a dotted key (`model.layers[0].units`); `found` is false when any part is missing. */
export function lookupKey(ctx: unknown, key: string): { found: boolean; value?: unknown } {
  const parts = parseKeyPath(key);
  if (!parts) return { found: false };
  let cur: unknown = ctx;
  for (const part of parts) {
    if (typeof part === 'number') {
      if (!Array.isArray(cur) || part >= cur.length) return { found: false };
      cur = cur[part];
    } else {
      if (!isPlainObject(cur) || !Object.prototype.hasOwnProperty.call(cur, part)) return { found: false };
      cur = cur[part];
    }
  }
  return { found: true, value: cur };
}

function describe(where: InterpolateWhere): string {
  return where.stage ? `stage "${where.stage}" (${where.field})` : where.field;
}

function badKey(key: string, where: InterpolateWhere, problem: string): CairnError {
  return new CairnError('INVALID', `cannot interpolate "\${${key}}" in ${describe(where)}: ${problem}`, {
    hint: 'define the key in params.yaml or in `vars`, or escape a literal with \\${...}',
    data: { key, stage: where.stage, field: where.field },
  });
}

function resolveKey(key: string, ctx: VarContext, where: InterpolateWhere): unknown {
  if (!parseKeyPath(key)) throw badKey(key, where, 'not a valid key (use dotted names like model.lr or list[0])');
  const hit = lookupKey(ctx, key);
  if (!hit.found) throw badKey(key, where, 'the key is not defined');
  if (hit.value === undefined || hit.value === null) throw badKey(key, where, 'the value is null');
  return hit.value;
}

/** DVC's rendering of a dict inside a command: `--key value`, `--flag` for true, nothing for false. */
function dictToArgs(value: Record<string, unknown>, key: string, where: InterpolateWhere): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(value)) {
    if (v === true) parts.push(`--${k}`);
    else if (v === false || v === null) continue;
    else if (Array.isArray(v)) parts.push(`--${k} ${v.map((x) => scalarToString(x, key, where)).join(' ')}`);
    else if (isPlainObject(v)) throw badKey(key, where, 'nested dictionaries cannot be rendered as command arguments');
    else parts.push(`--${k} ${scalarToString(v, key, where)}`);
  }
  return parts.join(' ');
}

function scalarToString(value: unknown, key: string, where: InterpolateWhere): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  throw badKey(key, where, `a ${Array.isArray(value) ? 'list' : 'dictionary'} cannot be put inside a string here`);
}

function toText(value: unknown, key: string, where: InterpolateWhere, inCmd: boolean): string {
  if (inCmd && isPlainObject(value)) return dictToArgs(value, key, where);
  if (inCmd && Array.isArray(value)) return value.map((x) => scalarToString(x, key, where)).join(' ');
  return scalarToString(value, key, where);
}

/** Interpolates one string. A string that is exactly `${key}` keeps the value's type (a list stays a list). */
export function interpolateString(text: string, ctx: VarContext, where: InterpolateWhere): unknown {
  const whole = WHOLE.exec(text);
  if (whole) return resolveKey(whole[1], ctx, where);
  if (!text.includes('${')) return text;
  return text.replace(PLACEHOLDER, (_m, slashes: string, key: string) => {
    // An odd number of backslashes escapes the placeholder: `\${x}` stays a literal `${x}`.
    if (slashes.length % 2 === 1) return `${slashes.slice(1)}\${${key}}`;
    return slashes + toText(resolveKey(key, ctx, where), key, where, where.field === 'cmd');
  });
}

/** Interpolates every string inside a value (lists and mappings recursively; mapping keys too). */
export function interpolateValue(value: unknown, ctx: VarContext, where: InterpolateWhere): unknown {
  if (typeof value === 'string') return interpolateString(value, ctx, where);
  if (Array.isArray(value)) return value.map((v) => interpolateValue(v, ctx, where));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const key = interpolateString(k, ctx, where);
      out[typeof key === 'string' ? key : String(key)] = interpolateValue(v, ctx, where);
    }
    return out;
  }
  return value;
}

/** Whether a value contains any `${...}` placeholder (used to skip work on literal stages). */
export function hasPlaceholder(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('${');
  if (Array.isArray(value)) return value.some(hasPlaceholder);
  if (isPlainObject(value)) return Object.entries(value).some(([k, v]) => k.includes('${') || hasPlaceholder(v));
  return false;
}
