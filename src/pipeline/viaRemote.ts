import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { RunContext } from '../core/context.js';
import { CairnError } from '../core/errors.js';
import type { Repo } from '../core/repo.js';
import { ObjectStore } from '../data/objectStore.js';
import type { PathInfo } from '../data/pathInfo.js';
import { restorePath } from '../data/restorePath.js';
import { storePath } from '../data/storePath.js';
import { downloadItems } from '../remote/downloadObjects.js';
import { openRemote } from '../remote/openRemote.js';
import { defaultJobs } from '../remote/pushPull.js';
import { resolveRemote } from '../remote/remoteConfig.js';
import type { Remote } from '../remote/remote.js';
import type { TransferItem } from '../remote/transfer.js';
import { uploadItems } from '../remote/uploadObjects.js';
import { withCopyLinks } from './copyIntoCache.js';
import type { Stage } from './types.js';
import { cacheStore } from '../data/cacheStore.js';

/**
 * `--via-remote`, for clusters whose nodes share no file system with cairn: data goes through the default remote.
 * Before submitting, cairn uploads the cached deps of every stage that runs and writes, per stage, which dep comes
 * from which object or from which upstream job (`meta/jobs/<batch>/<stage>.inputs.json`). On the node the job's
 * first command fetches and checks out those deps, its last one stores and uploads the outputs and names them
 * (`<stage>.outputs.json`); when the job is over cairn fetches the outputs into the workspace and records them
 * as usual. Deps in Git (code) are expected in the node's checkout of the repository.
 */

interface PathEntry extends PathInfo { path: string }
interface InputsFile { version: 1; deps: PathEntry[]; from: Record<string, string> }
interface OutputsFile { version: 1; outs: Array<PathEntry & { cache: boolean }> }

const safe = (stage: string) => stage.replace(/[^A-Za-z0-9@._+=,-]/g, '_');
const metaKey = (batch: string, stage: string, what: 'inputs' | 'outputs') => `jobs/${batch}/${safe(stage)}.${what}.json`;
const item = (e: PathEntry): TransferItem => ({ label: e.path, oid: e.oid, kind: e.kind, size: e.size, ...(e.files !== undefined ? { files: e.files } : {}) });

async function withRemote<T>(repo: Repo, ctx: RunContext, fn: (remote: Remote, jobs: number) => Promise<T>): Promise<T> {
  const spec = resolveRemote(repo);
  const remote = await openRemote(repo, spec.name, ctx);
  try {
    return await fn(remote, defaultJobs(spec.url, spec.options));
  } finally {
    await remote.close();
  }
}

function transferError(action: string, failed: Array<{ label: string; message: string }>): CairnError {
  return new CairnError('REMOTE', `${action}: ${failed.map((f) => `${f.label} (${f.message})`).join('; ')}`, {
    hint: 'check the default remote (`cairn remote list`) is reachable from here and from the nodes',
  });
}

/** Controller, before submitting: uploads each stage's cached deps and says where its other deps come from. */
export async function sendStageInputs(repo: Repo, ctx: RunContext, batch: string, stages: Array<{ stage: Stage; known: PathEntry[]; from: Record<string, string> }>): Promise<void> {
  const store = new ObjectStore(repo.cacheDir);
  await withRemote(repo, ctx, async (remote, jobs) => {
    const all = stages.flatMap((s) => s.known);
    // Deps not in the cache (code in Git) are the node checkout's business.
    const cached = await store.hasMany(all.map((d) => d.oid));
    const result = await uploadItems(store, remote, all.filter((d) => cached.has(d.oid)).map(item), { jobs, ctx });
    if (result.failed.length) throw transferError('could not upload the deps of the jobs to the remote', result.failed);
    for (const s of stages) {
      const body: InputsFile = { version: 1, deps: s.known.filter((d) => cached.has(d.oid)), from: s.from };
      await remote.putMeta(metaKey(batch, s.stage.name, 'inputs'), Buffer.from(JSON.stringify(body)));
    }
  });
}

async function readMeta<T>(remote: Remote, key: string): Promise<T | null> {
  const data = await remote.getMeta(key);
  return data ? JSON.parse(data.toString('utf8')) as T : null;
}

/** Node, first command of a job: fetches the stage's deps (from cairn's upload, or from upstream jobs) and checks them out. */
export async function receiveStageInputs(repo: Repo, ctx: RunContext, batch: string, stage: Stage): Promise<string[]> {
  return withRemote(repo, ctx, async (remote, jobs) => {
    const inputs = await readMeta<InputsFile>(remote, metaKey(batch, stage.name, 'inputs'));
    if (!inputs) throw new CairnError('NOT_FOUND', `no inputs of stage '${stage.name}' for job batch ${batch} on the remote`, { hint: 'the job runs against another default remote than cairn submitted with' });
    const entries = [...inputs.deps];
    for (const [dep, upstream] of Object.entries(inputs.from)) {
      const outs = await readMeta<OutputsFile>(remote, metaKey(batch, upstream, 'outputs'));
      const out = outs?.outs.find((o) => o.path === dep);
      if (!out) throw new CairnError('NOT_FOUND', `upstream stage '${upstream}' left no output ${dep} on the remote`, { hint: 'its job did not finish, or failed' });
      entries.push(out);
    }
    await fetchAndRestore(repo, ctx, remote, jobs, entries.map((e) => ({ ...e, cache: true })));
    return entries.map((e) => e.path);
  });
}

async function fetchAndRestore(repo: Repo, ctx: RunContext, remote: Remote, jobs: number, entries: Array<PathEntry & { cache: boolean }>): Promise<void> {
  const result = await downloadItems(cacheStore(repo), remote, entries.map(item), { jobs, ctx });
  if (result.failed.length) throw transferError('could not fetch from the remote', result.failed);
  for (const e of entries) {
    const abs = path.join(repo.root, e.path);
    await fs.mkdir(path.dirname(abs), { recursive: true });
    const { path: _p, cache, ...info } = e;
    // An uncached output (metrics kept in Git) comes back as a plain writable file.
    await restorePath(cache ? repo : withCopyLinks(repo), abs, info, { force: true });
  }
}

/** Node, last command of a job: stores the stage's outputs, uploads them and names them for cairn and later jobs. */
export async function sendStageOutputs(repo: Repo, ctx: RunContext, batch: string, stage: Stage): Promise<void> {
  const outs: OutputsFile['outs'] = [];
  for (const out of stage.outs) {
    const abs = path.join(repo.root, out.path);
    // A missing output is cairn's to report when it records the stage; the job does not fail for it here.
    try {
      await fs.lstat(abs);
    } catch {
      continue;
    }
    const { stored: _s, ...info } = await storePath(out.cache ? repo : withCopyLinks(repo), abs, ctx);
    outs.push({ path: out.path, ...info, cache: out.cache });
  }
  await withRemote(repo, ctx, async (remote, jobs) => {
    const result = await uploadItems(new ObjectStore(repo.cacheDir), remote, outs.map(item), { jobs, ctx });
    if (result.failed.length) throw transferError(`could not upload the outputs of stage '${stage.name}'`, result.failed);
    const body: OutputsFile = { version: 1, outs };
    await remote.putMeta(metaKey(batch, stage.name, 'outputs'), Buffer.from(JSON.stringify(body)));
  });
}

/** Controller, when a job is over: fetches the outputs it uploaded into the workspace (none when it failed first). */
export async function receiveStageOutputs(repo: Repo, ctx: RunContext, batch: string, stage: Stage): Promise<string[]> {
  return withRemote(repo, ctx, async (remote, jobs) => {
    const outputs = await readMeta<OutputsFile>(remote, metaKey(batch, stage.name, 'outputs'));
    if (!outputs) return [];
    await fetchAndRestore(repo, ctx, remote, jobs, outputs.outs);
    return outputs.outs.map((o) => o.path);
  });
}
