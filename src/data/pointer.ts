import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { writeFileAtomic } from '../core/atomicWrite.js';
import { CairnError } from '../core/errors.js';
import { isOid } from '../core/hash.js';

export const POINTER_SUFFIX = '.cairn';
export const POINTER_VERSION = 1;

/** Where an imported path came from (`cairn import`). */
export interface PointerSource {
  url: string;
  path: string;
  rev?: string;
  /** The commit the rev resolved to when last imported or updated. */
  commit: string;
}

/** The content of a `<path>.cairn` file: which bytes belong at `path` (relative to the pointer's folder). */
export interface Pointer {
  version: number;
  kind: 'file' | 'dir';
  path: string;
  oid: string;
  size: number;
  /** Number of files, for directories. */
  files?: number;
  /** Whether the file is executable, for single files. */
  exec?: boolean;
  source?: PointerSource;
}

const ALLOWED_KEYS = new Set(['version', 'kind', 'path', 'oid', 'size', 'files', 'exec', 'source']);

/** The pointer file that tracks `dataPath` (absolute or relative). */
export function pointerPathFor(dataPath: string): string {
  return dataPath.replace(/[\\/]+$/, '') + POINTER_SUFFIX;
}

/** The data path a pointer file tracks, from the pointer file's own path (its `path` field must agree). */
export function dataPathFor(pointerFile: string): string {
  return pointerFile.slice(0, -POINTER_SUFFIX.length);
}

function bad(file: string, field: string, problem: string): never {
  throw new CairnError('INVALID', `malformed pointer file ${file}: field "${field}" ${problem}`, {
    hint: `restore it with \`git checkout -- ${file}\`, or re-add the data with \`cairn add\``,
    data: { file, field },
  });
}

/** Parses pointer YAML and checks every field; `file` is only used to name the file in errors. Pure. */
export function parsePointer(text: string, file: string): Pointer {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new CairnError('INVALID', `malformed pointer file ${file}: not valid YAML (${(err as Error).message.split('\n')[0]})`, {
      hint: `restore it with \`git checkout -- ${file}\``,
      data: { file },
    });
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) bad(file, '(top level)', 'must be a mapping of fields');
  const obj = raw as Record<string, unknown>;
  for (const key of Object.keys(obj)) if (!ALLOWED_KEYS.has(key)) bad(file, key, 'is not a pointer field');
  if (obj.version !== POINTER_VERSION) {
    bad(file, 'version', typeof obj.version === 'number' && obj.version > POINTER_VERSION
      ? `is ${obj.version}, newer than this cairn understands (upgrade cairn)` : `must be ${POINTER_VERSION}`);
  }
  if (obj.kind !== 'file' && obj.kind !== 'dir') bad(file, 'kind', 'must be "file" or "dir"');
  const expected = path.basename(dataPathFor(file));
  if (typeof obj.path !== 'string' || obj.path === '') bad(file, 'path', 'must be a non-empty string');
  if (obj.path !== expected) bad(file, 'path', `is "${obj.path}" but the pointer file is named for "${expected}"`);
  if (!isOid(obj.oid)) bad(file, 'oid', 'must be 64 lowercase hex digits (a SHA-256)');
  if (typeof obj.size !== 'number' || !Number.isSafeInteger(obj.size) || obj.size < 0) bad(file, 'size', 'must be a whole number of bytes');
  if (obj.kind === 'dir' && (typeof obj.files !== 'number' || !Number.isSafeInteger(obj.files) || obj.files < 0)) {
    bad(file, 'files', 'must be the number of files in the directory');
  }
  if (obj.kind === 'file' && obj.files !== undefined) bad(file, 'files', 'is only for directories');
  if (obj.exec !== undefined && typeof obj.exec !== 'boolean') bad(file, 'exec', 'must be true or false');
  let source: PointerSource | undefined;
  if (obj.source !== undefined) {
    const s = obj.source as Record<string, unknown>;
    if (typeof s !== 'object' || s === null) bad(file, 'source', 'must be a mapping');
    for (const key of ['url', 'path', 'commit']) if (typeof s[key] !== 'string' || !s[key]) bad(file, `source.${key}`, 'must be a string');
    if (s.rev !== undefined && typeof s.rev !== 'string') bad(file, 'source.rev', 'must be a string');
    source = { url: s.url as string, path: s.path as string, commit: s.commit as string, ...(s.rev ? { rev: s.rev as string } : {}) };
  }
  return {
    version: POINTER_VERSION,
    kind: obj.kind,
    path: obj.path,
    oid: obj.oid as string,
    size: obj.size as number,
    ...(obj.kind === 'dir' ? { files: obj.files as number } : {}),
    ...(obj.exec ? { exec: true } : {}),
    ...(source ? { source } : {}),
  };
}

const HEADER = '# cairn pointer: commit this file with Git; the data itself lives in the cache and remotes.\n';

/** Canonical pointer YAML with a fixed field order, so equal pointers are byte-equal. Pure. */
export function serializePointer(p: Pointer): string {
  const ordered: Record<string, unknown> = { version: p.version, kind: p.kind, path: p.path, oid: p.oid, size: p.size };
  if (p.kind === 'dir') ordered.files = p.files;
  if (p.exec) ordered.exec = true;
  if (p.source) ordered.source = { url: p.source.url, path: p.source.path, ...(p.source.rev ? { rev: p.source.rev } : {}), commit: p.source.commit };
  return HEADER + stringifyYaml(ordered);
}

export async function readPointer(file: string): Promise<Pointer> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new CairnError('NOT_FOUND', `pointer file ${file} does not exist`, { hint: 'track the path with `cairn add` first' });
    }
    throw err;
  }
  return parsePointer(text, file);
}

/** Writes a pointer atomically. Callers write it only after every object it names is safely in the cache. */
export async function writePointer(file: string, pointer: Pointer): Promise<void> {
  await writeFileAtomic(file, serializePointer(pointer));
}
