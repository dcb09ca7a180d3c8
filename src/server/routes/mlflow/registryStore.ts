import type { SqlClient } from '../../../core/sql/sqlClient.js';
import { openSqlModelRegistryStore } from '../../../registry/db/sqlModelRegistryStore.js';
import type { ModelRegistryStore } from '../../../registry/modelRegistryStore.js';
import type { ServerContext } from '../../serverContext.js';

const opened = new WeakMap<SqlClient, Promise<ModelRegistryStore>>();

/** The registry of a server: the one its context names, else the SQL registry in its database (migrated once). */
export function registryOf(ctx: ServerContext): Promise<ModelRegistryStore> {
  if (ctx.registry) return Promise.resolve(ctx.registry);
  let store = opened.get(ctx.sql);
  if (!store) {
    store = openSqlModelRegistryStore(ctx.sql, { now: ctx.now });
    opened.set(ctx.sql, store);
    // A failed migration is not remembered: the next request tries again (and reports the error again).
    store.catch(() => opened.delete(ctx.sql));
  }
  return store;
}
