import path from 'node:path';
import { CairnError, redactSecrets } from '../core/errors.js';
import { SqliteTrackingStore } from './sqlite/sqliteTrackingStore.js';
import type { TrackingStore } from './trackingStore.js';

export interface OpenTrackingStoreOptions {
  /** `sqlite:///abs/path`, a plain path (relative to `cwd`), `postgresql://user:password@host/db`, or empty for the repository's default. */
  uri?: string;
  /** The repository's `.cairn` folder: the default store is `.cairn/tracking.db`. */
  cairnDir?: string;
  cwd: string;
  /** Who runs are created by when a request names no user. */
  user?: string;
}

/** The default store of a repository. */
export function defaultTrackingPath(cairnDir: string): string {
  return path.join(cairnDir, 'tracking.db');
}

/**
 * Opens the tracking store a URI names, choosing the backend by scheme (DESIGN.md's URI rule): the caller resolves
 * the URI from `--tracking-uri`, `CAIRN_TRACKING_URI` or config `tracking.uri` before calling.
 */
export async function openTrackingStore(options: OpenTrackingStoreOptions): Promise<TrackingStore> {
  const uri = options.uri?.trim() ?? '';
  if (uri === '') {
    if (!options.cairnDir) {
      throw new CairnError('USAGE', 'no tracking store: this is not a cairn repository and tracking.uri is not set', {
        hint: 'run `cairn init`, or set CAIRN_TRACKING_URI (for example sqlite:///tmp/runs.db)',
      });
    }
    return SqliteTrackingStore.open({ file: defaultTrackingPath(options.cairnDir), user: options.user });
  }
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(uri)?.[1]?.toLowerCase();
  if (scheme === undefined || scheme.length === 1 /* a Windows drive letter */) {
    return SqliteTrackingStore.open({ file: path.resolve(options.cwd, uri), user: options.user });
  }
  if (scheme === 'sqlite') {
    // sqlite:///abs/path (SQLAlchemy's form, as MLflow writes it); sqlite://rel/path is relative to cwd.
    const rest = uri.slice('sqlite://'.length);
    if (!uri.startsWith('sqlite://') || rest === '') throw badUri(uri, 'write sqlite:///absolute/path/tracking.db');
    const file = rest === ':memory:' || rest === '/:memory:' ? ':memory:' : rest.startsWith('/') ? rest : path.resolve(options.cwd, rest);
    return SqliteTrackingStore.open({ file, user: options.user });
  }
  if (scheme === 'postgresql' || scheme === 'postgres') {
    // Loaded only when used: the embedded store's users never load node-postgres.
    const { PostgresTrackingStore } = await import('./postgres/postgresTrackingStore.js');
    return PostgresTrackingStore.open({ uri, user: options.user });
  }
  if (scheme === 'http' || scheme === 'https') {
    throw new CairnError('USAGE', `the ${scheme} tracking store (${redactSecrets(uri)}) is not available yet in this version of cairn`, {
      hint: 'use the embedded store: unset tracking.uri / CAIRN_TRACKING_URI, or set it to sqlite:///path/tracking.db',
    });
  }
  throw badUri(uri, 'use sqlite:///path, a plain file path, postgresql://... or http(s)://...');
}

function badUri(uri: string, hint: string): CairnError {
  return new CairnError('USAGE', `unsupported tracking URI "${redactSecrets(uri)}"`, { hint });
}
