import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../core/config.js';
import { CairnError } from '../../core/errors.js';
import { openRepo, type Repo } from '../../core/repo.js';
import { ingestEvents, type IngestEventsResult } from '../../tracking/events/ingestEvents.js';
import { runSystemTags } from '../../tracking/events/systemTags.js';
import { artifactBlobsFor } from '../../tracking/http/serverBlobs.js';
import { openTrackingStore } from '../../tracking/openTrackingStore.js';
import type { ArtifactBlobs, TrackingStore } from '../../tracking/trackingStore.js';
import type { CliContext } from '../commandSpec.js';
import { cacheArtifactBlobs } from '../../experiments/cacheArtifactBlobs.js';
import { cacheStore } from '../../data/cacheStore.js';

/** The tracking store of the command's repository (or of `tracking.uri` outside one), with what ingestion needs. */
export interface TrackingSession {
  store: TrackingStore;
  repo: Repo | null;
  blobs?: ArtifactBlobs;
  /** `.cairn/tracking/pending`: events files of scripts and notebooks waiting to be ingested. */
  pendingDir: string | null;
  /**
   * `.cairn/tracking/outbox`, when the store is a server: runs the SDK or the Python client wrote for it and could not
   * send all of (the server was away); ingested like pending files.
   */
  outboxDir: string | null;
  user: string;
}

export async function openTracking(ctx: CliContext): Promise<TrackingSession> {
  let repo: Repo | null = null;
  try {
    repo = await openRepo({ cwd: ctx.cwd, env: ctx.env });
  } catch (err) {
    if (!(err instanceof CairnError && err.code === 'NOT_FOUND')) throw err;
  }
  const config = repo ? repo.config : (await loadConfig({ cairnDir: null, env: ctx.env })).config;
  const user = ctx.env.USER || ctx.env.LOGNAME || safeUserName();
  // A relative store path means the same file from any sub-folder: it is relative to the repository's root.
  const store = await openTrackingStore({ uri: config.tracking.uri, cairnDir: repo?.cairnDir, cwd: repo?.root ?? ctx.cwd, user, env: ctx.env }).catch((err) => {
    if (!repo && err instanceof CairnError && err.code === 'USAGE' && !config.tracking.uri) {
      throw new CairnError('NOT_FOUND', `not a cairn repository (or any parent up to /): ${ctx.cwd}`, { hint: 'run `cairn init` first, or set CAIRN_TRACKING_URI' });
    }
    throw err;
  });
  return {
    store,
    repo,
    // On a server, artifacts also go up to it (by oid); the local cache keeps its copy when there is one.
    blobs: artifactBlobsFor({ uri: config.tracking.uri, env: ctx.env, local: repo ? cacheArtifactBlobs(cacheStore(repo)) : undefined }),
    pendingDir: repo ? path.join(repo.cairnDir, 'tracking', 'pending') : null,
    outboxDir: repo && /^https?:\/\//i.test(config.tracking.uri?.trim() ?? '') ? path.join(repo.cairnDir, 'tracking', 'outbox') : null,
    user,
  };
}

function safeUserName(): string {
  try {
    return os.userInfo().username;
  } catch {
    return 'unknown';
  }
}

export interface IngestReport {
  results: IngestEventsResult[];
  errors: Array<{ file: string; error: CairnError }>;
}

/** Every `.jsonl` file waiting in the pending folder (and the outbox, for a server), oldest name first. */
export async function pendingFiles(session: TrackingSession): Promise<string[]> {
  const out: string[] = [];
  for (const dir of waitingDirs(session)) {
    const names = await fs.readdir(dir).catch(() => [] as string[]);
    out.push(...names.filter((n) => n.endsWith('.jsonl')).sort().map((n) => path.join(dir, n)));
  }
  return out;
}

function waitingDirs(session: TrackingSession): string[] {
  return [session.pendingDir, session.outboxDir].filter((d): d is string => d !== null);
}

/**
 * Ingests events files (every pending one when `files` is absent). A failing file is reported and the others still
 * go in; pending files whose run ended are deleted once ingested.
 */
export async function ingestFiles(session: TrackingSession, files?: string[], cwd = process.cwd()): Promise<IngestReport> {
  const list = files ? files.map((f) => path.resolve(cwd, f)) : await pendingFiles(session);
  const report: IngestReport = { results: [], errors: [] };
  if (list.length === 0) return report;
  const systemTags = await runSystemTags({ cwd: session.repo?.root ?? cwd, user: session.user, git: session.repo?.git ?? false });
  for (const file of list) {
    const pending = waitingDirs(session).includes(path.dirname(file));
    try {
      report.results.push(await ingestEvents({ store: session.store, file, blobs: session.blobs, systemTags, deleteWhenEnded: pending }));
    } catch (err) {
      // Another cairn process finished this pending file and removed it meanwhile: nothing is lost, nothing to say.
      if (pending && err instanceof CairnError && err.code === 'NOT_FOUND' && !existsSync(file)) continue;
      const error =
        err instanceof CairnError ? err : new CairnError('INTERNAL', `could not ingest ${file}: ${(err as Error).message}`, { cause: err });
      report.errors.push({ file, error });
    }
  }
  return report;
}

/** What every `cairn runs` command does first: ingest pending files, warning (not failing) about bad ones. */
export async function ingestPendingQuietly(session: TrackingSession, ctx: CliContext): Promise<void> {
  const report = await ingestFiles(session, undefined, ctx.cwd);
  for (const { error } of report.errors) ctx.warn(`${error.message}${error.hint ? ` (${error.hint})` : ''}`);
}
