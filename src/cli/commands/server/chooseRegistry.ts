import { CairnError } from '../../../core/errors.js';
import type { Repo } from '../../../core/repo.js';
import { loadPipeline } from '../../../pipeline/loadPipeline.js';
import { GitTagRegistryStore } from '../../../registry/git/gitTagRegistryStore.js';
import { readRegistry } from '../../../registry/git/readRegistry.js';
import type { ModelRegistryStore } from '../../../registry/modelRegistryStore.js';
import type { TrackingStore } from '../../../tracking/trackingStore.js';

/**
 * Which registry the server's MLflow routes use (docs/server.md): `git` — the repository's Git tags; `db` — the
 * server's database; `auto` (the default) — git when the server runs in a Git repository whose cairn.yaml declares
 * `artifacts:` or whose tags already hold a registry, db otherwise. Null means the database registry.
 */
export async function chooseRegistry(kind: string | undefined, repo: Repo | null, tracking?: Pick<TrackingStore, 'getRun'>): Promise<ModelRegistryStore | null> {
  const choice = kind ?? 'auto';
  if (!['auto', 'git', 'db'].includes(choice)) throw new CairnError('USAGE', `--registry ${choice}: expected git, db or auto`, { hint: 'e.g. --registry git' });
  if (choice === 'db') return null;
  if (!repo?.git) {
    if (choice === 'git') throw new CairnError('USAGE', '--registry git needs a cairn repository in Git, and the server is not started in one', { hint: 'start the server inside the repository, or use --registry db' });
    return null;
  }
  if (choice === 'auto') {
    const declared = (await loadPipeline(repo).catch(() => null))?.artifacts.size ?? 0;
    if (declared === 0 && (await readRegistry(repo.root)).size === 0) return null;
  }
  return new GitTagRegistryStore(repo, tracking ? { getRun: (id) => tracking.getRun(id) } : {});
}
