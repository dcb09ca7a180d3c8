import assert from 'node:assert/strict';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { sqliteClient } from '../../src/core/sql/sqliteClient.js';

test('transactions started together on one SQLite client run one after another, none inside another', async (t) => {
  const db = new Database(':memory:');
  t.after(() => db.close());
  const sql = sqliteClient(db);
  await sql.run('CREATE TABLE t (n INTEGER)');
  // Before the gate took itself in the same turn it saw itself free, the second of these began inside the first
  // ("cannot start a transaction within a transaction").
  await Promise.all(
    Array.from({ length: 5 }, () =>
      sql.tx(async (s) => {
        const { n } = (await s.get<{ n: number }>('SELECT count(*) AS n FROM t'))!;
        await s.run('INSERT INTO t VALUES (?)', [n]);
      }),
    ),
  );
  assert.deepEqual((await sql.all<{ n: number }>('SELECT n FROM t ORDER BY n')).map((r) => r.n), [0, 1, 2, 3, 4], 'each saw the rows of the ones before');
});

test('a statement outside a transaction never lands inside one that is open, so a rollback cannot take it along', async (t) => {
  const db = new Database(':memory:');
  t.after(() => db.close());
  const sql = sqliteClient(db);
  await sql.run('CREATE TABLE t (n INTEGER)');
  const failing = sql.tx(async (s) => {
    await s.run('INSERT INTO t VALUES (1)');
    await new Promise((resolve) => setImmediate(resolve));
    throw new Error('roll back');
  });
  const outside = sql.run('INSERT INTO t VALUES (2)');
  await assert.rejects(failing, /roll back/);
  await outside;
  assert.deepEqual((await sql.all<{ n: number }>('SELECT n FROM t')).map((r) => r.n), [2]);
});
