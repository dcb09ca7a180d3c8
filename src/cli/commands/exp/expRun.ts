import { CairnError } from '../../../core/errors.js';
import { openRepo } from '../../../core/repo.js';
import { checkExpName, generateExpName } from '../../../experiments/expNames.js';
import { listExperiments } from '../../../experiments/listExperiments.js';
import { expandGrid, parseOverride } from '../../../experiments/overrides.js';
import { runExperiment, type ExperimentResult } from '../../../experiments/runExperiment.js';
import { linePrefixer } from '../../../pipeline/executor.js';
import { formatValue } from '../../../pipeline/metrics.js';
import type { CliContext, CommandResult } from '../../commandSpec.js';
import { positiveInt } from '../../positiveInt.js';

/** Runs `work` over `items`, at most `limit` at a time, in order of start; results keep the items' order. */
async function pool<T, R>(items: T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<PromiseSettledResult<R>[]> {
  const results: PromiseSettledResult<R>[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i], i).then((value) => ({ status: 'fulfilled', value }) as const, (reason) => ({ status: 'rejected', reason }) as const);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

function describe(r: ExperimentResult): string {
  const metrics = Object.entries(r.summary.metrics).flatMap(([, v]) => Object.entries(v)).slice(0, 6).map(([k, v]) => `${k}=${formatValue(v)}`);
  const ran = r.repro.stages.filter((s) => s.outcome === 'ran').length;
  const restored = r.repro.stages.filter((s) => s.outcome === 'restored').length;
  return `experiment ${r.name} saved (${r.commit.slice(0, 7)}; ${ran} stage(s) ran, ${restored} restored from the run cache)${metrics.length ? `: ${metrics.join(' ')}` : ''}`;
}

export async function expRun(ctx: CliContext, targets: string[], opts: Record<string, unknown>): Promise<CommandResult> {
  const overrides = ((opts.setParam as string[] | undefined) ?? []).map(parseOverride);
  const grid = expandGrid(overrides);
  const jobs = positiveInt(opts.jobs, '--jobs', 'cairn exp run -S lr=0.1,0.01 -j 2') ?? 1;
  if (opts.inPlace && grid.length > 1) {
    throw new CairnError('USAGE', `--in-place runs one experiment, but the -S sweeps make ${grid.length}`, { hint: 'drop --in-place (each experiment gets its own copy), or give single values' });
  }
  if (opts.queue) return (await import('../queue/queueAdd.js')).queueAdd(ctx, { grid, targets, name: opts.name as string | undefined });
  const repo = await openRepo({ cwd: ctx.cwd, env: ctx.env });
  const taken = new Set((await listExperiments(repo)).map((e) => e.name));
  const base = opts.name === undefined ? undefined : checkExpName(String(opts.name));
  const names = grid.map((_, i) => {
    const name = base === undefined ? generateExpName(taken) : grid.length > 1 ? `${base}-${i + 1}` : base;
    taken.add(name);
    return name;
  });
  const parallel = jobs > 1 && grid.length > 1;
  const results = await pool(grid, jobs, async (changes, i) => {
    if (grid.length > 1) ctx.info(`experiment ${names[i]}: ${changes.map((c) => (c.op === 'delete' ? `~${c.key}` : `${c.key}=${formatValue(c.value)}`)).join(' ') || 'no changes'}`);
    const write = (stream: 'stdout' | 'stderr') => (text: string) => (ctx.json || stream === 'stderr' ? process.stderr : process.stdout).write(text);
    // Several experiments at once: whole lines, prefixed, so their output can be told apart.
    const prefixed = parallel ? { stdout: linePrefixer(`[${names[i]}] `, write('stdout')), stderr: linePrefixer(`[${names[i]}] `, write('stderr')) } : null;
    try {
      return await runExperiment(repo, ctx, {
        name: names[i], changes, targets, inPlace: Boolean(opts.inPlace), force: Boolean(opts.force), runCache: opts.runCache !== false,
        onOutput: (text, stream) => (prefixed ? prefixed[stream].push(text) : write(stream)(text)),
      });
    } finally {
      prefixed?.stdout.flush();
      prefixed?.stderr.flush();
    }
  });
  const done = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [{ name: names[i], error: r.reason as Error }] : []));
  for (const d of done) if (d.missingData.length) ctx.warn(`experiment ${d.name}: not in the cache, so not in its copy: ${d.missingData.join(', ')} (run \`cairn pull\` first)`);
  if (failed.length === results.length && failed.length === 1) throw failed[0].error;
  const text = [...done.map(describe), ...failed.map((f) => `experiment ${f.name} failed: ${f.error.message}`)];
  if (done.length) text.push('', `See them with \`cairn exp show\`; bring one into the workspace with \`cairn exp apply ${done[0].name}\`.`);
  const data = {
    experiments: done.map((d) => ({ ...d.summary, ref: d.ref, commit: d.commit, stages: d.repro.stages.map((s) => ({ stage: s.stage, outcome: s.outcome })) })),
    failed: failed.map((f) => ({ name: f.name, error: f.error instanceof CairnError ? f.error.toJSON() : { code: 'INTERNAL', message: f.error.message } })),
  };
  return { data, summary: text, exitCode: failed.length ? 12 : 0 };
}
