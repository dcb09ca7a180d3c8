import { CairnError } from '../../core/errors.js';
import type { SqlClient, SqlMigration } from '../../core/sql/sqlClient.js';
import type { Scope } from '../routes/route.js';
import { hashSecret, newToken, parseToken, secretMatches } from './tokenFormat.js';

/** A token as listed: everything but its secret, which is stored only as a hash and shown once, at creation. */
export interface TokenInfo {
  id: string;
  name: string;
  scope: Scope;
  created_time: number;
  last_used_time: number | null;
  expires_time: number | null;
}

/** Who a verified token belongs to. */
export interface Principal {
  id: string;
  name: string;
  scope: Scope;
}

export const AUTH_MIGRATIONS: SqlMigration[] = [
  {
    version: 1,
    description: 'server tokens: hashed secrets with a scope and an optional expiry',
    up: [
      `CREATE TABLE cairn_tokens (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        scope TEXT NOT NULL,
        secret_hash TEXT NOT NULL,
        created_time BIGINT NOT NULL,
        last_used_time BIGINT,
        expires_time BIGINT
      )`,
    ],
  },
];

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$/;
/** last_used_time is written at most this often per token, so checking a token is a read, not a write, per request. */
const LAST_USED_EVERY_MS = 60_000;
const COLUMNS = 'id, name, scope, created_time, last_used_time, expires_time';

/** The server's tokens, in the server's own database (lineage 'auth'), on SQLite or PostgreSQL alike. */
export class TokenStore {
  private readonly lastUsedWritten = new Map<string, number>();

  private constructor(
    private readonly sql: SqlClient,
    private readonly now: () => number,
  ) {}

  /** The store over a database, its table created or upgraded. */
  static async open(sql: SqlClient, now: () => number = Date.now): Promise<TokenStore> {
    await sql.migrate('auth', AUTH_MIGRATIONS);
    return new TokenStore(sql, now);
  }

  /** A new token; the returned `token` text is the only time its secret exists outside the client. */
  async create(options: { name: string; scope: Scope; expiresTime?: number | null }): Promise<TokenInfo & { token: string }> {
    if (!NAME_RE.test(options.name)) {
      throw new CairnError('USAGE', `invalid token name "${options.name}"`, {
        hint: 'use letters, digits and . _ @ - (at most 100 characters), e.g. --name ci-runner',
      });
    }
    const { id, secret, token } = newToken();
    const info: TokenInfo = { id, name: options.name, scope: options.scope, created_time: this.now(), last_used_time: null, expires_time: options.expiresTime ?? null };
    const inserted = await this.sql.run(
      'INSERT INTO cairn_tokens (id, name, scope, secret_hash, created_time, expires_time) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING',
      [id, info.name, info.scope, hashSecret(secret), info.created_time, info.expires_time],
    );
    if (inserted.changes === 0) {
      throw new CairnError('CONFLICT', `a token named "${options.name}" already exists`, {
        hint: `choose another name, or revoke it first: cairn server token revoke ${options.name}`,
      });
    }
    return { ...info, token };
  }

  async list(): Promise<TokenInfo[]> {
    return (await this.sql.all<TokenInfo>(`SELECT ${COLUMNS} FROM cairn_tokens ORDER BY created_time, name`)).map(normalise);
  }

  async count(): Promise<number> {
    const row = await this.sql.get<{ n: number | string }>('SELECT count(*) AS n FROM cairn_tokens');
    return Number(row?.n ?? 0);
  }

  /** Removes a token by id or name; it stops working at once on every server over this database. */
  async revoke(idOrName: string): Promise<TokenInfo> {
    return this.sql.tx(async (sql) => {
      const row =
        (await sql.get<TokenInfo>(`SELECT ${COLUMNS} FROM cairn_tokens WHERE id = ?`, [idOrName])) ??
        (await sql.get<TokenInfo>(`SELECT ${COLUMNS} FROM cairn_tokens WHERE name = ?`, [idOrName]));
      if (!row) {
        throw new CairnError('NOT_FOUND', `no token with the id or name "${idOrName}"`, { hint: 'see the tokens with `cairn server token list`' });
      }
      await sql.run('DELETE FROM cairn_tokens WHERE id = ?', [row.id]);
      return normalise(row);
    });
  }

  /** Who a token text belongs to; AUTH when it is not a token, unknown (or revoked), wrong, or expired. */
  async verify(text: string): Promise<Principal> {
    const parts = parseToken(text);
    if (!parts) throw new CairnError('AUTH', 'the credentials are not a cairn token', { hint: 'send a token from `cairn server token create` as `Authorization: Bearer <token>`' });
    const row = await this.sql.get<{ id: string; name: string; scope: Scope; secret_hash: string; expires_time: number | string | null }>(
      'SELECT id, name, scope, secret_hash, expires_time FROM cairn_tokens WHERE id = ?',
      [parts.id],
    );
    if (!row || !secretMatches(parts.secret, row.secret_hash)) {
      throw new CairnError('AUTH', 'the token is not valid (unknown or revoked)', { hint: 'create a new one with `cairn server token create`' });
    }
    const now = this.now();
    if (row.expires_time !== null && Number(row.expires_time) <= now) {
      throw new CairnError('AUTH', `the token "${row.name}" expired on ${new Date(Number(row.expires_time)).toISOString()}`, {
        hint: 'create a new one with `cairn server token create`',
      });
    }
    if (now - (this.lastUsedWritten.get(row.id) ?? 0) >= LAST_USED_EVERY_MS) {
      this.lastUsedWritten.set(row.id, now);
      await this.sql.run('UPDATE cairn_tokens SET last_used_time = ? WHERE id = ?', [now, row.id]);
    }
    return { id: row.id, name: row.name, scope: row.scope };
  }
}

/** PostgreSQL may hand BIGINTs back as text; the listing gives numbers on both. */
function normalise(row: TokenInfo): TokenInfo {
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return { ...row, created_time: Number(row.created_time), last_used_time: num(row.last_used_time), expires_time: num(row.expires_time) };
}
