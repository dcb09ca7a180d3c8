import { promises as fs } from 'node:fs';
import { openRepo, type Repo } from '../../../core/repo.js';
import { ObjectStore } from '../../../data/objectStore.js';
import { captureEnvironment } from '../../../experiments/captureEnvironment.js';
import { bundleModel } from '../../../registry/bundle/bundleModel.js';
import { SYSTEM_TAGS } from '../../../tracking/entities.js';
import type { CliContext, CommandResult } from '../../commandSpec.js';
import { openTracking } from '../../tracking/openTracking.js';

/**
 * The environment for the card: the one the version's run recorded (its environment.json artifact, or its parent
 * run's: `cairn repro` records it on the run of the whole invocation) when this repository's tracking store and
 * cache have it, else this machine's, marked as captured when bundling.
 */
async function environmentFor(ctx: CliContext, repo: Repo, runId: string | null): Promise<unknown> {
  if (runId) {
    try {
      const session = await openTracking(ctx);
      try {
        const run = await session.store.getRun(runId);
        const parent = run.data.tags.find((t) => t.key === SYSTEM_TAGS.parentRunId)?.value;
        for (const id of parent ? [runId, parent] : [runId]) {
          const artifact = (await session.store.listArtifacts(id)).find((a) => a.path === 'environment.json');
          if (artifact?.oid) return { source: `run ${id}`, ...JSON.parse(await fs.readFile(new ObjectStore(repo.cacheDir).path(artifact.oid), 'utf8')) };
        }
      } finally {
        await session.store.close();
      }
    } catch {
      // The run is on another machine or server: fall back to this one.
    }
  }
  const { pip_freeze: _freeze, ...env } = await captureEnvironment(repo.root, ctx.env);
  return { source: 'captured when the bundle was made', ...env };
}

export async function modelBundle(ctx: CliContext, ref: string, opts: Record<string, unknown>): Promise<CommandResult> {
  const repo = await openRepo({ cwd: ctx.cwd, env: ctx.env });
  const r = await bundleModel({
    repo,
    ref,
    out: opts.out as string,
    force: Boolean(opts.force),
    environment: (runId) => environmentFor(ctx, repo, runId),
    ctx,
  });
  return {
    data: r,
    summary: [`bundled ${r.card.name} ${r.card.version} (${r.card.commit.slice(0, 12)}) into ${r.out}: ${r.card.files.length} model file${r.card.files.length === 1 ? '' : 's'} and its model card`],
  };
}
