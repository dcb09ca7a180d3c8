import path from 'node:path';
import Database from 'better-sqlite3';
import { sqliteClient } from '../../src/core/sql/sqliteClient.js';
import { tempDir } from '../helpers/cli.js';
import { runSqlClientContract } from './sqlClientContract.js';

runSqlClientContract('sqlite', async () => {
  const tmp = tempDir('cairn-sql-');
  const db = new Database(path.join(tmp.dir, 'test.db'));
  // A second connection in this process would wait synchronously on the first's lock: the second client shares the
  // connection (and its gate), as the server's stores do.
  return { client: sqliteClient(db), second: async () => sqliteClient(db), cleanup: async () => { db.close(); tmp.cleanup(); } };
});
