import type { SqlClient } from '../core/sql/sqlClient.js';
import type { ModelRegistryStore } from '../registry/modelRegistryStore.js';
import type { ArtifactStore } from './artifacts/artifactStore.js';
import type { Repo } from '../core/repo.js';
import type { TrackingStore } from '../tracking/trackingStore.js';
import type { TokenStore } from './auth/tokenStore.js';

/** One structured log line of the server (a request, a start, a failure); the CLI writes them as JSON lines. */
export interface ServerLogEntry {
  level: 'info' | 'warn' | 'error';
  msg: string;
  [field: string]: unknown;
}

/** What every route gets: the stores, and how to log. Routes never open stores themselves. */
export interface ServerContext {
  tracking: TrackingStore;
  /** The same database as `tracking`, for the stores beside it (registry, logged models, tokens). */
  sql: SqlClient;
  /**
   * The model registry the MLflow registry routes use. Default: the SQL registry in `sql` (opened, and migrated, on
   * first use); a server attached to a repository can give the Git-tag registry instead.
   */
  registry?: ModelRegistryStore;
  /** The proxied artifact store (`--artifacts-destination`); without it the mlflow-artifacts routes are not served. */
  artifacts?: ArtifactStore;
  /** cairn's version, for /version and the native API. */
  version: string;
  /** When set, every non-public route needs a token of enough scope (see auth/authHook.ts); unset: no auth. */
  auth?: { tokens: TokenStore } | null;
  /** The repository the server was started in, for the native API's repo views; null or unset outside a repo. */
  repo?: Repo | null;
  /** The built web UI's folder (default: the package's dist/web); null serves no UI, only the APIs. */
  uiDir?: string | null;
  log(entry: ServerLogEntry): void;
  now(): number;
}
