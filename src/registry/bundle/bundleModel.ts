import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { RunContext } from '../../core/context.js';
import { fromSystemError } from '../../core/errors.js';
import type { Repo } from '../../core/repo.js';
import { lockFilesAt, pipelineFileOfLock, stageAddress } from '../../data/findPipelineFiles.js';
import { parseLock, type LockEntry } from '../../pipeline/lockFile.js';
import { loadPipeline } from '../../pipeline/loadPipeline.js';
import { checkOutput } from '../../remote/getData.js';
import { artifactAt } from '../git/artifactAt.js';
import { getModel } from '../git/getModel.js';
import { requireModel } from '../git/readRegistry.js';
import { buildModelCard, modelCardMarkdown, type ModelCard } from './modelCard.js';
import { producingStages } from './producingStages.js';
import { writeTarGz, type TarInput } from './writeTarGz.js';

export interface BundleOptions {
  repo: Repo;
  /** `NAME@vX.Y.Z` (or `NAME#ALIAS`, `NAME`). */
  ref: string;
  /** The .tar.gz to write. */
  out: string;
  force?: boolean;
  /** What the card records as the environment (the caller knows the run's, or captures this machine's). */
  environment: (runId: string | null) => Promise<unknown>;
  ctx: RunContext;
}

export interface BundleResult {
  out: string;
  card: ModelCard;
  /** Every path in the archive, in order. */
  entries: string[];
}

/** Lock entries at a commit, by stage address. */
async function locksAt(repo: Repo, commit: string): Promise<Map<string, LockEntry>> {
  const locks = new Map<string, LockEntry>();
  for (const { lock, text } of await lockFilesAt(repo, commit)) {
    const file = pipelineFileOfLock(lock);
    for (const [name, entry] of Object.entries(parseLock(text, lock).stages)) locks.set(stageAddress(file, name), entry);
  }
  return locks;
}

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of (await fs.readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(rel + '/', ...(await listFiles(path.join(dir, e.name), rel)));
    else out.push(rel);
  }
  return out;
}

/**
 * `cairn model bundle`: the version's files (from the cache or the data remote, at its commit) and its model card,
 * in one gzipped tar: `model-card.json`, `MODEL_CARD.md`, `model/<name of the model path>`. Entries carry the
 * version's registration time, so bundling the same version twice gives the same archive.
 */
export async function bundleModel(options: BundleOptions): Promise<BundleResult> {
  const { repo, ctx } = options;
  const out = path.resolve(ctx.cwd, options.out);
  checkOutput(out, options.force);
  await fs.mkdir(repo.tmpDir, { recursive: true });
  const work = await fs.mkdtemp(path.join(repo.tmpDir, 'bundle-'));
  try {
    const got = await getModel({ ref: options.ref, url: repo.root, out: path.join(work, 'model', 'x'), ctx });
    const { model } = got;
    // The files are written under the model path's own base name inside model/.
    const base = path.posix.basename(model.path!);
    await fs.rename(path.join(work, 'model', 'x'), path.join(work, 'model', base));
    const state = await requireModel(repo.root, model.name);
    const version = state.versions.find((v) => v.version === model.version)!;
    const [pipeline, locks, artifact] = await Promise.all([loadPipeline(repo, { rev: model.commit }), locksAt(repo, model.commit), artifactAt(repo.root, model.commit, model.name)]);
    const files = (await listFiles(path.join(work, 'model'))).map((f) => `model/${f}`);
    const card = buildModelCard({
      model,
      registered: { time: version.time, author: version.author, email: version.authorEmail },
      aliases: version.aliases,
      kind: got.kind,
      files: files.filter((f) => !f.endsWith('/')),
      stages: producingStages(pipeline, locks, model.path!),
      environment: await options.environment(model.metadata?.run_id ?? null),
      serve: artifact?.serve ?? null,
      artifact,
    });
    const entries: TarInput[] = [
      { path: 'model-card.json', type: 'file', content: Buffer.from(`${JSON.stringify(card, null, 2)}\n`) },
      { path: 'MODEL_CARD.md', type: 'file', content: Buffer.from(modelCardMarkdown(card)) },
      { path: 'model', type: 'dir' },
      ...files.map((f): TarInput => (f.endsWith('/') ? { path: f.slice(0, -1), type: 'dir' } : { path: f, type: 'file', source: path.join(work, ...f.split('/')) })),
    ];
    try {
      await writeTarGz(out, entries, { mtime: Math.floor(version.time / 1000) });
    } catch (err) {
      throw fromSystemError(err, `could not write ${out}`);
    }
    return { out, card, entries: entries.map((e) => (e.type === 'dir' ? `${e.path}/` : e.path)) };
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
}
