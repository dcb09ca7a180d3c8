import type Database from 'better-sqlite3';
import { CairnError } from '../errors.js';
import { migrationStatements, SQL_MIGRATIONS_TABLE, type SqlClient, type SqlMigration } from './sqlClient.js';

/**
 * Who holds a SQLite connection's transaction. The connection is shared with the synchronous tracking store, whose
 * writes would otherwise land inside an async transaction left open across `await`s (and vanish with its rollback):
 * both wait here until no async transaction is open.
 */
export class ConnectionGate {
  private held: Promise<void> | null = null;
  private release: (() => void) | null = null;

  /**
   * Runs the synchronous `fn` as soon as no async transaction is open, in the same turn that saw the gate free: after
   * `await idle()` a transaction could begin before the caller's next line runs, and the caller's write would join it.
   */
  async whenIdle<T>(fn: () => T | Promise<T>): Promise<T> {
    while (this.held) await this.held;
    return fn();
  }

  /** Takes the gate; the check and the take happen in one turn, so two waiters woken together cannot both take it. */
  async acquire(): Promise<void> {
    while (this.held) await this.held;
    this.held = new Promise((resolve) => (this.release = resolve));
  }

  free(): void {
    const release = this.release;
    this.held = null;
    this.release = null;
    release?.();
  }
}

const gates = new WeakMap<Database.Database, ConnectionGate>();

/** The gate of a connection (one per connection, shared by everything that uses it). */
export function connectionGate(db: Database.Database): ConnectionGate {
  let gate = gates.get(db);
  if (!gate) gates.set(db, (gate = new ConnectionGate()));
  return gate;
}

/** The SqlClient over a better-sqlite3 connection (the one the tracking store uses, so both see one database). */
export function sqliteClient(db: Database.Database): SqlClient {
  const statements = new Map<string, Database.Statement>();
  const prep = (sql: string) => {
    let stmt = statements.get(sql);
    if (!stmt) statements.set(sql, (stmt = db.prepare(sql)));
    return stmt;
  };
  const gate = connectionGate(db);

  // `inner` runs statements at once (inside a transaction that is already ours); `outer` waits for the gate first.
  const inner: SqlClient = {
    dialect: 'sqlite',
    async all<T>(sql: string, params: unknown[] = []) {
      return prep(sql).all(...bind(params)) as T[];
    },
    async get<T>(sql: string, params: unknown[] = []) {
      return prep(sql).get(...bind(params)) as T | undefined;
    },
    async run(sql: string, params: unknown[] = []) {
      const stmt = prep(sql);
      if (stmt.reader) return { changes: stmt.all(...bind(params)).length };
      return { changes: stmt.run(...bind(params)).changes };
    },
    tx: (fn) => fn(inner),
    migrate: () => Promise.reject(new CairnError('INTERNAL', 'migrations cannot run inside a transaction')),
  };

  const outer: SqlClient = {
    dialect: 'sqlite',
    all: (sql, params) => gate.whenIdle(() => inner.all(sql, params)),
    get: (sql, params) => gate.whenIdle(() => inner.get(sql, params)),
    run: (sql, params) => gate.whenIdle(() => inner.run(sql, params)),
    async tx(fn) {
      await gate.acquire();
      try {
        db.exec('BEGIN IMMEDIATE');
        try {
          const result = await fn(inner);
          db.exec('COMMIT');
          return result;
        } catch (err) {
          if (db.inTransaction) db.exec('ROLLBACK');
          throw err;
        }
      } finally {
        gate.free();
      }
    },
    async migrate(lineage: string, migrations: SqlMigration[]) {
      await outer.tx(async (sql) => {
        await sql.run(`CREATE TABLE IF NOT EXISTS ${SQL_MIGRATIONS_TABLE} (lineage TEXT NOT NULL, version INTEGER NOT NULL, description TEXT NOT NULL, applied_time INTEGER NOT NULL, PRIMARY KEY (lineage, version))`);
        await applyMigrations(sql, lineage, migrations);
      });
    },
  };
  return outer;
}

/** Applies, inside the caller's transaction, the migrations of `lineage` newer than the newest recorded one. */
export async function applyMigrations(sql: SqlClient, lineage: string, migrations: SqlMigration[]): Promise<void> {
  const row = await sql.get<{ v: number | null }>(`SELECT max(version) AS v FROM ${SQL_MIGRATIONS_TABLE} WHERE lineage = ?`, [lineage]);
  const current = row?.v ?? 0;
  const known = Math.max(0, ...migrations.map((m) => m.version));
  if (current > known) {
    throw new CairnError('INTEGRITY', `the database's ${lineage} schema is version ${current}, newer than this cairn knows (${known})`, {
      hint: 'upgrade cairn to a version that knows this schema',
    });
  }
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    if (migration.version <= current) continue;
    for (const statement of migrationStatements(migration, sql.dialect)) await sql.run(statement);
    await sql.run(`INSERT INTO ${SQL_MIGRATIONS_TABLE} (lineage, version, description, applied_time) VALUES (?, ?, ?, ?)`, [lineage, migration.version, migration.description, Date.now()]);
  }
}

/** better-sqlite3 binds no booleans and no undefined. */
function bind(params: unknown[]): unknown[] {
  return params.map((p) => (p === undefined ? null : typeof p === 'boolean' ? (p ? 1 : 0) : p));
}
