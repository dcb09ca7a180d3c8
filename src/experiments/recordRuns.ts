import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunContext } from '../core/context.js';
import type { Repo } from '../core/repo.js';
import { git } from '../git/git.js';
import { stageLogPath } from '../pipeline/executor.js';
import type { LockEntry } from '../pipeline/lockFile.js';
import { readMetrics } from '../pipeline/metrics.js';
import type { StageResult } from '../pipeline/runStage.js';
import type { StageHooks } from '../pipeline/stageHooks.js';
import type { Stage } from '../pipeline/types.js';
import { SYSTEM_TAGS, type Artifact, type DatasetInput, type RunStatus } from '../tracking/entities.js';
import { collectArtifacts } from '../tracking/events/collectArtifacts.js';
import { watchEvents, type EventsWatch } from '../tracking/events/watchEvents.js';
import { runSystemTags } from '../tracking/events/systemTags.js';
import { ensureExperiment } from '../tracking/trackingOps.js';
import type { ArtifactBlobs, TrackingStore, TrackingWrite } from '../tracking/trackingStore.js';
import { describeWorkspace } from './describeState.js';
import { captureEnvironment, type RunEnvironment } from './captureEnvironment.js';
import { runValues } from './runValues.js';
import { seriesFromPlots } from './seriesFromPlots.js';

/** How often a running stage's events file is ingested, so its metrics show up while it runs. */
const TAIL_MS = 1000;

export interface RecorderOptions {
  /** Opened only once something is recorded: a no-op `cairn repro` never touches the store. */
  store: () => Promise<TrackingStore>;
  blobs: ArtifactBlobs;
  /** 'exp' for `cairn exp run`, 'repro' for `cairn repro`. */
  kind: 'exp' | 'repro';
  /** The parent run's name (an experiment's name); generated when absent. */
  name?: string;
  /** The tracking experiment the runs go to (default "Default"). */
  experiment?: string;
  /** What the user typed, recorded as mlflow.source.name. */
  command: string;
  user: string;
}

export interface RunRecorder {
  hooks: StageHooks;
  /** Creates the parent run now (experiments name it in their commit) and returns its id. */
  start(): Promise<string>;
  /** The parent run, once it exists. */
  runId(): string | null;
  /** Ends the parent run with everything the workspace now says (params, metrics, data versions, environment). */
  finish(status: RunStatus, extra?: { tags?: Record<string, string>; where?: Repo }): Promise<string | null>;
}

const tagList = (tags: Record<string, string>) => Object.entries(tags).map(([key, value]) => ({ key, value }));

/**
 * Records what `repro` or `exp run` does as runs: one parent run for the invocation and a child run for every stage
 * that runs, each with its params, metrics, data versions, log, and whatever its command logs through
 * CAIRN_EVENTS (ingested while it runs). The environment and the uncommitted diff go on the parent.
 */
export function createRunRecorder(repo: Repo, ctx: RunContext, options: RecorderOptions): RunRecorder {
  const { blobs } = options;
  let opened: Promise<TrackingStore> | null = null;
  const storeOf = () => (opened ??= options.store());
  let parent: Promise<string> | null = null;
  let parentId: string | null = null;
  let environment: Promise<RunEnvironment> | null = null;
  const started = Date.now();
  const ensureParent = (): Promise<string> => {
    parent ??= (async () => {
      environment = captureEnvironment(repo.root, ctx.env);
      const store = await storeOf();
      const experiment = await ensureExperiment(store, options.experiment ?? 'Default');
      const system = await runSystemTags({ cwd: repo.root, user: options.user, sourceName: options.command, git: repo.git });
      const info = await store.createRun({
        experiment_id: experiment.experiment_id, ...(options.name ? { run_name: options.name } : {}), user_id: options.user, start_time: started,
        tags: tagList({ ...system, 'cairn.kind': options.kind }),
      });
      parentId = info.run_id;
      return info.run_id;
    })();
    return parent;
  };
  const children = new Map<string, { runId: string; watch: EventsWatch }>();
  const warnEvents = (runId: string) => (err: unknown) => ctx.onLog?.('warn', `events of run ${runId}: ${(err as Error).message}`);

  const hooks: StageHooks = {
    async beforeRun(stage: Stage) {
      const parentId = await ensureParent();
      const store = await storeOf();
      const experimentId = (await store.getRun(parentId)).info.experiment_id;
      const info = await store.createRun({
        experiment_id: experimentId, run_name: stage.name, user_id: options.user,
        tags: tagList({ [SYSTEM_TAGS.parentRunId]: parentId, [SYSTEM_TAGS.sourceName]: stage.cmd.join(' && '), [SYSTEM_TAGS.sourceType]: 'LOCAL', 'cairn.stage': stage.name }),
      });
      const dir = path.join(repo.tmpDir, 'events');
      mkdirSync(dir, { recursive: true });
      const events = path.join(dir, `${info.run_id}.jsonl`);
      writeFileSync(events, '');
      // Ingested while the stage runs, so its metrics show up live in `cairn runs show` and the UI.
      const watch = watchEvents({ store, file: events, runId: info.run_id, blobs, intervalMs: TAIL_MS, onError: warnEvents(info.run_id) });
      children.set(stage.name, { runId: info.run_id, watch });
      return { CAIRN_RUN_ID: info.run_id, CAIRN_EVENTS: events, CAIRN_PARENT_RUN_ID: parentId };
    },
    async afterRun(stage: Stage, result: StageResult, lock: LockEntry | undefined) {
      const child = children.get(stage.name);
      if (!child) return;
      const store = await storeOf();
      await child.watch.stop().catch(warnEvents(child.runId));
      const values = runValues({ params: lock?.params ?? {}, metrics: await readMetrics(repo, stage.outs.filter((o) => o.kind === 'metric').map((o) => o.path)) });
      const now = Date.now();
      const series = await seriesFromPlots(repo.root, stage.outs.filter((o) => o.kind === 'plot').map((o) => o.path), now);
      const artifacts: Artifact[] = [];
      const log = stageLogPath(repo.tmpDir, stage.name);
      if (existsSync(log)) artifacts.push(...(await collectArtifacts(blobs, log, 'logs')));
      for (const o of stage.outs) {
        if (o.kind === 'plot' && existsSync(path.join(repo.root, o.path))) artifacts.push(...(await collectArtifacts(blobs, path.join(repo.root, o.path), path.posix.dirname(`plots/${o.path}`))));
      }
      const datasets: DatasetInput[] = [
        ...(lock?.deps ?? []).map((d) => ({ dataset: { name: d.path, digest: d.oid, source_type: 'cairn', source: d.path }, tags: [{ key: SYSTEM_TAGS.datasetContext, value: 'input' }] })),
        ...(lock?.outs ?? []).map((d) => ({ dataset: { name: d.path, digest: d.oid, source_type: 'cairn', source: d.path }, tags: [{ key: SYSTEM_TAGS.datasetContext, value: 'output' }] })),
      ];
      const status: RunStatus = result.outcome === 'failed' ? 'FAILED' : result.outcome === 'interrupted' ? 'KILLED' : 'FINISHED';
      const writes: TrackingWrite[] = [
        { op: 'logBatch', run_id: child.runId, params: values.params, metrics: [...values.metrics.map((m) => ({ ...m, timestamp: now })), ...series], tags: tagList({ 'cairn.outcome': result.outcome, ...(result.exitCode !== undefined && result.exitCode !== null ? { 'cairn.exit_code': String(result.exitCode) } : {}) }) },
        ...(datasets.length ? [{ op: 'logInputs' as const, run_id: child.runId, datasets }] : []),
        ...(artifacts.length ? [{ op: 'logArtifacts' as const, run_id: child.runId, artifacts }] : []),
        { op: 'updateRun', run_id: child.runId, status, end_time: now },
      ];
      await store.write(writes);
      children.delete(stage.name);
    },
  };

  // Recording must never fail the pipeline: a store that cannot take a run costs a warning, not the stage.
  const safe: StageHooks = {
    beforeRun: (stage) => hooks.beforeRun!(stage).catch((err: Error) => {
      ctx.onLog?.('warn', `could not record a run for stage '${stage.name}': ${err.message}`);
      return {};
    }),
    afterRun: (stage, result, entry) => hooks.afterRun!(stage, result, entry).catch((err: Error) => {
      ctx.onLog?.('warn', `could not record the end of stage '${stage.name}': ${err.message}`);
    }),
  };
  return {
    hooks: safe,
    start: ensureParent,
    runId: () => parentId,
    async finish(status, extra = {}) {
      if (!parent) return null;
      const runId = await parent;
      const store = await storeOf();
      const where = extra.where ?? repo;
      for (const child of children.values()) await child.watch.stop().catch(warnEvents(child.runId));
      const described = await describeWorkspace(where).catch(() => null);
      const values = runValues({ params: described?.params ?? {}, metrics: Object.fromEntries(Object.entries(described?.metrics ?? {}).map(([f, data]) => [f, { data }])) });
      const env = await (environment ?? captureEnvironment(repo.root, ctx.env));
      const dir = path.join(repo.tmpDir, 'runs', runId);
      mkdirSync(dir, { recursive: true });
      const { pip_freeze: freeze, ...machine } = env;
      writeFileSync(path.join(dir, 'environment.json'), `${JSON.stringify(machine, null, 2)}\n`);
      const files = [path.join(dir, 'environment.json')];
      if (freeze !== undefined) {
        writeFileSync(path.join(dir, 'requirements.txt'), `${freeze}\n`);
        files.push(path.join(dir, 'requirements.txt'));
      }
      const dirty = repo.git ? (await git(repo.root, ['status', '--porcelain', '--untracked-files=no'], { allowFail: true })).stdout.trim() !== '' : false;
      if (dirty) {
        writeFileSync(path.join(dir, 'git.diff'), (await git(repo.root, ['diff', 'HEAD'], { allowFail: true })).stdout);
        files.push(path.join(dir, 'git.diff'));
      }
      const artifacts: Artifact[] = [];
      for (const f of files) artifacts.push(...(await collectArtifacts(blobs, f, undefined)));
      const datasets: DatasetInput[] = Object.entries(described?.deps ?? {}).map(([p, oid]) => ({ dataset: { name: p, digest: oid, source_type: 'cairn', source: p }, tags: [{ key: SYSTEM_TAGS.datasetContext, value: 'input' }] }));
      const tags = {
        'cairn.git.dirty': String(dirty), 'cairn.env.os': env.os, 'cairn.env.cpu': `${env.cpu.cores} × ${env.cpu.model}`,
        'cairn.env.memory': `${Math.round(env.memory_bytes / 2 ** 30)} GiB`, 'cairn.env.node': env.node,
        ...(env.python ? { 'cairn.env.python': env.python } : {}), ...(env.gpus ? { 'cairn.env.gpus': env.gpus.join('; ') } : {}),
        'cairn.host': os.hostname(), ...(env.scheduler ? { 'cairn.env.slurm_job': env.scheduler.job } : {}), ...(extra.tags ?? {}),
      };
      await store.write([
        { op: 'logBatch', run_id: runId, params: values.params, metrics: values.metrics.map((m) => ({ ...m, timestamp: Date.now() })), tags: tagList(tags) },
        ...(datasets.length ? [{ op: 'logInputs' as const, run_id: runId, datasets }] : []),
        ...(artifacts.length ? [{ op: 'logArtifacts' as const, run_id: runId, artifacts }] : []),
        { op: 'updateRun', run_id: runId, status, end_time: Date.now() },
      ]);
      return runId;
    },
  };
}
