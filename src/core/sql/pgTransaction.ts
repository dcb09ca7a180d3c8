import type pg from 'pg';

/**
 * Runs `fn` with one pooled connection inside BEGIN ... COMMIT, rolled back when `fn` throws. A connection whose
 * rollback fails is dropped from the pool rather than reused in an unknown state.
 */
export async function withPgTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    try {
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
      throw err;
    }
  } finally {
    client.release(broken);
  }
}
