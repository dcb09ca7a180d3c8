import { constants } from 'node:os';
import type { SchedulerKill } from '../../stageExecutor.js';

/** Reading Slurm's view of jobs (squeue, scontrol) without slurmdbd. Pure. */

/** One line per job: `squeue -h -t all -j IDS -O` with these fields, each ended by `|`. */
export const SQUEUE_FORMAT = 'JobID:|,State:|,Reason:|,NodeList:|,exit_code:|';

export interface JobRow {
  id: string;
  state: string;
  reason: string;
  node: string;
  /** The raw wait status squeue shows (768 is exit code 3). */
  waitStatus: number;
}

export function parseSqueue(text: string): Map<string, JobRow> {
  const rows = new Map<string, JobRow>();
  for (const line of text.split('\n')) {
    const [id, state, reason, node, status] = line.split('|').map((f) => f.trim());
    if (!id || !state) continue;
    rows.set(id, { id, state, reason: reason ?? '', node: node ?? '', waitStatus: Number(status) || 0 });
  }
  return rows;
}

/** The `Key=Value` fields of one `scontrol show job -o` line (values have no spaces, except Command and paths). */
export function parseScontrolJob(line: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const m of line.matchAll(/(?:^|\s)([A-Za-z/:_]+)=(\S*)/g)) fields[m[1]] = m[2];
  return fields;
}

export type JobPhase = 'pending' | 'running' | 'done';

const PENDING = new Set(['PENDING', 'CONFIGURING', 'REQUEUED', 'REQUEUE_FED', 'REQUEUE_HOLD', 'RESIZING', 'SUSPENDED', 'STOPPED', 'SIGNALING', 'RESV_DEL_HOLD']);
const RUNNING = new Set(['RUNNING', 'COMPLETING', 'STAGE_OUT']);
const KILLS = new Set<SchedulerKill>(['TIMEOUT', 'NODE_FAIL', 'PREEMPTED', 'OUT_OF_MEMORY', 'DEADLINE', 'BOOT_FAIL', 'CANCELLED']);

export function jobPhase(state: string): JobPhase {
  const base = state.split(/\s|\+/)[0];
  if (PENDING.has(base)) return 'pending';
  if (RUNNING.has(base)) return 'running';
  return 'done';
}

/** What a finished job's state and exit say. `cancelledByUs`: cairn itself scancelled it (an interrupt). */
export function jobEnd(state: string, exit: { code: number | null; signal: number }, cancelledByUs: boolean): {
  ok: boolean; exitCode: number | null; signal: NodeJS.Signals | null; interrupted: boolean; killedBy?: SchedulerKill;
} {
  const base = state.split(/\s|\+/)[0];
  const signal = exit.signal ? (Object.entries(constants.signals).find(([, n]) => n === exit.signal)?.[0] as NodeJS.Signals | undefined) ?? null : null;
  const exitCode = exit.signal ? null : exit.code;
  if (base === 'COMPLETED') return { ok: exitCode === 0, exitCode, signal, interrupted: false };
  if (base === 'CANCELLED' && cancelledByUs) return { ok: false, exitCode, signal, interrupted: true };
  if (KILLS.has(base as SchedulerKill)) return { ok: false, exitCode, signal, interrupted: false, killedBy: base as SchedulerKill };
  return { ok: false, exitCode: exitCode === 0 && !signal ? null : exitCode, signal, interrupted: false };
}

/** `ExitCode=3:0` of scontrol (code:signal). */
export function parseExitCode(text: string | undefined): { code: number; signal: number } | null {
  const m = /^(\d+):(\d+)$/.exec(text ?? '');
  return m ? { code: Number(m[1]), signal: Number(m[2]) } : null;
}

/** squeue's raw wait status as code and signal. */
export const fromWaitStatus = (status: number) => ({ code: (status >> 8) & 0xff, signal: status & 0x7f });
