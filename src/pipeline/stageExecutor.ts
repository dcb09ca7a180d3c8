import type { ExecResult, OutputSink } from './executor.js';
import type { StageResources } from './types.js';

/**
 * What runs a stage's commands: today's process pool on this machine (`local`), a cluster scheduler (`slurm`), and
 * tomorrow a Kubernetes Job or a Ray task. The planner (repro) decides what runs and records what it produced; an
 * executor only runs what it is given, reports how the job is doing, and cancels it when asked.
 */
export interface StageJobSpec {
  stage: string;
  /** Run one after another through `shell -c`; the first failure stops the rest. */
  cmds: string[];
  shell: string;
  /** Absolute working folder (a path the job's machine shares, for a cluster). */
  cwd: string;
  env: Record<string, string>;
  /** cairn's per-stage log: the executor writes (or streams back) the job's output into it. */
  logFile: string;
  /** A folder on the job's machine for the job's raw output, when not the executor's own (nodes without a shared fs). */
  outputDir?: string;
  /** What the stage asks of a cluster; the local executor runs whatever it gets. */
  resources?: StageResources;
  /** Ids of jobs of the same executor that must succeed before this one starts (only when `dependencies`). */
  after?: string[];
  onOutput?: OutputSink;
  /** Emit whole lines prefixed with `[stage] ` (when several stages run at once). */
  prefixLines?: boolean;
  /** The job's life as the executor sees it: submitted, pending (and why), running (and where), done. */
  onEvent?: (event: JobEvent) => void;
}

export type JobEvent =
  | { kind: 'submitted'; id: string }
  | { kind: 'pending'; id: string; reason: string }
  | { kind: 'running'; id: string; node?: string }
  | { kind: 'done'; id: string; outcome: JobOutcome };

/** How a scheduler, not the stage's command, ended a job. */
export type SchedulerKill = 'TIMEOUT' | 'NODE_FAIL' | 'PREEMPTED' | 'OUT_OF_MEMORY' | 'DEADLINE' | 'BOOT_FAIL' | 'CANCELLED';

export interface JobOutcome extends ExecResult {
  /** Whether the commands started at all (a job cancelled while pending did not). */
  started: boolean;
  /** Set when the scheduler ended the job (time limit, node failure, preemption, a cancel by someone else). */
  killedBy?: SchedulerKill;
  /** The scheduler's own words, when it ended the job (e.g. `JobState=TIMEOUT Reason=TimeLimit`). */
  detail?: string;
}

export interface SubmittedJob {
  id: string;
  /** Settles once the job is over, however it ended; rejects (a CairnError) only when it could not start at all. */
  done: Promise<JobOutcome>;
}

export interface Executor {
  readonly name: string;
  /**
   * true: a job may wait for others (`after`), so the planner hands over the whole graph at once and the cluster
   * decides the parallelism. false: the planner starts each stage when its upstream finished.
   */
  readonly dependencies: boolean;
  /** Hands a stage to the executor; rejects (a CairnError) when the executor refuses it. */
  submit(spec: StageJobSpec): Promise<SubmittedJob>;
  /** Stops the given jobs (SIGINT then SIGKILL locally, `scancel` on a cluster); their `done` say interrupted. */
  cancel(ids: string[], options?: { now?: boolean }): Promise<void>;
  /** The output of a job so far (what its log holds). */
  log(id: string): Promise<string>;
  /** Releases what the executor holds (pollers, timers) once no job is left. */
  close(): Promise<void>;
}
