import path from 'node:path';
import type { Command } from 'commander';
import { didYouMean } from '../../core/didYouMean.js';
import { CairnError } from '../../core/errors.js';
import type { Experiment, Run, ViewType } from '../../tracking/entities.js';
import { parseFilter, parseOrderBy, type FilterNode } from '../../tracking/filter/index.js';
import { HttpTrackingStore } from '../../tracking/http/httpTrackingStore.js';
import { uploadObject } from '../../tracking/http/serverBlobs.js';
import { trackingAuthFromEnv } from '../../tracking/http/trackingHttpClient.js';
import { pushRuns } from '../../tracking/pushRuns.js';
import { resolveRun, searchAllRuns } from '../../tracking/trackingOps.js';
import type { CliContext, CommandResult } from '../commandSpec.js';
import { plural } from '../output/plural.js';
import { jsonSafeRun, runDetails, runDuration, runsTable } from '../tracking/formatRuns.js';
import { ingestFiles, ingestPendingQuietly, openTracking, type TrackingSession } from '../tracking/openTracking.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function configure(cmd: Command): void {
  cmd
    .command('list')
    .description('List runs, newest first (pipelines, scripts and notebooks alike)')
    .option('-e, --experiment <name>', 'only runs of this experiment (repeatable)', collect)
    .option('-f, --filter <expr>', "MLflow's search syntax plus or/parentheses: \"metrics.acc > 0.9 and params.opt = 'adam'\"")
    .option('-o, --order-by <clause>', 'sort by a key, e.g. "metrics.acc DESC" (repeatable)', collect)
    .option('-n, --max <n>', 'show at most N runs (default 50)')
    .option('--all', 'include deleted runs')
    .option('--deleted', 'only deleted runs')
    .option('--json', 'print the runs as JSON');
  cmd.command('show').description('Show one run: params, latest metrics, tags, inputs, artifacts, duration').argument('<run-id>', 'the run id (or a unique prefix of 6+ characters)').option('--json', 'print the run as JSON');
  cmd.command('delete').description('Delete runs (soft: `cairn runs restore` brings them back)').argument('<run-id...>', 'run ids or unique prefixes').option('--json', 'print the result as JSON');
  cmd.command('restore').description('Restore deleted runs').argument('<run-id...>', 'run ids or unique prefixes').option('--json', 'print the result as JSON');
  cmd
    .command('push')
    .description('Upload runs recorded here to a cairn server, with their metrics, params, tags, inputs and artifacts; pushing again adds nothing')
    .argument('<server-url>', 'the server, e.g. http://tracking.example:5000')
    .argument('[run-ids...]', 'only these runs (ids or unique prefixes); default: every active run')
    .option('-e, --experiment <name>', 'only runs of this experiment (repeatable)', collect)
    .option('--all', 'deleted runs too (they are deleted on the server as well)')
    .option('--json', 'print what was pushed as JSON');
  cmd
    .command('ingest')
    .description('Ingest events files now (default: every pending file of the repository)')
    .argument('[files...]', 'events files (.jsonl) to ingest')
    .option('--json', 'print what was ingested as JSON');
}

export async function run(ctx: CliContext, args: string[], opts: Record<string, unknown>, cmd: Command): Promise<CommandResult> {
  const sub = cmd.name();
  if (!['list', 'show', 'delete', 'restore', 'ingest', 'push'].includes(sub)) {
    throw new CairnError('USAGE', 'runs needs a subcommand: list, show, delete, restore, ingest or push', { hint: 'see `cairn help runs`' });
  }
  const session = await openTracking(ctx);
  try {
    if (sub === 'ingest') return await ingestCommand(ctx, session, args);
    await ingestPendingQuietly(session, ctx);
    if (sub === 'list') return await listCommand(session, opts);
    if (sub === 'show') return await showCommand(session, args[0]);
    if (sub === 'push') return await pushCommand(ctx, session, args, opts);
    return await lifecycleCommand(session, args, sub as 'delete' | 'restore');
  } finally {
    await session.store.close();
  }
}

async function listCommand(session: TrackingSession, opts: Record<string, unknown>): Promise<CommandResult> {
  if (opts.all && opts.deleted) throw new CairnError('USAGE', '--all and --deleted cannot be combined', { hint: '--all shows active and deleted runs; --deleted only deleted ones' });
  const max = opts.max === undefined ? 50 : Number(opts.max);
  if (!Number.isSafeInteger(max) || max < 1) throw new CairnError('USAGE', `-n must be a positive whole number, not "${String(opts.max)}"`);
  const filter = (opts.filter as string | undefined) ?? '';
  const orderBy = (opts.orderBy as string[] | undefined) ?? [];
  // Parsed here too, so a mistake is reported before anything else and the table can show the keys it names.
  const parsed = parseFilter(filter);
  const order = orderBy.map((o) => parseOrderBy(o));
  const experiments = await experimentsByName(session, (opts.experiment as string[] | undefined) ?? []);
  const view: ViewType = opts.all ? 'ALL' : opts.deleted ? 'DELETED_ONLY' : 'ACTIVE_ONLY';
  const request = { experiment_ids: experiments.map((e) => e.experiment_id), filter, order_by: orderBy, run_view_type: view };
  const found = await searchAllRuns(session.store, request, max + 1);
  const runs = found.slice(0, max);
  const more = found.length > max;
  const data = { runs: runs.map(jsonSafeRun), truncated: more };
  if (runs.length === 0) return { data, text: [filter || experiments.length ? 'No runs match.' : 'No runs yet.'] };
  const names = new Map((await session.store.searchExperiments({ view_type: 'ALL', max_results: 50_000 })).experiments.map((e) => [e.experiment_id, e]));
  const columns = [...filterKeys(parsed), ...order.filter((o) => o.entity !== 'attribute' && o.entity !== 'dataset').map((o) => ({ entity: o.entity as 'metric', key: o.key }))];
  const unique = columns.filter((c, i) => columns.findIndex((d) => d.entity === c.entity && d.key === c.key) === i).slice(0, 3);
  const text = runsTable(runs, names, unique);
  if (more) text.push(`(showing the first ${plural(max, 'run')}; use -n to see more)`);
  return { data, text };
}

/** Metric, param and tag keys a filter tests, in order, for the table's extra columns. */
function filterKeys(node: FilterNode | null): Array<{ entity: 'metric' | 'param' | 'tag'; key: string }> {
  if (!node) return [];
  if (node.type !== 'compare') return node.items.flatMap(filterKeys);
  return node.entity === 'metric' || node.entity === 'param' || node.entity === 'tag' ? [{ entity: node.entity, key: node.key }] : [];
}

async function experimentsByName(session: TrackingSession, names: string[]): Promise<Experiment[]> {
  const out: Experiment[] = [];
  for (const name of names) {
    const exp = await session.store.getExperimentByName(name);
    if (!exp) {
      const all = (await session.store.searchExperiments({ view_type: 'ALL', max_results: 50_000 })).experiments.map((e) => e.name);
      const guess = didYouMean(name, all);
      throw new CairnError('NOT_FOUND', `no experiment named "${name}"`, {
        hint: guess ? `did you mean "${guess}"?` : `experiments: ${all.slice(0, 10).join(', ')}${all.length > 10 ? ', ...' : ''}`,
      });
    }
    out.push(exp);
  }
  return out;
}

async function showCommand(session: TrackingSession, id: string): Promise<CommandResult> {
  const found = await resolveRun(session.store, id);
  const artifacts = await session.store.listArtifacts(found.info.run_id);
  const experiment = await session.store.getExperiment(found.info.experiment_id).catch(() => undefined);
  const data = { ...(jsonSafeRun(found) as Run), artifacts, duration_ms: runDuration(found), experiment_name: experiment?.name ?? null };
  return { data, text: runDetails(found, experiment, artifacts) };
}

async function lifecycleCommand(session: TrackingSession, ids: string[], action: 'delete' | 'restore'): Promise<CommandResult> {
  // Every id is resolved before anything changes, so a typo in the third id leaves the first two alone.
  const runs = [];
  for (const id of ids) runs.push(await resolveRun(session.store, id));
  const changed: string[] = [];
  for (const r of runs) {
    if (action === 'delete') await session.store.deleteRun(r.info.run_id);
    else await session.store.restoreRun(r.info.run_id);
    changed.push(r.info.run_id);
  }
  const verb = action === 'delete' ? 'Deleted' : 'Restored';
  const text = runs.map((r) => `${verb} run ${r.info.run_id} (${r.info.run_name})`);
  if (action === 'delete') text.push('Deleted runs are hidden from `cairn runs list` (see them with --deleted); `cairn runs restore` brings them back.');
  return { data: { [action === 'delete' ? 'deleted' : 'restored']: changed }, text };
}

async function ingestCommand(ctx: CliContext, session: TrackingSession, files: string[]): Promise<CommandResult> {
  const report = await ingestFiles(session, files.length ? files : undefined, ctx.cwd);
  const rel = (f: string) => path.relative(ctx.cwd, f) || f;
  const text = report.results.map(
    (r) => `Ingested ${plural(r.lines, 'line')} (${plural(r.points, 'metric point')}) from ${rel(r.file)}${r.run_id ? ` into run ${r.run_id.slice(0, 8)}` : ''}${r.deleted ? '; the pending file is done and was removed' : ''}`,
  );
  if (report.results.length === 0 && report.errors.length === 0) {
    text.push(files.length ? 'Nothing to ingest: those pending files were already ingested and removed.' : 'Nothing to ingest: no pending events files.');
  }
  const data = { files: report.results, errors: report.errors.map((e) => ({ file: e.file, ...e.error.toJSON() })) };
  if (report.errors.length > 0) {
    for (const line of text) ctx.info(line);
    const [first, ...others] = report.errors;
    throw new CairnError(first.error.code, `${first.error.message}${others.length ? ` (and ${plural(others.length, 'other file')} failed)` : ''}`, { hint: first.error.hint, data: first.error.data, cause: first.error });
  }
  return { data, text };
}

async function pushCommand(ctx: CliContext, session: TrackingSession, args: string[], opts: Record<string, unknown>): Promise<CommandResult> {
  const [url, ...ids] = args;
  if (!/^https?:\/\//i.test(url ?? '')) {
    throw new CairnError('USAGE', `"${url ?? ''}" is not the URL of a cairn server`, { hint: 'cairn runs push http://host:5000 (the server `cairn server` started)' });
  }
  const target = await HttpTrackingStore.open({ uri: url, auth: trackingAuthFromEnv(ctx.env), user: session.user });
  try {
    if (target.displayUri === session.store.displayUri) {
      throw new CairnError('USAGE', `the runs here are already on ${target.displayUri} (tracking.uri points at it)`, { hint: 'push from a repository whose runs are recorded locally' });
    }
    let runs: Run[];
    if (ids.length) {
      runs = [];
      for (const id of ids) runs.push(await resolveRun(session.store, id));
    } else {
      const experiments = await experimentsByName(session, (opts.experiment as string[] | undefined) ?? []);
      runs = await searchAllRuns(session.store, { experiment_ids: experiments.map((e) => e.experiment_id), run_view_type: opts.all ? 'ALL' : 'ACTIVE_ONLY' });
    }
    const blobs = session.blobs;
    const result = await pushRuns({
      from: session.store,
      to: target,
      runs,
      uploadObject: (a) => {
        if (!blobs) throw new CairnError('NOT_FOUND', `artifact ${a.path} (object ${a.oid}) is not here: there is no cache outside a repository`, { hint: 'push from the repository the runs were recorded in' });
        return uploadObject(target.client, { oid: a.oid, size: a.size, open: () => blobs.open(a.oid), label: a.path });
      },
    });
    const data = { server: target.displayUri, ...result, run_ids: runs.map((r) => r.info.run_id) };
    return {
      data,
      summary: [`Pushed ${plural(result.runs, 'run')} to ${target.displayUri}: ${plural(result.points, 'metric point')}, ${plural(result.artifacts, 'artifact')} (${result.objects_uploaded} uploaded, the others were there already)`],
    };
  } finally {
    await target.close();
  }
}

