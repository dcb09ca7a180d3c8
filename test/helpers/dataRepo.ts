import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { listPackedOids } from '../../src/data/packs/listPackedOids.js';
import { cairn, tempGitRepo, type RunResult } from './cli.js';

/** A temp Git repo with `cairn init` done, and a shortcut to run cairn in it (or in a subfolder). */
export async function cairnRepo(): Promise<ReturnType<typeof tempGitRepo> & { run: (args: string[], opts?: { cwd?: string; env?: Record<string, string> }) => Promise<RunResult> }> {
  const repo = tempGitRepo();
  const init = await cairn(repo.dir, ['init'], repo.env);
  if (init.code !== 0) throw new Error(`cairn init failed: ${init.stderr}`);
  return {
    ...repo,
    run: (args, opts = {}) => cairn(opts.cwd ?? repo.dir, args, { ...repo.env, ...(opts.env ?? {}) }),
  };
}

/** Every file below `dir` with its content, for comparing whole trees in assertions. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (abs: string, rel: string) => {
    for (const name of readdirSync(abs)) {
      const child = path.join(abs, name);
      const childRel = rel ? `${rel}/${name}` : name;
      if (statSync(child).isDirectory()) walk(child, childRel);
      else out[childRel] = readFileSync(child, 'latin1');
    }
  };
  if (existsSync(dir)) walk(dir, '');
  return out;
}

/** Number of objects in a cache folder. */
export function countObjects(cacheDir: string): number {
  const base = path.join(cacheDir, 'objects');
  const loose = existsSync(base) ? readdirSync(base).reduce((n, p) => n + readdirSync(path.join(base, p)).filter((f) => f.length === 62).length, 0) : 0;
  // A layout 2 cache keeps small objects in packs: they count too, once each.
  let packed = 0;
  for (const _ of listPackedOids(cacheDir)) packed++;
  return loose + packed;
}

/** Whether a command-line tool exists here (for tests that need mount, chattr...). */
export function hasTool(name: string): boolean {
  return spawnSync('bash', ['-c', `command -v ${name}`]).status === 0;
}
