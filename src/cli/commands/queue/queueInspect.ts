import { createReadStream, existsSync, statSync } from 'node:fs';
import { CairnError } from '../../../core/errors.js';
import { openRepo } from '../../../core/repo.js';
import { listQueued } from '../../../experiments/queue/queueExperiments.js';
import { isAlive, queueLogPath, readQueueStates } from '../../../experiments/queue/queueState.js';
import { textTable } from '../../../pipeline/metrics.js';
import type { CliContext, CommandResult } from '../../commandSpec.js';

const ago = (ms: number) => {
  const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
  return s < 60 ? `${s} s ago` : s < 3600 ? `${Math.round(s / 60)} min ago` : `${Math.round(s / 3600)} h ago`;
};

/** `cairn queue status`: queued entries, then what workers did with the others (a dead worker's run shows as crashed). */
export async function queueStatus(ctx: CliContext): Promise<CommandResult> {
  const repo = await openRepo({ cwd: ctx.cwd, env: ctx.env });
  const queued = await listQueued(repo);
  const states = readQueueStates(repo).map((s) => (s.status === 'running' && !isAlive(s.pid) ? { ...s, status: 'crashed' as const } : s));
  const rows = [
    ...queued.map((q) => [q.name, 'queued', ago(q.queued), q.changes.map((c) => `${c.op === 'delete' ? '~' : ''}${c.key}${c.op === 'delete' ? '' : `=${JSON.stringify(c.value)}`}`).join(' ')]),
    ...states.sort((a, b) => a.started - b.started).map((s) => [s.name, s.status, ago(s.started), s.error?.message ?? (s.commit ? s.commit.slice(0, 7) : '')]),
  ];
  const data = { queued: queued.map(({ name, changes, queued: at, baseline }) => ({ name, changes, queued: at, baseline })), workers: states };
  return { data, text: rows.length ? textTable(['Experiment', 'Status', 'Since', 'Details'], rows) : ['The queue is empty.'] };
}

/** `cairn queue logs NAME [-f]`. */
export async function queueLogs(ctx: CliContext, name: string, opts: Record<string, unknown>): Promise<CommandResult> {
  const repo = await openRepo({ cwd: ctx.cwd, env: ctx.env });
  const file = queueLogPath(repo, name);
  if (!existsSync(file)) {
    const queued = (await listQueued(repo)).some((q) => q.name === name);
    throw new CairnError('NOT_FOUND', queued ? `${name} has not started yet, so it has no log` : `no log for an experiment named "${name}"`, { hint: '`cairn queue status` lists the queue' });
  }
  let offset = 0;
  const copy = () => new Promise<void>((resolve) => {
    const size = statSync(file).size;
    if (size <= offset) return resolve();
    createReadStream(file, { start: offset, end: size - 1 }).on('end', resolve).pipe(process.stdout, { end: false });
    offset = size;
  });
  await copy();
  const running = () => readQueueStates(repo).some((s) => s.name === name && s.status === 'running' && isAlive(s.pid));
  while (opts.follow && running() && !ctx.signal?.aborted) {
    await new Promise((r) => setTimeout(r, 300));
    await copy();
  }
  await copy();
  return { data: { name, log: file } };
}
