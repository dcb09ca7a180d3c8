import { parseDocument, isMap, isScalar, type Document } from 'yaml';
import { parse as parseToml, stringify as stringifyToml } from 'smol-toml';
import { CairnError } from '../core/errors.js';
import { didYouMean } from '../core/didYouMean.js';
import type { ParamChange } from './overrides.js';

/**
 * Applies `-S` changes to the text of one params file and returns the new text. YAML keeps its comments, order and
 * style (only the changed values are rewritten); JSON keeps its indentation; TOML is rewritten whole. Unknown keys
 * are an error with a did-you-mean, as Hydra refuses `key=value` for a key that does not exist (`+key=value` adds it).
 * Pure: text in, text out; `file` only names the file in messages.
 */
export function applyParamChanges(text: string | null, file: string, changes: ParamChange[]): string {
  const format = /\.json$/i.test(file) ? 'json' : /\.toml$/i.test(file) ? 'toml' : /\.ya?ml$/i.test(file) ? 'yaml' : null;
  if (!format) throw new CairnError('USAGE', `cannot set params in ${file}`, { hint: 'params files are .yaml, .yml, .json or .toml' });
  if (text === null && changes.some((c) => c.op === 'set' || c.op === 'delete')) {
    throw new CairnError('NOT_FOUND', `params file ${file} does not exist`, {
      hint: `create it, or add a new param with +key=value (e.g. -S +${changes[0].key}=…)`,
      data: { file },
    });
  }
  if (format === 'yaml') return applyYaml(text ?? '', file, changes);
  const data = text === null || text.trim() === '' ? {} : parseData(text, file, format);
  for (const c of changes) applyToData(data, file, c);
  if (format === 'toml') return `${stringifyToml(data)}\n`;
  const indent = /^[{[]\s*\n([ \t]+)/.exec(text ?? '')?.[1] ?? '  ';
  return `${JSON.stringify(data, null, indent)}${text === null || text.endsWith('\n') ? '\n' : ''}`;
}

const pathOf = (key: string): Array<string | number> => key.split('.').map((s) => (/^\d+$/.test(s) ? Number(s) : s));

function parseData(text: string, file: string, format: 'json' | 'toml'): Record<string, unknown> {
  try {
    const data = format === 'json' ? JSON.parse(text) : parseToml(text);
    if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new Error('the top level is not a mapping');
    return data as Record<string, unknown>;
  } catch (err) {
    throw new CairnError('INVALID', `params file ${file} cannot be read: ${(err as Error).message.split('\n')[0]}`, { hint: `fix ${file} first`, data: { file } });
  }
}

/** Every leaf key, dotted, for did-you-mean. */
function leafKeys(value: unknown, prefix = '', out: string[] = []): string[] {
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) leafKeys(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) out.push(prefix);
  return out;
}

function unknownKey(file: string, change: ParamChange, keys: string[]): CairnError {
  const guess = didYouMean(change.key, keys);
  return new CairnError('NOT_FOUND', `param ${change.key} is not in ${file}`, {
    hint: `${guess ? `did you mean ${guess}? ` : ''}to add a new param use -S +${change.key}=…`,
    data: { file, key: change.key },
  });
}

function exists(file: string, change: ParamChange): CairnError {
  return new CairnError('CONFLICT', `param ${change.key} is already in ${file}`, {
    hint: `change it with -S ${change.key}=… (or -S ++${change.key}=… to add or change)`,
    data: { file, key: change.key },
  });
}

function applyYaml(text: string, file: string, changes: ParamChange[]): string {
  const doc: Document = parseDocument(text, { merge: true });
  if (doc.errors.length) throw new CairnError('INVALID', `params file ${file} is not valid YAML: ${doc.errors[0].message.split('\n')[0]}`, { hint: `fix ${file} first`, data: { file } });
  if (doc.contents !== null && !isMap(doc.contents)) throw new CairnError('INVALID', `params file ${file} must be a mapping at the top level`, { hint: `fix ${file} first`, data: { file } });
  for (const c of changes) {
    const p = pathOf(c.key);
    const has = doc.hasIn(p);
    if ((c.op === 'set' || c.op === 'delete') && !has) throw unknownKey(file, c, leafKeys(doc.toJS()));
    if (c.op === 'add' && has) throw exists(file, c);
    const node = has ? doc.getIn(p, true) : undefined;
    if (c.op === 'delete') doc.deleteIn(p);
    else if (isScalar(node) && (c.value === null || typeof c.value !== 'object')) {
      // In place, so a comment after the value and the node's position stay.
      node.value = c.value;
    } else {
      checkParents(doc.toJS(), file, c);
      doc.setIn(p, doc.createNode(c.value));
    }
  }
  // As close to how people write YAML as the library renders it: no padding in [a, b], no folding of long lines.
  return doc.toString({ flowCollectionPadding: false, lineWidth: 0 });
}

function notMapping(file: string, c: ParamChange, parent: string): CairnError {
  return new CairnError('USAGE', `cannot set ${c.key} in ${file}: ${parent} is a value, not a mapping`, {
    hint: 'set the parent key itself, or choose another key',
    data: { file, key: c.key },
  });
}

/** A change may not turn a scalar into a mapping on the way (`-S +lr.x=1` when lr is 0.1). */
function checkParents(data: unknown, file: string, c: ParamChange): void {
  let node = data;
  const p = pathOf(c.key);
  for (let i = 0; i < p.length - 1; i++) {
    if (node === null || node === undefined) return;
    node = (node as Record<string | number, unknown>)[p[i]];
    if (node === undefined) return;
    if (node === null || typeof node !== 'object') throw notMapping(file, c, p.slice(0, i + 1).join('.'));
  }
}

function applyToData(data: Record<string, unknown>, file: string, c: ParamChange): void {
  const p = pathOf(c.key);
  let node: unknown = data;
  for (let i = 0; i < p.length - 1; i++) {
    const next = (node as Record<string | number, unknown>)[p[i]];
    if (next === undefined) {
      if (c.op === 'set' || c.op === 'delete') throw unknownKey(file, c, leafKeys(data));
      (node as Record<string | number, unknown>)[p[i]] = typeof p[i + 1] === 'number' ? [] : {};
    } else if (next === null || typeof next !== 'object') {
      throw notMapping(file, c, p.slice(0, i + 1).join('.'));
    }
    node = (node as Record<string | number, unknown>)[p[i]];
  }
  const container = node as Record<string | number, unknown>;
  const last = p[p.length - 1];
  const has = Object.prototype.hasOwnProperty.call(container, last);
  if ((c.op === 'set' || c.op === 'delete') && !has) throw unknownKey(file, c, leafKeys(data));
  if (c.op === 'add' && has) throw exists(file, c);
  if (c.op === 'delete') {
    if (Array.isArray(container)) container.splice(last as number, 1);
    else delete container[last];
  } else container[last] = c.value;
}
