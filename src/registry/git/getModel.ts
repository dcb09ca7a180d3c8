import type { RunContext } from '../../core/context.js';
import { CairnError } from '../../core/errors.js';
import { getData, type GetResult } from '../../remote/getData.js';
import { resolveModelRef, type ResolvedModelRef } from './resolveModelRef.js';

export interface GetModelOptions {
  /** `NAME`, `NAME@vX.Y.Z` or `NAME#ALIAS`. */
  ref: string;
  /** The repository whose registry to read: a Git URL or a local path (this repository's root by default). */
  url: string;
  out?: string;
  force?: boolean;
  jobs?: number;
  ctx: RunContext;
}

/**
 * `cairn model get`: resolves the reference in the repository's tags (a throw-away bare clone of it, so another
 * repository needs no permanent clone), then downloads that version's files at its commit from the repository's
 * cache or data remote, as `cairn get` does.
 */
export async function getModel(options: GetModelOptions): Promise<GetResult & { model: ResolvedModelRef }> {
  let model: ResolvedModelRef | undefined;
  const result = await getData({
    url: options.url,
    path: '',
    out: options.out,
    force: options.force,
    jobs: options.jobs,
    ctx: options.ctx,
    resolve: async (source) => {
      model = await resolveModelRef(source.gitDir, options.ref);
      if (!model.path) {
        throw new CairnError('NOT_FOUND', `${model.name} ${model.version} does not say which files it is`, {
          hint: `its tag has no cairn metadata and cairn.yaml at ${model.commit.slice(0, 12)} declares no artifacts: {${model.name}: {path: ...}}`,
          data: { model: model.name, version: model.version },
        });
      }
      return { rev: model.tag, commit: model.commit, path: model.path };
    },
  });
  return { ...result, model: model! };
}
