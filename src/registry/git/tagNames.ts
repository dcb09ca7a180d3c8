import { CairnError } from '../../core/errors.js';
import { SEMVER_PATTERN } from './semver.js';

/**
 * The Git tag names of the registry, exactly as GTO writes and reads them (its `tag_re`). Pure.
 *   NAME@v1.2.3          register a version            NAME@v1.2.3!#N     deregister (deprecate) that version
 *   NAME#ALIAS#N         assign an alias (GTO: stage)   NAME#ALIAS!#N      unassign it
 *   NAME@deprecated[#N]  deprecate the whole model
 * A model declared in a pipeline file below the root is `dir/cairn.yaml:name`; in tags `:` is written `=`.
 */

export type TagAction = 'register' | 'deregister' | 'assign' | 'unassign' | 'deprecate' | 'create';

export interface ParsedTagName {
  action: TagAction;
  /** The model name with `:` (as users write it). */
  model: string;
  version?: string;
  alias?: string;
  /** GTO's counter (`#N`), when the tag has one. */
  counter?: number;
}

/** GTO's artifact name: lowercase letters and digits, with `-` and `/` inside. */
const NAME = '[a-z0-9](?:[a-z0-9/-]*[a-z0-9])?';
const DIRNAME = '[a-z0-9_./-]+';
const NAME_RE = new RegExp(`^${NAME}$`);
const FULLNAME_RE = new RegExp(`^(?:${DIRNAME}:)?${NAME}$`);
const TAG_RE = new RegExp(
  `^(?<model>(?:${DIRNAME}=)?${NAME})(?:(?:#(?<alias>${NAME})|@(?<version>${SEMVER_PATTERN}))(?<cancel>!?)|@(?:(?<deprecated>deprecated)|(?<created>created)))(?:#(?<counter>[0-9]+))?$`,
);

const NAME_HINT = 'use lowercase letters and digits, with "-" or "/" inside (e.g. churn-model or nlp/classifier)';

/** Parses a tag name; null when it is not a registry tag (any other tag of the repository). */
export function parseTagName(tag: string): ParsedTagName | null {
  const m = TAG_RE.exec(tag);
  if (!m?.groups) return null;
  const g = m.groups;
  const model = g.model.replace('=', ':');
  const counter = g.counter !== undefined ? Number(g.counter) : undefined;
  const base = { model, ...(counter !== undefined ? { counter } : {}) };
  if (g.version) return { ...base, action: g.cancel ? 'deregister' : 'register', version: g.version };
  if (g.alias) return { ...base, action: g.cancel ? 'unassign' : 'assign', alias: g.alias };
  return { ...base, action: g.deprecated ? 'deprecate' : 'create' };
}

/** Checks a model name as GTO does (`dir:name` allowed); the error says what is allowed. */
export function checkModelName(name: string): string {
  if (FULLNAME_RE.test(name)) return name;
  throw new CairnError('USAGE', `"${name}" is not a valid model name`, { hint: NAME_HINT, data: { model: name } });
}

/** Checks an alias (GTO's stage) name: the same rules as a model name, so the tag stays one GTO reads. */
export function checkAliasName(alias: string): string {
  if (NAME_RE.test(alias)) return alias;
  throw new CairnError('USAGE', `"${alias}" is not a valid alias`, {
    hint: `${/\s/.test(alias) ? 'an alias has no spaces; ' : ''}use lowercase letters and digits, with "-" or "/" inside (e.g. prod, staging)`,
    data: { alias },
  });
}

const inTag = (model: string) => model.replace(':', '=');

export function versionTagName(model: string, version: string): string {
  return `${inTag(model)}@${version}`;
}

export function deregisterTagName(model: string, version: string, counter: number): string {
  return `${inTag(model)}@${version}!#${counter}`;
}

export function assignTagName(model: string, alias: string, counter: number): string {
  return `${inTag(model)}#${alias}#${counter}`;
}

export function unassignTagName(model: string, alias: string, counter: number): string {
  return `${inTag(model)}#${alias}!#${counter}`;
}

/** `NAME@deprecated` the first time (as GTO writes it), `NAME@deprecated#N` when that exists. */
export function deprecateTagName(model: string, counter?: number): string {
  return `${inTag(model)}@deprecated${counter === undefined ? '' : `#${counter}`}`;
}

/** The glob of every tag of one model (for `git for-each-ref`, fetch and push). */
export function modelTagGlobs(model: string): string[] {
  return [`${inTag(model)}@*`, `${inTag(model)}#*`];
}
