import { CairnError } from '../../core/errors.js';

/**
 * The message of a version tag: GTO's human first line, a blank line, then `cairn-metadata: 1` and a JSON object
 * (documented in docs/formats.md). GTO shows the whole message and ignores the rest; tags GTO wrote have no
 * metadata block, and read as null. Pure.
 */

export const METADATA_MARKER = 'cairn-metadata';
export const METADATA_FORMAT = 1;

export interface VersionMetadata {
  /** The model's file or folder, repo-relative. */
  path?: string;
  /** Its oid (blob or tree) at the tagged commit, from its pointer file or cairn.lock. */
  oid?: string;
  kind?: 'file' | 'dir';
  size?: number;
  files?: number;
  /** The tracking run that produced it. */
  run_id?: string;
  /** A snapshot of its metrics when registered (the run's latest values, or the pipeline's metrics files). */
  metrics?: Record<string, number>;
  params?: Record<string, string>;
  type?: string;
  desc?: string;
  labels?: string[];
  /** Written later, e.g. by `cairn verify --record`; any JSON. */
  [key: string]: unknown;
}

const MARKER_RE = new RegExp(`^${METADATA_MARKER}: (\\d+)$`, 'm');

/** The human first line of each tag kind, word for word as GTO writes it. */
export const GTO_MESSAGES = {
  register: (model: string, version: string) => `Registering artifact ${model} version ${version}`,
  deregister: (model: string, version: string) => `Deregistering artifact ${model} version ${version}`,
  assign: (model: string, alias: string, version: string) => `Assigning stage ${alias} to artifact ${model} version ${version}`,
  unassign: (model: string, alias: string, version: string) => `Unassigning stage '${alias}' to artifact '${model}' version '${version}'`,
  deprecate: (model: string) => `Deprecating artifact '${model}'`,
};

/** The metadata without its empty keys (undefined, null, an empty list), as it is written. */
export function cleanMetadata(metadata: VersionMetadata): VersionMetadata {
  return Object.fromEntries(Object.entries(metadata).filter(([, v]) => v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0)));
}

/** A version tag's message: the first line, then the metadata block (keys in a fixed order, empty ones left out). */
export function formatVersionMessage(firstLine: string, metadata: VersionMetadata): string {
  return `${firstLine}\n\n${METADATA_MARKER}: ${METADATA_FORMAT}\n${JSON.stringify(cleanMetadata(metadata), null, 2)}\n`;
}

/** The metadata of a tag message, or null when it has none (a tag GTO or `git tag` wrote). */
export function parseVersionMetadata(message: string, tag = 'the tag'): VersionMetadata | null {
  const m = MARKER_RE.exec(message);
  if (!m) return null;
  if (Number(m[1]) > METADATA_FORMAT) {
    throw new CairnError('INVALID', `${tag} has cairn metadata of format ${m[1]}, newer than this cairn reads (${METADATA_FORMAT})`, { hint: 'upgrade cairn', data: { tag } });
  }
  const body = message.slice(m.index + m[0].length);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (err) {
    throw new CairnError('INVALID', `the metadata in the message of ${tag} is not valid JSON: ${(err as Error).message}`, {
      hint: `see the message with \`git tag -l --format='%(contents)' '${tag}'\`; rewrite it or register a new version`,
      data: { tag },
    });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new CairnError('INVALID', `the metadata in the message of ${tag} is not a JSON object`, { data: { tag } });
  }
  return parsed as VersionMetadata;
}

/** The first line of a message (what history shows). */
export function messageSubject(message: string): string {
  return message.split('\n', 1)[0].trim();
}
