import { readdirSync, readFileSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { CairnError, fromSystemError } from '../core/errors.js';
import type { FileStat } from './fileOps.js';
import { statFiles } from './hashPool.js';
import { removeStaleTemp, TEMP_NAME } from './staleTemp.js';

export const IGNORE_FILE = '.cairnignore';


/** One file found below a walked directory. `rel` is relative to that directory and `/`-separated. */
export interface WalkEntry {
  rel: string;
  abs: string;
  stat: FileStat;
  exec: boolean;
  /** No write permission: how a file linked to its read-only cache object looks. */
  readOnly: boolean;
}

export interface WalkOptions {
  repoRoot: string;
  /** Symlinks into the cache are how the symlink link mode looks; they are followed like files. */
  cacheDir: string;
  /** When given, receives every folder walked (stat'ed before it is listed) and the count of links followed. */
  collect?: WalkCollect;
}

/** What a walk saw besides files: for stat snapshots (statSnapshot.ts). */
export interface WalkCollect {
  dirs: Array<{ rel: string; ino: bigint; mtimeNs: bigint }>;
  links: number;
}

interface Rules {
  /** Repo-relative folder the rules are written relative to ('' for the root). */
  base: string;
  ig: Ignore;
}

function readRules(file: string, base: string): Rules | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  const lines = text.split(/\r?\n/).filter((l) => l.trim() && !l.startsWith('#'));
  return lines.length ? { base, ig: ignore().add(lines) } : null;
}

function ignored(rules: Rules[], repoRel: string, isDir: boolean): boolean {
  for (const r of rules) {
    const rel = r.base ? (repoRel.startsWith(`${r.base}/`) ? repoRel.slice(r.base.length + 1) : null) : repoRel;
    if (rel && r.ig.ignores(isDir ? `${rel}/` : rel)) return true;
  }
  return false;
}

function inside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * Lists every file below `dir` (readdir with sync calls, then one stat per file — on all cores for large folders), honouring
 * `.cairnignore` at the repo root and in the walked folders. Symlinks are followed when they stay in the repo or
 * point into the cache; one that leads elsewhere is an error naming it.
 */
export async function walkWorkspace(dir: string, options: WalkOptions & { parallelStatAbove?: number }): Promise<WalkEntry[]> {
  const rels: string[] = [];
  const abses: string[] = [];
  const rootRules = readRules(path.join(options.repoRoot, IGNORE_FILE), '');
  const repoReal = realpathSync(options.repoRoot);
  let cacheReal: string;
  try {
    cacheReal = realpathSync(options.cacheDir);
  } catch {
    cacheReal = path.resolve(options.cacheDir);
  }
  const visited = new Set<string>();
  const collect = options.collect;
  const pidAlive = new Map<number, boolean>();
  const walk = (abs: string, rel: string, rules: Rules[]) => {
    const repoRel = path.relative(options.repoRoot, abs).split(path.sep).join('/');
    let dirents;
    try {
      // Stat before listing: an entry added after the stat moves the mtime past what is recorded.
      if (collect) {
        const st = statSync(abs, { bigint: true });
        collect.dirs.push({ rel, ino: st.ino, mtimeNs: st.mtimeNs });
      }
      dirents = readdirSync(abs, { withFileTypes: true });
    } catch (err) {
      throw fromSystemError(err, `could not list ${abs}`);
    }
    const own = dirents.some((d) => d.name === IGNORE_FILE) ? readRules(path.join(abs, IGNORE_FILE), repoRel) : null;
    const active = own ? [...rules, own] : rules;
    for (const d of dirents) {
      const name = d.name;
      if (name === '.git') continue;
      // Plain concatenation: path.join per file is a measurable share of walking 100k files.
      const childAbs = abs.endsWith(path.sep) ? abs + name : abs + path.sep + name;
      if (name.charCodeAt(0) === 46 && TEMP_NAME.test(name)) {
        // Never data; one whose cairn process is gone is removed, as the next command to walk the folder finds it.
        if (d.isFile()) removeStaleTemp(childAbs, name, pidAlive);
        continue;
      }
      const childRel = rel ? `${rel}/${name}` : name;
      let isDir = d.isDirectory();
      if (d.isSymbolicLink()) {
        if (collect) collect.links++;
        let target: string;
        try {
          target = realpathSync(childAbs);
        } catch {
          // A link into the cache whose object is gone (gc, a fresh clone) is a file without content: leave it out,
          // so status reports it and checkout puts a good link in its place.
          if (inside(path.resolve(abs, readlinkSync(childAbs)), cacheReal)) continue;
          throw new CairnError('NOT_FOUND', `symlink ${childAbs} is broken (its target does not exist)`, {
            hint: 'remove the link or restore its target, or list it in .cairnignore',
          });
        }
        if (!inside(target, repoReal) && !inside(target, cacheReal)) {
          throw new CairnError('INVALID', `symlink ${childAbs} leads outside the repository (to ${target})`, {
            hint: 'copy the data into the repository instead, or list the link in .cairnignore',
          });
        }
        isDir = statSync(target).isDirectory();
        if (isDir) {
          if (visited.has(target)) continue;
          visited.add(target);
        }
      } else if (!isDir && !d.isFile()) {
        continue; // sockets, fifos and devices are not data
      }
      if (active.length && ignored(active, repoRel ? `${repoRel}/${name}` : name, isDir)) continue;
      if (isDir) {
        walk(childAbs, childRel, active);
        continue;
      }
      rels.push(childRel);
      abses.push(childAbs);
    }
  };
  walk(dir, '', rootRules ? [rootRules] : []);
  // Names first, then every stat at once: for a large folder the stats are shared out to all cores.
  const table = await statFiles(abses, options.parallelStatAbove);
  if (table.failed.length) {
    const f = table.failed[0].error;
    throw fromSystemError(Object.assign(new Error(f.message), { code: f.errno }), `could not read ${f.path}`);
  }
  const out: WalkEntry[] = new Array(rels.length);
  const { nums, mtimes } = table;
  for (let i = 0; i < rels.length; i++) {
    const mode = nums[3 * i + 2];
    out[i] = {
      rel: rels[i], abs: abses[i],
      stat: { ino: nums[3 * i], size: nums[3 * i + 1], mtimeNs: mtimes[i].toString() },
      exec: (mode & 0o111) !== 0, readOnly: (mode & 0o222) === 0,
    };
  }
  return out;
}
