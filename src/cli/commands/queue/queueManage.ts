import { CairnError } from '../../../core/errors.js';
import { openRepo } from '../../../core/repo.js';
import { deleteRef } from '../../../git/refs.js';
import { listQueued } from '../../../experiments/queue/queueExperiments.js';
import { isAlive, readQueueStates, removeQueueState } from '../../../experiments/queue/queueState.js';
import type { CliContext, CommandResult } from '../../commandSpec.js';

/** `cairn queue remove NAME... | --all`: queued entries are dropped; finished or failed ones are forgotten. */
export async function queueRemove(ctx: CliContext, names: string[], opts: Record<string, unknown>): Promise<CommandResult> {
  if (!names.length && !opts.all) throw new CairnError('USAGE', 'name the experiments to take off the queue, or use --all', { hint: '`cairn queue status` lists them' });
  const repo = await openRepo({ cwd: ctx.cwd, env: ctx.env });
  const queued = await listQueued(repo);
  const states = readQueueStates(repo);
  const running = states.filter((s) => s.status === 'running' && isAlive(s.pid)).map((s) => s.name);
  const known = new Set([...queued.map((q) => q.name), ...states.map((s) => s.name)]);
  const chosen = opts.all ? [...known].filter((n) => !running.includes(n)) : names;
  for (const n of chosen) {
    if (running.includes(n)) throw new CairnError('CONFLICT', `${n} is running`, { hint: `stop it first with \`cairn queue kill ${n}\``, data: { name: n } });
    if (!known.has(n)) throw new CairnError('NOT_FOUND', `nothing named "${n}" in the queue`, { hint: '`cairn queue status` lists the queue', data: { name: n } });
  }
  for (const n of chosen) {
    const q = queued.find((x) => x.name === n);
    if (q) await deleteRef(repo.root, q.ref);
    removeQueueState(repo, n);
  }
  return { data: { removed: chosen }, summary: [chosen.length ? `removed ${chosen.join(', ')} from the queue` : 'the queue is empty'] };
}

/** `cairn queue kill NAME...`: SIGTERM to the worker, whose repro stops its stages and records the run as killed. */
export async function queueKill(ctx: CliContext, names: string[]): Promise<CommandResult> {
  const repo = await openRepo({ cwd: ctx.cwd, env: ctx.env });
  const states = readQueueStates(repo);
  const targets = names.map((n) => {
    const s = states.find((x) => x.name === n && x.status === 'running' && isAlive(x.pid));
    if (!s) throw new CairnError('NOT_FOUND', `${n} is not running`, { hint: '`cairn queue status` shows what runs', data: { name: n } });
    return s;
  });
  for (const s of targets) process.kill(s.pid, 'SIGTERM');
  return { data: { killed: names }, summary: [`stopping ${names.join(', ')} (their stages get SIGTERM, then SIGKILL)`] };
}
