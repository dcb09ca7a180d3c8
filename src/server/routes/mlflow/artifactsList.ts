import { decodePageToken, encodePageToken } from '../../../tracking/pageToken.js';
import { checkArtifactPath } from '../../../tracking/validate.js';
import { optionalString } from '../input.js';
import type { MlflowRoute } from '../route.js';
import { requestRunId } from './wire.js';

/** Entries of one artifacts/list page. */
const LIST_PAGE = 1000;

interface FileInfo {
  path: string;
  is_dir: boolean;
  file_size?: number;
}

/** The entries one level below `dir` (the root when empty), directories first seen at their first file, by path. */
export function listOneLevel(artifacts: Array<{ path: string; size: number }>, dir: string): FileInfo[] {
  const prefix = dir === '' ? '' : `${dir}/`;
  const out: FileInfo[] = [];
  const dirs = new Set<string>();
  for (const a of artifacts) {
    if (!a.path.startsWith(prefix)) continue;
    const rest = a.path.slice(prefix.length);
    const slash = rest.indexOf('/');
    if (slash === -1) {
      out.push({ path: a.path, is_dir: false, file_size: a.size });
    } else {
      const sub = prefix + rest.slice(0, slash);
      if (!dirs.has(sub)) {
        dirs.add(sub);
        out.push({ path: sub, is_dir: true });
      }
    }
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export const artifactListRoutes: MlflowRoute[] = [
  {
    method: 'GET',
    path: 'artifacts/list',
    async handler(input, ctx) {
      const runId = requestRunId(input);
      const raw = (optionalString(input, 'path') ?? '').replace(/^\/+|\/+$/g, '');
      const dir = raw === '' ? '' : checkArtifactPath(raw);
      const run = await ctx.tracking.getRun(runId);
      // A path that names a file lists nothing, as MLflow's artifact repositories answer.
      const files = listOneLevel(await ctx.tracking.listArtifacts(runId, dir || undefined), dir);
      const query = JSON.stringify([runId, dir]);
      const offset = decodePageToken(optionalString(input, 'page_token') || undefined, query);
      const page = files.slice(offset, offset + LIST_PAGE);
      return {
        root_uri: run.info.artifact_uri,
        files: page,
        ...(files.length > offset + LIST_PAGE ? { next_page_token: encodePageToken(offset + LIST_PAGE, query) } : {}),
      };
    },
  },
];
