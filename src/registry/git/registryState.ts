import type { TagInfo } from '../../git/tags.js';
import { compareSemVer } from './semver.js';
import { parseTagName, type ParsedTagName, type TagAction } from './tagNames.js';
import { messageSubject, parseVersionMetadata, type VersionMetadata } from './versionMessage.js';

/**
 * The registry as its tags say, computed without touching Git (docs/concepts.md "Model registry"). Pure.
 * - A version is registered by `NAME@vX.Y.Z`; a `NAME@vX.Y.Z!#N` tag deprecates it.
 * - Alias events are ordered by (N, tagger time, tag name); N is GTO's counter, one per model across all its tags,
 *   so a later N wins and two clones that promoted concurrently agree once they have each other's tags.
 * - Each (alias, version) pair is held when its last event is an assignment (`NAME#ALIAS#N`), released when it is
 *   an unassignment (`NAME#ALIAS!#N`); the alias points at the held pair assigned last. Demoting the current
 *   version therefore falls back to an earlier version that still holds the alias, as in GTO.
 * - An alias on a version that is deprecated lapses (GTO counts only active versions).
 * - A model is deprecated by `NAME@deprecated[#N]` until a version is registered at a later time.
 * Lightweight tags are ignored, as GTO ignores them (they have no author, time or message).
 */

export interface RegistryEvent {
  action: TagAction;
  model: string;
  version?: string;
  alias?: string;
  counter?: number;
  tag: string;
  commit: string;
  time: number;
  author: string;
  authorEmail: string;
  /** The message's first line. */
  subject: string;
}

export interface VersionState {
  model: string;
  version: string;
  tag: string;
  commit: string;
  time: number;
  author: string;
  authorEmail: string;
  message: string;
  metadata: VersionMetadata | null;
  deprecated: boolean;
  /** The aliases pointing at this version now. */
  aliases: string[];
}

export interface AliasState {
  alias: string;
  /** The version it points at (a commit id when nothing is registered at the tagged commit, as in GTO). */
  version: string;
  commit: string;
  /** The assignment tag that decided it. */
  tag: string;
  counter: number;
  time: number;
}

export interface ModelState {
  name: string;
  /** Every registered version, lowest first (SemVer order). */
  versions: VersionState[];
  /** The highest version that is not deprecated, or null. */
  latest: string | null;
  /** Each alias that points at a version now, by name (sorted). */
  aliases: AliasState[];
  deprecated: boolean;
  /** Every event, oldest first. */
  events: RegistryEvent[];
  /** The highest counter (#N) among the model's tags (0 when none). */
  counter: number;
}

interface Parsed {
  info: TagInfo;
  name: ParsedTagName;
}

/** Orders alias events: a higher N later; then tagger time; then tag name, so every clone agrees. */
function aliasOrder(a: RegistryEvent, b: RegistryEvent): number {
  return (a.counter ?? 0) - (b.counter ?? 0) || a.time - b.time || (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0);
}

function eventOrder(a: RegistryEvent, b: RegistryEvent): number {
  return a.time - b.time || (a.counter ?? 0) - (b.counter ?? 0) || (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0);
}

/** Every model that has registry tags, by name (sorted). */
export function computeRegistryState(tags: TagInfo[]): Map<string, ModelState> {
  const byModel = new Map<string, Parsed[]>();
  for (const info of tags) {
    if (!info.annotated) continue;
    const name = parseTagName(info.name);
    if (!name || name.action === 'create') continue;
    const list = byModel.get(name.model) ?? [];
    list.push({ info, name });
    byModel.set(name.model, list);
  }
  const models = new Map<string, ModelState>();
  for (const model of [...byModel.keys()].sort()) models.set(model, modelState(model, byModel.get(model)!));
  return models;
}

function toEvent(p: Parsed): RegistryEvent {
  const { info, name } = p;
  return {
    action: name.action,
    model: name.model,
    ...(name.version ? { version: name.version } : {}),
    ...(name.alias ? { alias: name.alias } : {}),
    ...(name.counter !== undefined ? { counter: name.counter } : {}),
    tag: info.name,
    commit: info.commit,
    time: info.time,
    author: info.tagger,
    authorEmail: info.taggerEmail,
    subject: messageSubject(info.message),
  };
}

function modelState(model: string, tags: Parsed[]): ModelState {
  const events = tags.map(toEvent);
  const versions = new Map<string, VersionState>();
  for (const p of tags) {
    if (p.name.action !== 'register') continue;
    versions.set(p.name.version!, {
      model,
      version: p.name.version!,
      tag: p.info.name,
      commit: p.info.commit,
      time: p.info.time,
      author: p.info.tagger,
      authorEmail: p.info.taggerEmail,
      message: p.info.message,
      metadata: safeMetadata(p.info),
      deprecated: false,
      aliases: [],
    });
  }
  for (const e of events) if (e.action === 'deregister' && versions.has(e.version!)) versions.get(e.version!)!.deprecated = true;
  const sorted = [...versions.values()].sort((a, b) => compareSemVer(a.version, b.version));
  // An alias tag names a commit; its version is the one registered there (an active one first, the highest first).
  const versionAt = (commit: string): string => {
    const here = sorted.filter((v) => v.commit === commit).sort((a, b) => Number(a.deprecated) - Number(b.deprecated) || compareSemVer(b.version, a.version));
    return here[0]?.version ?? commit;
  };
  // Each (alias, version) pair is held or not by its last event; the alias points at the held pair assigned last.
  const pairs = new Map<string, Map<string, RegistryEvent>>();
  for (const e of events.filter((x) => x.action === 'assign' || x.action === 'unassign').sort(aliasOrder)) {
    const byVersion = pairs.get(e.alias!) ?? new Map<string, RegistryEvent>();
    byVersion.set(versionAt(e.commit), e);
    pairs.set(e.alias!, byVersion);
  }
  const aliases: AliasState[] = [];
  for (const alias of [...pairs.keys()].sort()) {
    // As in GTO, an alias on a deprecated version lapses.
    const held = [...pairs.get(alias)!].filter(([v, e]) => e.action === 'assign' && !versions.get(v)?.deprecated).sort(([, a], [, b]) => aliasOrder(a, b));
    const last = held.pop();
    if (last) aliases.push({ alias, version: last[0], commit: last[1].commit, tag: last[1].tag, counter: last[1].counter ?? 0, time: last[1].time });
  }
  for (const a of aliases) versions.get(a.version)?.aliases.push(a.alias);
  const lastRegistered = Math.max(-Infinity, ...events.filter((e) => e.action === 'register').map((e) => e.time));
  const lastDeprecated = Math.max(-Infinity, ...events.filter((e) => e.action === 'deprecate').map((e) => e.time));
  const active = sorted.filter((v) => !v.deprecated);
  return {
    name: model,
    versions: sorted,
    latest: active.length ? active[active.length - 1].version : null,
    aliases,
    deprecated: lastDeprecated > -Infinity && lastDeprecated >= lastRegistered,
    events: events.sort(eventOrder),
    counter: Math.max(0, ...events.map((e) => e.counter ?? 0)),
  };
}

/** A version whose metadata does not parse still lists (without metadata); reading it directly reports the error. */
function safeMetadata(info: TagInfo): VersionMetadata | null {
  try {
    return parseVersionMetadata(info.message, info.name);
  } catch {
    return null;
  }
}
