import os from 'node:os';
import type { RunContext } from '../core/context.js';
import type { Repo } from '../core/repo.js';
import { artifactBlobsFor } from '../tracking/http/serverBlobs.js';
import { openTrackingStore } from '../tracking/openTrackingStore.js';
import { cacheArtifactBlobs } from './cacheArtifactBlobs.js';
import { createRunRecorder, type RunRecorder } from './recordRuns.js';
import { cacheStore } from '../data/cacheStore.js';

/**
 * The run recorder of a repository's store (its `tracking.uri`, else `.cairn/tracking.db`), or null when
 * `tracking.record` is false. `where` is the workspace the pipeline runs in (an experiment's copy, or the repo itself).
 */
export function repoRecorder(repo: Repo, where: Repo, ctx: RunContext, options: { kind: 'exp' | 'repro'; name?: string; command: string }): RunRecorder | null {
  if (!repo.config.tracking.record) return null;
  const user = ctx.env.USER || ctx.env.LOGNAME || safeUser();
  return createRunRecorder(where, ctx, {
    ...options,
    user,
    experiment: repo.config.tracking.experiment,
    blobs: artifactBlobsFor({ uri: repo.config.tracking.uri, env: ctx.env, local: cacheArtifactBlobs(cacheStore(repo)) })!,
    store: () => openTrackingStore({ uri: repo.config.tracking.uri, cairnDir: repo.cairnDir, cwd: ctx.cwd, user, env: ctx.env }),
  });
}

function safeUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return 'unknown';
  }
}
