import { existsSync } from 'node:fs';
import type { Repo } from '../../core/repo.js';
import type { SqlClient } from '../../core/sql/sqlClient.js';
import type { GcPlan } from '../../data/gc.js';
import { defaultTrackingPath, openTrackingStore } from '../../tracking/openTrackingStore.js';
import { searchAllRuns } from '../../tracking/trackingOps.js';
import { indexedOids } from '../../server/artifacts/artifactIndex.js';

/**
 * Takes the objects that runs of the repository's tracking store use as artifacts (deleted runs too: they can be
 * restored), and the files a `cairn server` over this store keeps in the cache (its artifact index), out of a gc plan. The data layer cannot read the tracking store, so the CLI joins the two here.
 */
export async function keepRunArtifacts(repo: Repo, plan: GcPlan): Promise<{ plan: GcPlan; kept: number }> {
  const uri = repo.config.tracking.uri;
  // Only a store in this repository keeps its artifacts in this cache; never create one just to ask.
  if (plan.remove.length === 0 || (!uri && !existsSync(defaultTrackingPath(repo.cairnDir)))) return { plan, kept: 0 };
  if (uri && /^(postgres|postgresql|https?):/i.test(uri)) return { plan, kept: 0 };
  const store = await openTrackingStore({ uri, cairnDir: repo.cairnDir, cwd: repo.root });
  try {
    const used = new Set<string>();
    for (const run of await searchAllRuns(store, { run_view_type: 'ALL' })) {
      for (const a of await store.listArtifacts(run.info.run_id)) used.add(a.oid);
    }
    const sql = (store as Partial<{ sqlClient: SqlClient }>).sqlClient;
    if (sql) for (const oid of await indexedOids(sql)) used.add(oid);
    const remove = plan.remove.filter((o) => !used.has(o.oid));
    const kept = plan.remove.filter((o) => used.has(o.oid));
    const keptBytes = kept.reduce((sum, o) => sum + o.size, 0);
    return {
      plan: { remove, removeBytes: plan.removeBytes - keptBytes, keep: plan.keep + kept.length, keepBytes: plan.keepBytes + keptBytes },
      kept: kept.length,
    };
  } finally {
    await store.close();
  }
}
