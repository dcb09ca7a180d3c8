import { git, headCommit } from '../../git/git.js';
import { SYSTEM_TAGS } from '../entities.js';

/**
 * MLflow's system tags for runs created by ingestion (a run's own tags, set by its client, win over these):
 * who (mlflow.user), what (mlflow.source.name, .type) and which code (mlflow.source.git.commit, .branch), so a run
 * found by commit in MLflow's tools is found here too. The commit is the repository's HEAD at ingestion.
 */
export async function runSystemTags(options: { cwd: string; user?: string; sourceName?: string; git: boolean }): Promise<Record<string, string>> {
  const tags: Record<string, string> = { [SYSTEM_TAGS.sourceType]: 'LOCAL' };
  if (options.user) tags[SYSTEM_TAGS.user] = options.user;
  if (options.sourceName) tags[SYSTEM_TAGS.sourceName] = options.sourceName;
  if (!options.git) return tags;
  const commit = await headCommit(options.cwd).catch(() => null);
  if (commit) tags[SYSTEM_TAGS.gitCommit] = commit;
  const branch = await git(options.cwd, ['symbolic-ref', '--quiet', '--short', 'HEAD'], { allowFail: true }).catch(() => null);
  if (branch && branch.code === 0 && branch.stdout.trim()) tags[SYSTEM_TAGS.gitBranch] = branch.stdout.trim();
  return tags;
}
