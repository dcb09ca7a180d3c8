/**
 * The one contract both SqlClient adapters pass (src/core/sql): SQLite and PostgreSQL answer the same portable SQL
 * alike. A dialect's test file calls `runSqlClientContract('sqlite', makeClient)`; each case gets an empty database.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SqlClient, SqlMigration } from '../../src/core/sql/sqlClient.js';
import { rejectsWith } from './trackingStoreContract.js';

export interface SqlFixture {
  client: SqlClient;
  /** Another client on the same database (another pool, or the same connection where a second would deadlock). */
  second(): Promise<SqlClient>;
  cleanup(): Promise<void>;
}

const NOTES: SqlMigration[] = [
  { version: 1, description: 'notes', up: ['CREATE TABLE notes (id BIGINT PRIMARY KEY, body TEXT NOT NULL, at BIGINT NOT NULL, flag INTEGER)'] },
  {
    version: 2,
    description: 'note tags, typed per dialect',
    up: (dialect) => [`CREATE TABLE note_tags (note BIGINT NOT NULL, tag TEXT NOT NULL, PRIMARY KEY (note, tag))`, `CREATE INDEX note_tags_by_tag ON note_tags (tag) -- ${dialect}`],
  },
];

export function runSqlClientContract(name: string, makeClient: () => Promise<SqlFixture>): void {
  const withClient = (fn: (fixture: SqlFixture) => Promise<void>) => async () => {
    const fixture = await makeClient();
    try {
      await fn(fixture);
    } finally {
      await fixture.cleanup();
    }
  };

  describe(`SqlClient contract: ${name}`, () => {
    it('binds ? placeholders, returns integers as numbers, undefined for no row, and counts changes', withClient(async ({ client }) => {
      await client.migrate('notes', NOTES);
      const at = 1_700_000_000_123;
      assert.deepEqual(await client.run('INSERT INTO notes (id, body, at, flag) VALUES (?, ?, ?, ?), (?, ?, ?, ?)', [1, 'one', at, true, 2, "it's ?", at + 1, false]), { changes: 2 });
      assert.deepEqual(await client.all('SELECT id, body, at, flag FROM notes ORDER BY id'), [
        { id: 1, body: 'one', at, flag: 1 },
        { id: 2, body: "it's ?", at: at + 1, flag: 0 },
      ]);
      assert.deepEqual(await client.get('SELECT count(*) AS n, sum(at) AS total FROM notes WHERE body <> ?', ['none']), { n: 2, total: 2 * at + 1 });
      assert.equal(await client.get('SELECT id FROM notes WHERE id = ?', [99]), undefined);
      assert.deepEqual(await client.get("SELECT '?' AS mark, CAST(? AS TEXT) AS bound", ['x']), { mark: '?', bound: 'x' });
      assert.deepEqual(await client.run('UPDATE notes SET flag = ? WHERE id > ?', [null, 1]), { changes: 1 });
      assert.deepEqual(await client.get('SELECT flag FROM notes WHERE id = 2'), { flag: null });
    }));

    it('speaks ON CONFLICT ... DO UPDATE / DO NOTHING and RETURNING alike', withClient(async ({ client }) => {
      await client.migrate('notes', NOTES);
      const upsert = 'INSERT INTO notes (id, body, at) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET body = excluded.body RETURNING id, body';
      assert.deepEqual(await client.all(upsert, [7, 'first', 1]), [{ id: 7, body: 'first' }]);
      assert.deepEqual(await client.all(upsert, [7, 'second', 2]), [{ id: 7, body: 'second' }]);
      assert.deepEqual(await client.run('INSERT INTO notes (id, body, at) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING', [7, 'third', 3]), { changes: 0 });
      assert.deepEqual(await client.get('SELECT body, at FROM notes WHERE id = 7'), { body: 'second', at: 1 });
    }));

    it('commits a transaction that resolves and rolls back one that throws, nested calls included', withClient(async ({ client }) => {
      await client.migrate('notes', NOTES);
      const id = await client.tx(async (sql) => {
        await sql.run('INSERT INTO notes (id, body, at) VALUES (1, ?, 0)', ['kept']);
        return sql.tx(async (inner) => (await inner.get<{ id: number }>('SELECT id FROM notes WHERE body = ?', ['kept']))!.id);
      });
      assert.equal(id, 1);
      await assert.rejects(
        client.tx(async (sql) => {
          await sql.run('INSERT INTO notes (id, body, at) VALUES (2, ?, 0)', ['lost']);
          await sql.run("INSERT INTO note_tags (note, tag) VALUES (2, 'x')");
          throw new Error('changed my mind');
        }),
        /changed my mind/,
      );
      assert.deepEqual(await client.all('SELECT body FROM notes'), [{ body: 'kept' }]);
      assert.deepEqual(await client.all('SELECT tag FROM note_tags'), []);
      await rejectsWith(client.tx((sql) => sql.migrate('notes', NOTES)), 'INTERNAL', /inside a transaction/);
    }));

    it('applies each migration of a lineage once, in order, apart from other lineages', withClient(async ({ client }) => {
      await client.migrate('notes', NOTES.slice(0, 1));
      await client.run('INSERT INTO notes (id, body, at) VALUES (1, ?, 0)', ['survives']);
      await client.migrate('notes', NOTES);
      await client.migrate('notes', NOTES);
      await client.migrate('other', [{ version: 1, description: 'other', up: ['CREATE TABLE other_things (id BIGINT PRIMARY KEY)'] }]);
      const applied = await client.all<{ lineage: string; version: number }>('SELECT lineage, version FROM cairn_migrations ORDER BY lineage, version');
      assert.deepEqual(applied.map((r) => `${r.lineage}@${r.version}`), ['notes@1', 'notes@2', 'other@1']);
      assert.deepEqual(await client.all('SELECT body FROM notes'), [{ body: 'survives' }]);
      assert.deepEqual(await client.run("INSERT INTO note_tags (note, tag) VALUES (1, 'a')"), { changes: 1 });
    }));

    it('leaves nothing of a migration that fails, and refuses a schema newer than it knows', withClient(async ({ client }) => {
      const broken: SqlMigration[] = [{ version: 1, description: 'half', up: ['CREATE TABLE half_done (id BIGINT)', 'CREATE TABLE half_done (id BIGINT)'] }];
      await assert.rejects(client.migrate('broken', broken));
      assert.equal(await client.get("SELECT version FROM cairn_migrations WHERE lineage = 'broken'").catch(() => undefined), undefined);
      await client.run('CREATE TABLE half_done (id BIGINT)');
      await client.migrate('notes', NOTES);
      await client.run("INSERT INTO cairn_migrations (lineage, version, description, applied_time) VALUES ('notes', 9, 'future', 0)");
      await rejectsWith(client.migrate('notes', NOTES), 'INTEGRITY', /notes schema is version 9, newer than this cairn knows \(2\)/);
    }));

    it('two clients migrating one empty database at once apply each version once', withClient(async ({ client, second }) => {
      const other = await second();
      await Promise.all([client.migrate('notes', NOTES), other.migrate('notes', NOTES), client.migrate('notes', NOTES)]);
      const applied = await other.all<{ version: number }>("SELECT version FROM cairn_migrations WHERE lineage = 'notes' ORDER BY version");
      assert.deepEqual(applied.map((r) => r.version), [1, 2]);
    }));
  });
}
