import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CairnError } from '../../core/errors.js';

export type LayoutVersion = 1 | 2;

/** Objects below this size go into packs in a layout 2 store; larger ones stay loose files (docs/formats.md). */
export const PACK_THRESHOLD = 64 << 10;

/** The layout new caches get when `cache.layout` is not set. */
export const DEFAULT_NEW_LAYOUT: LayoutVersion = 2;

/**
 * The layout a new cache is created with: `cache.layout` when set; else layout 1 when `cache.link` asks for links
 * first (a hardlink or a symlink needs one file per object, and packed objects are copied), else layout 2. Pure.
 */
export function newCacheLayout(cache: { layout?: LayoutVersion; link: readonly string[] }): LayoutVersion {
  if (cache.layout) return cache.layout;
  return cache.link[0] === 'hardlink' || cache.link[0] === 'symlink' ? 1 : DEFAULT_NEW_LAYOUT;
}

export function layoutMarkerText(version: LayoutVersion): string {
  return `cairn-objects ${version}\n`;
}

/** Parses a `LAYOUT` marker; null for text that is not one. Pure. */
export function parseLayoutMarker(text: string): number | null {
  const m = /^cairn-objects (\d+)\s*$/.exec(text);
  return m ? Number(m[1]) : null;
}

/**
 * The layout of the store at `root` from its `LAYOUT` marker: 1 when there is none yet (a store made before markers,
 * or not created yet). A version this build does not know is an error, never guessed at.
 */
export function readLayout(root: string): LayoutVersion {
  let text: string;
  try {
    text = readFileSync(path.join(root, 'LAYOUT'), 'utf8');
  } catch {
    return 1;
  }
  const version = parseLayoutMarker(text);
  if (version === 1 || version === 2) return version;
  throw new CairnError('INVALID', `the object store at ${root} has an unknown layout (${JSON.stringify(text.trim())})`, {
    hint: 'it was written by a newer cairn; upgrade cairn to use it',
  });
}
