import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { RunContext } from '../core/context.js';
import { fromSystemError } from '../core/errors.js';
import type { Repo } from '../core/repo.js';
import { hashPath } from '../data/hashPath.js';
import { pathsOverlap } from './dag.js';
import type { LockParams } from './lockFile.js';
import { readParams } from './params.js';
import type { PathState, StageInputs } from './stageStatus.js';
import type { Stage } from './types.js';

/**
 * Hashes each distinct path and reads each params file at most once per run: a 200-stage pipeline whose stages
 * share a 10,000-file dependency walks it once, and the state index means unchanged files are not even re-read.
 * After a stage runs, its outputs are re-recorded here so downstream stages see the new oids.
 */
export class InputHasher {
  private readonly paths = new Map<string, Promise<PathState | null>>();
  private readonly paramsCache = new Map<string, Promise<unknown>>();

  constructor(private readonly repo: Repo, private readonly ctx?: RunContext) {}

  /** The state of a repo-relative path, or null when it does not exist. */
  pathState(rel: string): Promise<PathState | null> {
    let hit = this.paths.get(rel);
    if (!hit) {
      hit = this.hash(rel);
      this.paths.set(rel, hit);
      // A failed hash is not remembered, so a later call reports the error again rather than a stale rejection.
      hit.catch(() => this.paths.delete(rel));
    }
    return hit;
  }

  private async hash(rel: string): Promise<PathState | null> {
    const abs = path.join(this.repo.root, rel);
    try {
      await fs.lstat(abs);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return null;
      throw fromSystemError(err, `could not read ${rel}`);
    }
    const info = await hashPath(this.repo, abs, this.ctx);
    return { kind: info.kind, oid: info.oid, size: info.size, ...(info.files !== undefined ? { files: info.files } : {}), ...(info.exec ? { exec: true } : {}) };
  }

  /** Forgets every path that overlaps `rel` (it was just rewritten) and records its new state when known. */
  update(rel: string, state?: PathState | null): void {
    for (const key of [...this.paths.keys()]) if (pathsOverlap(key, rel)) this.paths.delete(key);
    // A params file a stage writes is read again by the stages that use it.
    for (const key of [...this.paramsCache.keys()]) if (pathsOverlap(key.slice(key.indexOf('\0') + 1), rel)) this.paramsCache.delete(key);
    if (state !== undefined) this.paths.set(rel, Promise.resolve(state));
  }

  /**
   * Current values of a stage's params, merged by file (two specs of one file share its mapping). Files in `lenient`
   * (written by an upstream stage that has not run yet) may be missing, or lack keys, without an error.
   */
  async params(stage: Stage, lenient?: Set<string>): Promise<LockParams> {
    const out: LockParams = {};
    for (const spec of stage.params) {
      const missing = lenient?.has(spec.file) ? 'skip' as const : 'error' as const;
      const values = await readParams(this.repo, spec, undefined, { cache: this.paramsCache, missing });
      out[spec.file] = { ...(out[spec.file] ?? {}), ...values };
    }
    return out;
  }

  /** Everything stageStatus needs for one stage (`lenient` as for `params`). */
  async inputs(stage: Stage, lenient?: Set<string>): Promise<StageInputs> {
    const [deps, outs, params] = await Promise.all([
      Promise.all(stage.deps.map(async (d) => [d, await this.pathState(d)] as const)),
      Promise.all(stage.outs.map(async (o) => [o.path, await this.pathState(o.path)] as const)),
      this.params(stage, lenient),
    ]);
    return { deps: new Map(deps), outs: new Map(outs), params };
  }
}
