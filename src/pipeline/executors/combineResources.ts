import type { Stage, StageResources } from '../types.js';

const UNIT: Record<string, number> = { K: 1 / 1024, M: 1, G: 1024, T: 1024 * 1024 };
/** Megabytes of a Slurm memory size (`16G`, `512`, `100M`). */
const megabytes = (mem: string) => parseFloat(mem) * (UNIT[mem.slice(-1).toUpperCase()] ?? 1);
/** Minutes of a Slurm time limit (`90`, `30:00`, `2:00:00`, `1-12`). */
export function minutes(time: string): number {
  const [days, rest] = time.includes('-') ? [Number(time.split('-')[0]), time.split('-')[1]] : [0, time];
  const parts = rest.split(':').map(Number);
  const clock = time.includes('-')
    ? (parts[0] ?? 0) * 60 + (parts[1] ?? 0) + (parts[2] ?? 0) / 60
    : parts.length === 1 ? parts[0] : parts.length === 2 ? parts[0] + parts[1] / 60 : parts[0] * 60 + parts[1] + parts[2] / 60;
  return days * 24 * 60 + clock;
}
const gpuCount = (gpus: string) => Number(gpus.split(':').at(-1));

/**
 * What one job running a whole pipeline needs (a queued experiment): the most CPUs, memory and GPUs of any stage,
 * the sum of their time limits (none when a stage has none), the partition when every stage that names one agrees,
 * and every raw sbatch option once. Pure.
 */
export function combineResources(stages: Stage[]): StageResources | undefined {
  const all = stages.map((s) => s.resources).filter((r): r is StageResources => Boolean(r));
  if (all.length === 0) return undefined;
  const out: StageResources = {};
  const cpus = Math.max(0, ...all.map((r) => r.cpus ?? 0));
  if (cpus) out.cpus = cpus;
  const mem = all.map((r) => r.mem).filter((m): m is string => Boolean(m)).sort((a, b) => megabytes(b) - megabytes(a))[0];
  if (mem) out.mem = mem;
  const gpus = all.map((r) => r.gpus).filter((g): g is string => Boolean(g)).sort((a, b) => gpuCount(b) - gpuCount(a))[0];
  if (gpus) out.gpus = gpus;
  if (all.length === stages.length && all.every((r) => r.time)) out.time = String(Math.ceil(all.reduce((sum, r) => sum + minutes(r.time!), 0)));
  const partitions = [...new Set(all.map((r) => r.partition).filter(Boolean))];
  if (partitions.length === 1) out.partition = partitions[0];
  const sbatch = [...new Set(all.flatMap((r) => r.sbatch ?? []))];
  if (sbatch.length) out.sbatch = sbatch;
  return out;
}
