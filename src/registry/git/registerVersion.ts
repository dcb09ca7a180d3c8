import { CairnError } from '../../core/errors.js';
import { hashBuffer } from '../../core/hash.js';
import type { Repo } from '../../core/repo.js';
import { trackedAtRev } from '../../data/trackedAtRev.js';
import { lsTree, resolveRev, showFileBuffer } from '../../git/git.js';
import { createAnnotatedTag, deleteTag, pushTags } from '../../git/tags.js';
import { metricsFiles, pipelineAt, readMetrics } from '../../pipeline/metrics.js';
import { normalizeSourcePath } from '../../remote/sourceRepo.js';
import type { Run } from '../../tracking/entities.js';
import { artifactAt } from './artifactAt.js';
import { readModel } from './readRegistry.js';
import { bumpSemVer, checkSemVer, compareSemVer, FIRST_VERSION, type BumpPart } from './semver.js';
import { checkModelName, versionTagName } from './tagNames.js';
import { cleanMetadata, formatVersionMessage, GTO_MESSAGES, type VersionMetadata } from './versionMessage.js';

export interface RegisterOptions {
  repo: Repo;
  name: string;
  /** The commit to tag (default HEAD). */
  rev?: string;
  /** The model's path (default: its `artifacts:` entry at that commit). */
  path?: string;
  version?: string;
  bump?: BumpPart;
  /** The run that produced it: its latest metrics and params become the snapshot. */
  run?: Run;
  type?: string;
  desc?: string;
  labels?: string[];
  /** Push the tag to this Git remote. */
  push?: string;
  /** More metadata to keep (the MLflow routes keep the client's `source` and tags). */
  extra?: Record<string, unknown>;
}

export interface RegisterResult {
  name: string;
  version: string;
  tag: string;
  commit: string;
  metadata: VersionMetadata;
  pushed: string | null;
}

/** `cairn model register`: checks everything first, then creates one annotated tag `NAME@vX.Y.Z` (and pushes it). */
export async function registerVersion(options: RegisterOptions): Promise<RegisterResult> {
  const { repo, name } = options;
  checkModelName(name);
  if (options.version && options.bump) throw new CairnError('USAGE', 'give either --version or --bump, not both', { hint: 'e.g. --bump minor, or --version v1.2.0' });
  if (options.version) checkSemVer(options.version);
  const commit = await resolveRev(repo.root, options.rev ?? 'HEAD');
  const model = await readModel(repo.root, name);
  const version = nextVersion(name, model?.versions.map((v) => v.version) ?? [], options);
  const atCommit = model?.versions.find((v) => v.commit === commit && !v.deprecated);
  if (atCommit) {
    throw new CairnError('CONFLICT', `commit ${commit.slice(0, 12)} already has version ${atCommit.version} of "${name}"`, {
      hint: 'register a newer commit, or deprecate that version first (`cairn model deprecate NAME VERSION`)',
      data: { model: name, version: atCommit.version },
    });
  }
  const artifact = await artifactAt(repo.root, commit, name);
  const rawPath = options.path ?? artifact?.path;
  if (!rawPath) {
    throw new CairnError('USAGE', `no path for model "${name}" at ${commit.slice(0, 12)}`, {
      hint: `give --path, or declare it in cairn.yaml: \`artifacts: {${name}: {path: models/model.pkl, type: model}}\``,
      data: { model: name },
    });
  }
  const path = normalizeSourcePath(rawPath);
  const metadata: VersionMetadata = cleanMetadata({
    path,
    ...(await trackedOid(repo, commit, path)),
    ...(options.run ? { run_id: options.run.info.run_id } : {}),
    ...(await snapshot(repo, commit, options.run)),
    type: options.type ?? artifact?.type,
    desc: options.desc ?? artifact?.desc,
    labels: options.labels?.length ? options.labels : artifact?.labels,
    ...options.extra,
  });
  const tag = versionTagName(name, version);
  await createAnnotatedTag(repo.root, { name: tag, commit, message: formatVersionMessage(GTO_MESSAGES.register(name, version), metadata) });
  if (options.push) {
    try {
      await pushTags(repo.root, options.push, [tag]);
    } catch (err) {
      // The remote registered this version first: drop ours, so the local registry matches the remote.
      if (err instanceof CairnError && err.code === 'CONFLICT') await deleteTag(repo.root, tag);
      throw err;
    }
  }
  return { name, version, tag, commit, metadata, pushed: options.push ?? null };
}

/** The version to register: the one given (which must be new), else the highest registered one bumped, else v0.0.1. */
function nextVersion(name: string, existing: string[], options: Pick<RegisterOptions, 'version' | 'bump'>): string {
  if (options.version) {
    if (existing.includes(options.version)) {
      throw new CairnError('CONFLICT', `version ${options.version} of "${name}" exists already`, {
        hint: 'versions are never reused: give a new one, or omit --version to bump the latest',
        data: { model: name, version: options.version },
      });
    }
    return options.version;
  }
  const highest = [...existing].sort(compareSemVer).pop();
  if (!highest) {
    if (options.bump) throw new CairnError('USAGE', `"${name}" has no version to bump yet`, { hint: `omit --bump (the first version is ${FIRST_VERSION}), or give --version v1.0.0` });
    return FIRST_VERSION;
  }
  return bumpSemVer(highest, options.bump ?? 'patch');
}

/** The path's oid at the commit: its pointer or cairn.lock entry, else the SHA-256 of a file Git stores itself. */
async function trackedOid(repo: Repo, commit: string, path: string): Promise<Pick<VersionMetadata, 'oid' | 'kind' | 'size' | 'files'>> {
  const { pointers } = await trackedAtRev(repo, commit);
  const tracked = pointers.find((p) => p.dataPath === path);
  if (tracked) {
    const p = tracked.pointer;
    return { oid: p.oid, kind: p.kind, size: p.size, ...(p.files !== undefined ? { files: p.files } : {}) };
  }
  const inGit = (await lsTree(repo.root, commit, [path])).find((e) => e.path === path && e.type === 'blob');
  const bytes = inGit ? await showFileBuffer(repo.root, commit, path) : null;
  if (bytes) return { oid: hashBuffer(bytes), kind: 'file', size: bytes.length };
  const inside = pointers.find((p) => path.startsWith(`${p.dataPath}/`));
  throw new CairnError('NOT_FOUND', `${path} is not tracked at commit ${commit.slice(0, 12)}`, {
    hint: inside
      ? `it is inside the tracked folder ${inside.dataPath}: register that folder (--path ${inside.dataPath})`
      : `track it first (\`cairn add ${path}\` and commit the pointer, or make it a stage output), then register`,
    data: { path, commit },
  });
}

/** The metrics (and params) to keep with the version: the run's, else the pipeline's metrics files at the commit. */
async function snapshot(repo: Repo, commit: string, run: Run | undefined): Promise<Pick<VersionMetadata, 'metrics' | 'params'>> {
  if (run) {
    const metrics = Object.fromEntries(run.data.metrics.map((m) => [m.key, m.value]));
    const params = Object.fromEntries(run.data.params.map((p) => [p.key, p.value]));
    return { ...(Object.keys(metrics).length ? { metrics } : {}), ...(Object.keys(params).length ? { params } : {}) };
  }
  const values = await readMetrics(repo, metricsFiles(await pipelineAt(repo, commit)), commit);
  const metrics: Record<string, number> = {};
  for (const file of Object.keys(values).sort()) {
    const v = values[file];
    if (!('data' in v)) continue;
    for (const [k, x] of Object.entries(v.data)) if (typeof x === 'number' && !(k in metrics)) metrics[k] = x;
  }
  return Object.keys(metrics).length ? { metrics } : {};
}
