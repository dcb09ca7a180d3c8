import type { Repo } from '../core/repo.js';
import { pointersAtRev } from '../data/pointersAtRev.js';
import { git, resolveRev } from '../git/git.js';
import { lockedStagesAt } from '../pipeline/lockedStagesAt.js';
import { traceLineage, type LineageChain, type LineageChainStage } from '../pipeline/traceLineage.js';
import { SYSTEM_TAGS, type Run } from '../tracking/entities.js';
import type { TrackingStore } from '../tracking/trackingStore.js';

/** A tracked path at a commit: what `cairn lineage` (and a model version, through the registry) points at. */
export interface LineageTargetRef {
  /** A revision; resolved to the full commit id. */
  commit: string;
  /** Repo-relative, `/`-separated. */
  path: string;
}

/** The tracked run that produced a stage's outputs, as recorded by `cairn repro` or `cairn exp run`. */
export interface LineageRun {
  run_id: string;
  run_name: string;
  status: string;
  start_time: number;
  /** The code commit the run ran at (the lock recording its outputs is usually committed after it). */
  git_commit: string | null;
  metrics: Record<string, number>;
}

export interface FileLineage extends LineageChain {
  commit: string;
  stages: (LineageChainStage & { run: LineageRun | null })[];
  /** The run of the stage that produced the target (null for added data, or when no run recorded those outputs). */
  run: LineageRun | null;
  notes: string[];
}

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** The latest run of `stage` whose recorded outputs are exactly the locked ones: that run made these bytes. */
async function runOf(store: TrackingStore, stage: LineageChainStage): Promise<LineageRun | null> {
  if (stage.outs.length === 0) return null;
  const filter = `tags.\`cairn.stage\` = ${quote(stage.stage)} and datasets.digest = ${quote(stage.outs[0].oid)}`;
  const { runs } = await store.searchRuns({ filter, order_by: ['attributes.start_time DESC'], max_results: 20 });
  const outputs = (r: Run) => new Map(r.inputs.dataset_inputs
    .filter((d) => d.tags.some((t) => t.key === SYSTEM_TAGS.datasetContext && t.value === 'output'))
    .map((d) => [d.dataset.name, d.dataset.digest]));
  const run = runs.find((r) => stage.outs.every((o) => outputs(r).get(o.path) === o.oid));
  if (!run) return null;
  const parentId = run.data.tags.find((t) => t.key === SYSTEM_TAGS.parentRunId)?.value;
  const own = run.data.tags.find((t) => t.key === SYSTEM_TAGS.gitCommit)?.value;
  const parent = !own && parentId ? await store.getRun(parentId).catch(() => null) : null;
  return {
    run_id: run.info.run_id,
    run_name: run.info.run_name,
    status: run.info.status,
    start_time: run.info.start_time,
    git_commit: own ?? parent?.data.tags.find((t) => t.key === SYSTEM_TAGS.gitCommit)?.value ?? null,
    metrics: Object.fromEntries(run.data.metrics.map((m) => [m.key, m.value])),
  };
}

/** Which of these paths are files committed to Git at the commit. */
async function committed(repo: Repo, commit: string, paths: string[]): Promise<Set<string>> {
  if (paths.length === 0) return new Set();
  const r = await git(repo.root, ['ls-tree', '-r', '-z', '--name-only', commit, '--', ...paths.map((p) => `./${p}`)]);
  return new Set(r.stdout.split('\0').filter(Boolean));
}

/**
 * The full chain behind a tracked path at a commit: the stages that produced it (transitively) with their commands,
 * every input's data version, the params, and the tracked run of each stage when `openStore` is given.
 */
export async function fileLineage(options: {
  repo: Repo;
  target: LineageTargetRef;
  /** Opened only once the chain is traced, so a bad target creates no store. */
  openStore?: () => Promise<TrackingStore>;
}): Promise<FileLineage> {
  const { repo } = options;
  const commit = await resolveRev(repo.root, options.target.commit);
  const [{ stages, notes }, { pointers }] = await Promise.all([lockedStagesAt(repo, commit), pointersAtRev(repo, commit)]);
  const pointed = pointers.map((p) => ({
    path: p.dataPath, pointer: p.pointerPath, oid: p.pointer.oid, size: p.pointer.size, ...(p.pointer.files !== undefined ? { files: p.pointer.files } : {}),
  }));
  const leafDeps = [...new Set(stages.flatMap((s) => s.deps.map((d) => d.path)))];
  const chain = traceLineage({ path: options.target.path, stages, pointed, gitFiles: await committed(repo, commit, leafDeps) });
  const store = options.openStore && chain.stages.length ? await options.openStore() : null;
  const withRuns = [];
  for (const s of chain.stages) withRuns.push({ ...s, run: store ? await runOf(store, s) : null });
  const run = withRuns.find((s) => s.stage === chain.target.stage)?.run ?? null;
  if (store && chain.target.stage !== null && !run) notes.push(`no tracked run recorded the outputs of stage ${chain.target.stage} at this commit (made with run recording off, or in another clone)`);
  return { ...chain, commit, stages: withRuns, run, notes };
}
