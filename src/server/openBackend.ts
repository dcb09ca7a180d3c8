import { CairnError, redactSecrets } from '../core/errors.js';
import type { SqlClient } from '../core/sql/sqlClient.js';
import { openTrackingStore } from '../tracking/openTrackingStore.js';
import type { TrackingStore } from '../tracking/trackingStore.js';

export interface Backend {
  tracking: TrackingStore;
  /** The same database, for the registry, logged models and tokens. */
  sql: SqlClient;
  close(): Promise<void>;
}

/** The database a server keeps everything in, by URI (a SQLite file or postgresql://); never another server. */
export async function openBackend(options: { uri: string; cwd: string; user?: string }): Promise<Backend> {
  if (/^https?:/i.test(options.uri)) {
    throw new CairnError('USAGE', `a server cannot keep its runs on another server (${redactSecrets(options.uri)})`, {
      hint: 'give --backend-store-uri a SQLite file (sqlite:///path/tracking.db) or postgresql://user@host/db',
    });
  }
  const tracking = await openTrackingStore({ uri: options.uri, cwd: options.cwd, user: options.user });
  const sql = (tracking as Partial<{ sqlClient: SqlClient }>).sqlClient;
  if (!sql) {
    await tracking.close();
    throw new CairnError('INTERNAL', `the tracking store ${tracking.displayUri} has no SQL connection for the server's other stores`);
  }
  return { tracking, sql, close: () => tracking.close() };
}
